/** Schema validators for report tests: ajv with the vendored schemas, xmllint for JUnit. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const SCHEMAS = new URL('../schemas/', import.meta.url).pathname;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function errorsOf(validate: ReturnType<Ajv['compile']>, doc: unknown): string[] | null {
  if (validate(doc)) return null;
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** schemas/scan-result.schema.json (draft-07). */
export function validateScanJson(doc: unknown): string[] | null {
  const ajv = addFormats(new Ajv({ allErrors: true, strict: true }));
  return errorsOf(ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, 'scan-result.schema.json'), 'utf8'))), doc);
}

/**
 * The OASIS SARIF 2.1.0 errata01 schema declares draft-04, which Ajv 8 has no meta-schema for. Its
 * keywords (type, enum, properties, items, required, minItems, uniqueItems, minimum, pattern, format,
 * $ref to local definitions; no boolean exclusiveMinimum/Maximum) mean the same in draft-07, so it is
 * compiled with the draft-07 engine: `id` is ignored (all $refs are local) and meta-validation is off.
 */
export function validateSarif(doc: unknown): string[] | null {
  const schema = JSON.parse(readFileSync(join(SCHEMAS, 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  const text = JSON.stringify(schema);
  if (/exclusiveM(in|ax)imum/.test(text)) throw new Error('the SARIF schema uses exclusiveMinimum/Maximum: draft-04 semantics differ');
  delete schema.$schema;
  delete schema.id;
  const ajv = addFormats(new Ajv({ allErrors: true, strict: false, validateSchema: false }));
  return errorsOf(ajv.compile(schema), doc);
}

/** Runs xmllint once over several documents against schemas/junit-10.xsd; returns its output per file. */
export function xmllintJunit(documents: string[]): { ok: boolean; output: string }[] {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('xmllint is missing: install the Debian package libxml2-utils');
  }
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-junit-'));
  try {
    const files = documents.map((doc, i) => {
      const file = join(dir, `report-${i}.xml`);
      writeFileSync(file, doc);
      return file;
    });
    // xmllint prints "FILE validates" / "FILE fails to validate" on stderr
    const run = spawnSync('xmllint', ['--noout', '--schema', join(SCHEMAS, 'junit-10.xsd'), ...files], { encoding: 'utf8' });
    const output = `${run.stdout}${run.stderr}`;
    return files.map((f) => ({ ok: new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} validates`).test(output), output }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** xmllint --xpath over one document (reads values back as a conforming parser sees them). */
export function xpath(document: string, expression: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-xpath-'));
  try {
    const file = join(dir, 'doc.xml');
    writeFileSync(file, document);
    return execFileSync('xmllint', ['--xpath', expression, file], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
