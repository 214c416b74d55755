/**
 * Reporting to the Bulkhead server: events (spooled on disk, sent in order, acknowledged), the host
 * and its containers, and profile-mode commands from operators.
 */
export { startServerReporter, SPOOL_FILE, type ServerReporter, type ServerReporterOptions } from './server-reporter.js';
export { EventSpool, type SpooledEvent } from './spool.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export type { CommandsAck, CommandsReply, EventBatch, EventBatchReply, HostReport, InventoryReport, ProfileModeCommand } from './protocol.js';
