/** Bills of materials: CycloneDX and SPDX in and out, plus Bulkhead's own json and table views. */
export { encodeSbom } from './encode.js';
export { decodeSbom } from './decode.js';
export { validateCycloneDx } from './cyclonedx-validate.js';
export { SBOM_FORMATS, type EncodeOptions, type SbomFormat } from './format.js';
export type { DecodedSbom } from './decoded.js';
export { UNKNOWN_LAYER } from './decoded.js';
