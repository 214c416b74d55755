/** Admission gates: the Docker authorization plugin (docker/) and the Kubernetes webhook (kubernetes/). */
export { decide, imageToResolve, referenceFacts, type Decision, type DecisionContext, type ImageEvidence, type GateRule } from './docker/decide.js';
export { startAuthzPlugin, DEFAULT_PLUGIN_SOCKET, type AuthzPlugin, type AuthzPluginOptions } from './docker/plugin-server.js';
export { classifyCall, type EngineCall } from './docker/route.js';
export { containerSpec, type ContainerSpec } from './docker/container-spec.js';
export { PLUGIN_CONTENT_TYPE, type AuthzRequest, type AuthzResponse } from './docker/protocol.js';
export type { DecisionEvent } from './docker/events.js';
export {
  startWebhookServer,
  createImageResolver,
  decideAdmission,
  parseAdmissionReview,
  reviewResponse,
  podWorkloadOf,
  ADMITTED_KINDS,
  MAX_REVIEW_BYTES,
  type WebhookServerOptions,
  type RunningWebhook,
  type DecisionEvent as AdmissionDecisionEvent,
  type AdmissionSettings,
  type AdmissionDecision,
  type ImageResolver,
  type ResolvedImage,
  type AdmissionRequest,
  type AdmissionResponse,
  type AdmissionReviewResponse,
} from './kubernetes/index.js';
