/**
 * Checks a CI upload before it is stored: the result against the scan-result JSON schema (draft-07,
 * src/report/schemas/scan-result.schema.json, the description of the `json` report), the analysis
 * (optional) for the parts a later re-match reads. A bad upload is a 400 naming the first problem.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { z } from 'zod';
// bundled with the code (esbuild inlines JSON), so the built CLI needs no schema file beside it
import scanResultSchema from '../../report/schemas/scan-result.schema.json' with { type: 'json' };
import type { ImageAnalysis } from '../../catalog/index.js';
import type { ScanResult } from '../../findings/scan-result.js';
import { BadRequest } from '../routes/body.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
let validator: ValidateFunction | undefined;

function scanResultValidator(): ValidateFunction {
  if (!validator) {
    validator = addFormats(new Ajv({ allErrors: false, strict: false })).compile(scanResultSchema as object);
  }
  return validator;
}

const analysisShape = z
  .object({
    image: z.object({ reference: z.string() }).passthrough(),
    packages: z.array(z.object({ name: z.string(), version: z.string() }).passthrough()),
    warnings: z.array(z.string()),
  })
  .passthrough();

export function validateScanUpload(result: unknown, analysis: unknown): { result: ScanResult; analysis?: ImageAnalysis } {
  const validate = scanResultValidator();
  if (!validate(result)) {
    const e = validate.errors?.[0];
    throw new BadRequest(`result${e?.instancePath ?? ''}: ${e?.message ?? 'does not match the scan-result schema'}`);
  }
  const scan = result as ScanResult;
  if (!scan.image.manifestDigest && !scan.image.configDigest) throw new BadRequest('result.image: neither manifestDigest nor configDigest (the server keys images by digest)');
  if (analysis === undefined || analysis === null) return { result: scan };
  const parsed = analysisShape.safeParse(analysis);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadRequest(`analysis.${issue.path.join('.')}: ${issue.message}`);
  }
  return { result: scan, analysis: analysis as ImageAnalysis };
}
