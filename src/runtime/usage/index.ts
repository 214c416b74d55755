/** What containers of each image used at runtime (issue 10 A.1): the recorder, the store, the record. */
export type { UsageRecord } from './types.js';
export { loadUsage, listUsage, saveUsage, usageFile } from './store.js';
export { mergeUsage, type UsageDelta } from './merge.js';
export { UsageRecorder, type UsageRecorderOptions } from './recorder.js';
export { capabilityProbeKind, type UsageProgramOptions, type UsageCounts } from './usage-program.js';
export { renderUsageList, renderUsageRecord } from './render.js';
