import type { ImageAnalysis } from '../catalog/analysis.js';
import { BulkheadError } from '../errors.js';
import { encodeCycloneDx } from './cyclonedx-encode.js';
import type { EncodeOptions, SbomFormat } from './format.js';
import { encodeJson } from './json-encode.js';
import { encodeSpdx } from './spdx-encode.js';
import { encodeTable } from './table-encode.js';

/** Writes an analysis in one of Bulkhead's output formats. */
export function encodeSbom(analysis: ImageAnalysis, format: SbomFormat, options: EncodeOptions = {}): string {
  switch (format) {
    case 'cyclonedx-json':
      return encodeCycloneDx(analysis, options);
    case 'spdx-json':
      return encodeSpdx(analysis, options);
    case 'json':
      return encodeJson(analysis);
    case 'table':
      return encodeTable(analysis, options);
    default:
      throw new BulkheadError('USAGE', `unknown SBOM format ${JSON.stringify(format as string)}`);
  }
}
