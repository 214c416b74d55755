/** Image misconfiguration checks (CIS Docker Benchmark section 4 and image hygiene). */
export { checkImage } from './check-image.js';
export type { ImageCheckOptions } from './types.js';
export { readEtcPasswd } from './read-passwd.js';
export { IMAGE_CHECK_IDS } from './check-ids.js';
