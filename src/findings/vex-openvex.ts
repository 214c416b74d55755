import { z } from 'zod';
import type { VexStatement } from './vex.js';

/**
 * OpenVEX documents (OpenVEX specification v0.2.0, https://github.com/openvex/spec, and its JSON
 * schema openvex_json_schema_0.2.0.json). What a scan needs from one: for each statement, the
 * vulnerability's names, the products (and subcomponents) it is about as purls, the status and why,
 * and when it was made.
 *
 * Reading is lenient where the spec's own examples are (extra fields, `vulnerability` given as a bare
 * string as in v0.0.1 documents, a `not_affected` with both justification and impact statement) and
 * strict where a wrong reading would hide a finding: the status, the justification labels, a
 * `not_affected` with neither justification nor impact statement, timestamps that do not parse.
 */

/** `@context` values are `https://openvex.dev/ns` or `https://openvex.dev/ns/v0.2.0` (spec "Document"). */
export function isOpenVex(doc: unknown): boolean {
  if (doc === null || typeof doc !== 'object') return false;
  const context = (doc as Record<string, unknown>)['@context'];
  return typeof context === 'string' && context.startsWith('https://openvex.dev/ns');
}

const STATUSES = ['not_affected', 'affected', 'fixed', 'under_investigation'] as const;

/** Spec "Status Justifications" (from the CISA VEX Status Justifications document). */
const JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
] as const;

const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an RFC 3339 date-time');

/** Spec "Component Fields": `@id` (an IRI, often a purl) and `identifiers.purl`. */
const component = z.looseObject({
  '@id': z.string().optional(),
  identifiers: z.looseObject({ purl: z.string().optional() }).optional(),
});

const product = component.extend({ subcomponents: z.array(component).optional() });

const vulnerability = z.union([
  z.string().min(1),
  z.looseObject({
    '@id': z.string().optional(),
    name: z.string().min(1),
    aliases: z.array(z.string()).optional(),
  }),
]);

const statement = z
  .looseObject({
    vulnerability,
    timestamp: timestamp.optional(),
    last_updated: timestamp.optional(),
    products: z.array(product).optional(),
    status: z.enum(STATUSES),
    status_notes: z.string().optional(),
    justification: z.enum(JUSTIFICATIONS).optional(),
    impact_statement: z.string().optional(),
    action_statement: z.string().optional(),
  })
  .refine((s) => s.status !== 'not_affected' || s.justification !== undefined || s.impact_statement !== undefined, {
    message: 'a not_affected statement needs a justification or an impact_statement (spec "Statement Fields")',
    path: ['status'],
  });

export const openVexSchema = z.looseObject({
  '@context': z.string(),
  '@id': z.string().optional(),
  author: z.string().optional(),
  timestamp,
  last_updated: timestamp.optional(),
  version: z.number().int().optional(),
  statements: z.array(statement),
});

export type OpenVexDocument = z.infer<typeof openVexSchema>;

/**
 * The statements of a schema-checked OpenVEX document. A statement's timestamp is its own, else the
 * document's (spec "Inheritance Flow": statement overrides document). A statement whose products
 * carry no purl (hash-only or CPE-only) cannot match a finding and is kept with an empty product list.
 */
export function openVexStatements(doc: OpenVexDocument, source: string): VexStatement[] {
  return doc.statements.map((s, index): VexStatement => {
    const vuln = typeof s.vulnerability === 'string' ? { name: s.vulnerability } : s.vulnerability;
    const ids = [vuln.name, ...(typeof vuln === 'object' && 'aliases' in vuln ? (vuln.aliases ?? []) : [])];
    const iri = typeof vuln === 'object' && '@id' in vuln ? vuln['@id'] : undefined;
    // An `@id` like https://nvd.nist.gov/vuln/detail/CVE-2021-44228 names the vulnerability too.
    const fromIri = iri?.match(/(?:CVE-\d{4}-\d+|GHSA(?:-[0-9a-z]{4}){3})$/iu)?.[0];
    if (fromIri) ids.push(fromIri);
    const products: string[] = [];
    for (const p of s.products ?? []) {
      products.push(...purlsOf(p));
      for (const sub of p.subcomponents ?? []) products.push(...purlsOf(sub));
    }
    const out: VexStatement = {
      format: 'openvex',
      source,
      index,
      ids: [...new Set(ids)],
      products: [...new Set(products)],
      status: s.status,
      vexStatus: s.status,
      timestamp: Date.parse(s.timestamp ?? doc.timestamp),
    };
    if (s.justification !== undefined) out.justification = s.justification;
    const detail = s.impact_statement ?? s.action_statement ?? s.status_notes;
    if (detail !== undefined) out.detail = detail;
    return out;
  });
}

function purlsOf(c: z.infer<typeof component>): string[] {
  const out: string[] = [];
  if (c['@id']?.startsWith('pkg:')) out.push(c['@id']);
  if (c.identifiers?.purl?.startsWith('pkg:')) out.push(c.identifiers.purl);
  return out;
}
