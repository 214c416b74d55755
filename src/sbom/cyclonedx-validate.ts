import type { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { lazyModule } from '../lazy-module.js';

const load = lazyModule<typeof import('@cyclonedx/cyclonedx-library')>('@cyclonedx/cyclonedx-library');

/**
 * Validates CycloneDX JSON against the official schema shipped with the CycloneDX library, in strict
 * mode (no properties beyond the schema). The version is the document's `specVersion`, 1.6 when it is
 * missing or unknown. Returns one line per error, or null when the document is valid.
 */
export async function validateCycloneDx(json: string): Promise<string[] | null> {
  const { Spec, Validation } = load();
  let version = Spec.Version.v1dot6;
  try {
    const declared = (JSON.parse(json) as { specVersion?: unknown }).specVersion;
    const known = Object.values(Spec.Version).find((v) => v === declared);
    if (known !== undefined) version = known;
  } catch (e) {
    return [`not valid JSON: ${e instanceof Error ? e.message : String(e)}`];
  }
  const result = await new Validation.JsonStrictValidator(version).validate(json);
  if (result === null) return null;
  const errors = Array.isArray(result) ? (result as { instancePath?: string; message?: string }[]) : [result];
  return errors.map((e) => `${e.instancePath || '/'}: ${e.message ?? JSON.stringify(e)}`);
}
