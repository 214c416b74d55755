/**
 * Test-only reader for the sigstore-js test vectors in testdata/sigstore (see SOURCES.md): the files
 * are kept byte-exact as published, so the object literals are cut out of them and evaluated one by
 * one in an empty vm context (no require, no Buffer), then handled as plain JSON.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';

const DIR = new URL('./testdata/sigstore/', import.meta.url);

function literalAfter(text: string, marker: string, file: string): unknown {
  const start = text.indexOf(marker);
  if (start < 0) throw new Error(`${file}: "${marker}" not found`);
  const open = start + marker.length;
  // The literal ends at the first line that closes the top-level object: "};" at column 0.
  const end = text.indexOf('\n};', open);
  if (end < 0) throw new Error(`${file}: end of "${marker}" not found`);
  return runInNewContext(`(${text.slice(open, end + 2)})`, Object.create(null), { timeout: 1000 });
}

/** JSON round trip: drops `undefined` members, as a serialised bundle would not have them. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

export function sigstoreFixtures() {
  const bundles = readFileSync(new URL('bundles.ts.txt', DIR), 'utf8');
  const trust = readFileSync(new URL('trust.ts.txt', DIR), 'utf8');
  const v1 = asJson(literalAfter(bundles, 'export const V1 = ', 'bundles.ts')) as Record<string, Record<string, unknown>>;
  const v3 = asJson(literalAfter(bundles, 'export const V3 = ', 'bundles.ts')) as Record<string, Record<string, unknown>>;
  const artifact = /export const ARTIFACT = Buffer\.from\('([^']*)'\);/.exec(bundles)?.[1];
  if (artifact === undefined) throw new Error('bundles.ts: ARTIFACT not found');
  return {
    v1,
    v3,
    artifact: Buffer.from(artifact, 'utf8'),
    trustedRootJson: JSON.stringify(asJson(literalAfter(trust, 'const trustedRootJSON = ', 'trust.ts'))),
  };
}
