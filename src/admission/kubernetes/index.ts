/** The Kubernetes validating (and mutating) admission webhook: AdmissionReview v1 over TLS, the one policy evaluation. */
export { startWebhookServer, MAX_REVIEW_BYTES, type WebhookServerOptions, type RunningWebhook, type DecisionEvent } from './webhook-server.js';
export { decideAdmission, type AdmissionSettings, type AdmissionDecision } from './decide.js';
export { createImageResolver, type ImageResolver, type ImageResolverOptions, type ResolvedImage } from './image-facts.js';
export { parseAdmissionReview, reviewResponse, type AdmissionRequest, type AdmissionResponse, type AdmissionReviewResponse } from './admission-review.js';
export { podWorkloadOf, ADMITTED_KINDS, type PodWorkload, type WorkloadContainer } from './pod-workload.js';
