import { PackageURL } from 'packageurl-js';
import { z } from 'zod';
import type { VexStatement, VexStatus } from './vex.js';

/**
 * CycloneDX VEX: the `vulnerabilities[]` of a CycloneDX 1.4–1.6 JSON document (CycloneDX spec,
 * "vulnerabilities" and "analysis"; shapes as in CycloneDX/bom-examples VEX/). Each vulnerability
 * with an `analysis.state` is a statement about the components its `affects[].ref` name.
 *
 * - A ref is a bom-ref of a component of this document (metadata.component, components, nested), a
 *   BOM-Link `urn:cdx:<serial>/<version>#<bom-ref>` (the fragment is looked up the same way), or a
 *   purl itself. Only refs that end in a purl can match a finding.
 * - `affects[].versions[]` with an exact `version` narrows the statement to those versions of the
 *   ref's package; entries whose own `status` contradicts the analysis are left out. Version ranges
 *   (`vers:` strings) are not evaluated: they are reported in `unevaluated` and match nothing.
 * - `references[].id` are other ids of the same vulnerability (spec: "equivalent" vulnerabilities).
 */

export function isCycloneDx(doc: unknown): boolean {
  return doc !== null && typeof doc === 'object' && (doc as Record<string, unknown>)['bomFormat'] === 'CycloneDX';
}

/** CycloneDX 1.4+ impact analysis states and the VEX status each one is. */
const STATES: Record<string, VexStatus> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
};

const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO 8601 date-time');

type Component = { 'bom-ref'?: string | undefined; purl?: string | undefined; components?: Component[] | undefined };
const component: z.ZodType<Component> = z.lazy(() =>
  z.looseObject({
    'bom-ref': z.string().optional(),
    purl: z.string().optional(),
    components: z.array(component).optional(),
  }),
);

const versionEntry = z.looseObject({
  version: z.string().optional(),
  range: z.string().optional(),
  status: z.enum(['affected', 'unaffected', 'unknown']).optional(),
});

const vulnerability = z.looseObject({
  id: z.string().min(1).optional(),
  references: z.array(z.looseObject({ id: z.string() })).optional(),
  created: timestamp.optional(),
  published: timestamp.optional(),
  updated: timestamp.optional(),
  analysis: z
    .looseObject({
      state: z.enum(Object.keys(STATES) as [string, ...string[]]).optional(),
      justification: z.string().optional(),
      response: z.union([z.array(z.string()), z.string()]).optional(),
      detail: z.string().optional(),
      firstIssued: timestamp.optional(),
      lastUpdated: timestamp.optional(),
    })
    .optional(),
  affects: z.array(z.looseObject({ ref: z.string().min(1), versions: z.array(versionEntry).optional() })).optional(),
});

export const cycloneDxVexSchema = z.looseObject({
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.string().regex(/^1\.(?:[4-9]|\d{2,})$/u, 'vulnerabilities need CycloneDX 1.4 or later'),
  metadata: z.looseObject({ timestamp: timestamp.optional(), component: component.optional() }).optional(),
  components: z.array(component).optional(),
  vulnerabilities: z.array(vulnerability).optional(),
});

export type CycloneDxVexDocument = z.infer<typeof cycloneDxVexSchema>;

export function cycloneDxStatements(doc: CycloneDxVexDocument, source: string): VexStatement[] {
  const purlByRef = new Map<string, string>();
  // Iterative walk: nesting depth was bounded by the reader, but no recursion is needed either.
  const pending: Component[] = [...(doc.metadata?.component ? [doc.metadata.component] : []), ...(doc.components ?? [])];
  while (pending.length > 0) {
    const c = pending.pop()!;
    if (c['bom-ref'] && c.purl) purlByRef.set(c['bom-ref'], c.purl);
    pending.push(...(c.components ?? []));
  }
  const resolve = (ref: string): string | undefined => {
    // BOM-Link (CycloneDX "BOM-Link"): urn:cdx:<serial>/<version>#<url-encoded bom-ref>.
    let local = ref;
    const hash = ref.indexOf('#');
    if (ref.startsWith('urn:cdx:') && hash >= 0) {
      try {
        local = decodeURIComponent(ref.slice(hash + 1));
      } catch {
        local = ref.slice(hash + 1);
      }
    }
    return purlByRef.get(local) ?? (local.startsWith('pkg:') ? local : undefined);
  };

  const statements: VexStatement[] = [];
  (doc.vulnerabilities ?? []).forEach((v, index) => {
    const state = v.analysis?.state;
    if (state === undefined || v.id === undefined) return; // a finding report, not a VEX statement
    const status = STATES[state]!;
    const suppressing = status === 'not_affected' || status === 'fixed';
    const products: string[] = [];
    const unevaluated: string[] = [];
    for (const affect of v.affects ?? []) {
      const purl = resolve(affect.ref);
      const versions = affect.versions ?? [];
      if (versions.length === 0) {
        if (purl) products.push(purl);
        continue;
      }
      for (const entry of versions) {
        const agrees = entry.status === undefined || entry.status === (suppressing ? 'unaffected' : 'affected');
        if (!agrees) continue;
        if (entry.version !== undefined) {
          const versioned = purl ? withVersion(purl, entry.version) : undefined;
          if (versioned) products.push(versioned);
        } else if (entry.range !== undefined) unevaluated.push(entry.range);
      }
    }
    const when =
      v.analysis?.lastUpdated ?? v.analysis?.firstIssued ?? v.updated ?? v.published ?? v.created ?? doc.metadata?.timestamp;
    const out: VexStatement = {
      format: 'cyclonedx',
      source,
      index,
      ids: [...new Set([v.id, ...(v.references ?? []).map((r) => r.id)])],
      products: [...new Set(products)],
      status,
      vexStatus: state,
      timestamp: when === undefined ? 0 : Date.parse(when),
    };
    if (v.analysis?.justification !== undefined) out.justification = v.analysis.justification;
    if (v.analysis?.detail !== undefined) out.detail = v.analysis.detail;
    if (unevaluated.length > 0) out.unevaluated = unevaluated;
    statements.push(out);
  });
  return statements;
}

/** The purl with its version replaced, or undefined when it does not parse. */
function withVersion(purl: string, version: string): string | undefined {
  try {
    const p = PackageURL.fromString(purl);
    return new PackageURL(p.type, p.namespace, p.name, version, p.qualifiers, p.subpath).toString();
  } catch {
    return undefined;
  }
}
