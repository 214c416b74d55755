/**
 * Responses on running containers (kill processes, pause, stop, replace at the end of their time to
 * live) and what a container changed or holds beyond its policy, as findings.
 */
export { createResponder, type Responder, type ResponderOptions, type KillOutcome, type ContainerOutcome } from './responder.js';
export { REPLACED_FROM_LABEL, type ReplaceOutcome } from './replace.js';
export { containerChanges, type ContainerChange, type ContainerChanges, type ChangeKind } from './changes.js';
export { summariseChanges, sensitivePath } from './summarise-changes.js';
export { privilegeDrift, type PrivilegeDriftOptions } from './privilege-drift.js';
export { RESPOND_CHECKS } from './checks.js';
export { engineClient, type EngineClient, type EngineReply } from './engine-client.js';
