/** Re-matching stored images when the vulnerability database changes (no image is pulled). */
export { Rematcher, type RematcherOptions, type RematchRun, type RematchStatus, type NewVulnerabilities } from './rematcher.js';
export { mergeRematch } from './merge-result.js';
export { fileStamp, buildStamp } from './db-stamp.js';
