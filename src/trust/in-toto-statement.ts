/**
 * in-toto Statement v1 (in-toto/attestation `spec/v1/statement.md`): the subject names the image by
 * repository and digest, the predicate says something about it. Predicate type names follow cosign's
 * `--type` shortcuts (cosign `pkg/cosign/attestation`, `pkg/types`); any other value must be a URI.
 */
import { BulkheadError } from '../errors.js';
import { splitDigest } from '../image/digest.js';

export const STATEMENT_TYPE_V1 = 'https://in-toto.io/Statement/v1';
/** cosign up to v2 writes v0.1 statements; both are read. */
const STATEMENT_TYPES = new Set([STATEMENT_TYPE_V1, 'https://in-toto.io/Statement/v0.1']);

const PREDICATE_TYPES: Record<string, string> = {
  cyclonedx: 'https://cyclonedx.org/bom',
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  link: 'https://in-toto.io/Link/v1',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  openvex: 'https://openvex.dev/ns',
  custom: 'https://cosign.sigstore.dev/attestation/v1',
};

/** `cyclonedx` → `https://cyclonedx.org/bom`; a URI is kept as given. */
export function predicateTypeFor(type: string): string {
  const known = PREDICATE_TYPES[type];
  if (known) return known;
  if (/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(type)) return type;
  throw new BulkheadError('USAGE', `--type "${type}": expected one of ${Object.keys(PREDICATE_TYPES).join(', ')} or a URI`, { input: type });
}

export interface Statement {
  _type: string;
  subject: Array<{ name: string; digest: Record<string, string> }>;
  predicateType: string;
  predicate: unknown;
}

export function buildStatement(repository: string, digest: string, predicateType: string, predicate: unknown): Statement {
  const { algorithm, hex } = splitDigest(digest, digest);
  return { _type: STATEMENT_TYPE_V1, subject: [{ name: repository, digest: { [algorithm]: hex } }], predicateType, predicate };
}

/** Parses a statement payload; the reason says what is wrong when it is not one. */
export function parseStatement(payload: Buffer): { statement: Statement } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return { error: 'the payload is not JSON' };
  }
  const s = value as Partial<Statement> | null;
  if (!s || typeof s._type !== 'string' || !STATEMENT_TYPES.has(s._type)) return { error: `not an in-toto statement (_type ${JSON.stringify(s?._type)})` };
  if (!Array.isArray(s.subject) || typeof s.predicateType !== 'string') return { error: 'the statement needs subject and predicateType' };
  const subject = s.subject.filter((x) => x && typeof x === 'object' && x.digest && typeof x.digest === 'object');
  return { statement: { _type: s._type, subject, predicateType: s.predicateType, predicate: s.predicate } };
}
