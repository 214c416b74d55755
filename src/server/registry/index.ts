/** Registry monitoring: the scan queue, the poller, push notifications. */
export { ScanQueue, type ScanJob, type JobRecord, type QueueStats, type ScannedEvent, type RegistryCredentials } from './scan-queue.js';
export type { JobQueue } from './job-queue.js';
export { RegistryMonitor, type PollOutcome } from './monitor.js';
export { registryServices, SCAN_QUEUE, REGISTRY_MONITOR } from './services.js';
export { manifestPushes, envelopeSchema, NOTIFICATION_MEDIA_TYPE, type NotificationEnvelope } from './notifications.js';
export { registryAccess, repositoryMatcher } from './registry-access.js';
