import { asBulkheadError, BulkheadError } from '../errors.js';
import { decodeCycloneDx } from './cyclonedx-decode.js';
import type { DecodedSbom } from './decoded.js';
import { parseJsonText } from './json-text.js';
import { decodeSpdx } from './spdx-decode.js';

/**
 * Reads an SBOM given as input (`sbom:PATH`). The format is told by content: CycloneDX JSON has
 * `"bomFormat": "CycloneDX"` (CycloneDX 1.6 §bomFormat), SPDX JSON a `spdxVersion` (SPDX 2.3 §6.1).
 */
export function decodeSbom(text: string, path: string): DecodedSbom {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('<')) throw invalid(path, 'XML SBOMs are not read; use CycloneDX JSON or SPDX JSON');
  if (/^SPDXVersion:/m.test(start.slice(0, 4096)) && !start.startsWith('{')) throw invalid(path, 'SPDX tag-value is not read; use SPDX JSON');
  const doc = parseJsonText(start, path);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw invalid(path, 'expected a JSON object (CycloneDX or SPDX)');
  const record = doc as Record<string, unknown>;
  try {
    if (record.bomFormat === 'CycloneDX') return decodeCycloneDx(record, path);
    if (typeof record.spdxVersion === 'string') return decodeSpdx(record, path);
  } catch (e) {
    throw asBulkheadError(e, 'SBOM_INVALID', path);
  }
  throw invalid(path, 'neither CycloneDX (no "bomFormat": "CycloneDX") nor SPDX (no "spdxVersion")');
}

function invalid(path: string, reason: string): BulkheadError {
  return new BulkheadError('SBOM_INVALID', `${path}: ${reason}`, { input: path });
}
