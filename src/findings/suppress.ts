import type { IgnoreFile, IgnoreRule } from './ignore-file.js';
import { purlMatches, tryParsePurl, type PurlPattern } from './purl-match.js';
import type { Finding, FindingPackage, Suppression } from './types.js';
import type { VexStatement } from './vex.js';

/**
 * Marks findings that an ignore rule or a VEX statement covers. Pure: returns new finding objects
 * for the ones it changes, never drops one (suppressed findings stay in the result, DESIGN.md §6).
 *
 * - VEX (vulnerability findings): among statements naming one of the finding's ids (its id and every
 *   `vulnerability.ids` entry, case-insensitive) and a product or subcomponent purl that matches the
 *   finding's package (purl-match.ts), the latest by timestamp wins (OpenVEX "VEX Statement": later
 *   statements override earlier ones; on a tie, the one given later). `not_affected` and `fixed`
 *   suppress; `affected` and `under_investigation` do not, and are recorded in the finding's evidence
 *   (`vexStatus`, `vexSource`, `vexDetail`).
 * - Ignore rules: the first rule in file order whose fields all match; expired rules never apply and
 *   each gives one warning.
 * - A suppressing VEX statement takes precedence over an ignore rule (it is a statement of fact with
 *   no expiry). A finding nothing applies to keeps whatever suppression it came with.
 * - OS packages (deb, rpm, apk) also match a purl naming their source package (advisories and
 *   distribution VEX are keyed on source packages): `pkg:deb/debian/openssl` covers libssl3.
 */
export function applySuppressions(
  findings: Finding[],
  sources: { ignore?: IgnoreFile; vex?: VexStatement[] },
  now: Date,
): { findings: Finding[]; warnings: string[] } {
  const warnings: string[] = [];
  const time = now.getTime();
  const rules: IgnoreRule[] = [];
  for (const rule of sources.ignore?.rules ?? []) {
    if (rule.expiresAt !== undefined && time > rule.expiresAt) {
      warnings.push(`${rule.location}: ignore rule ${describeRule(rule)} expired on ${rule.expires}; not applied`);
    } else rules.push(rule);
  }
  const statements = prepareStatements(sources.vex ?? [], warnings);

  const out = findings.map((finding) => {
    const ids = findingIds(finding);
    const packages = packagePurls(finding.target.package);
    const vex = finding.kind === 'vulnerability' ? latestStatement(statements, ids, packages) : undefined;
    if (vex && (vex.status === 'not_affected' || vex.status === 'fixed')) {
      return { ...finding, suppression: vexSuppression(vex) };
    }
    const rule = rules.find((r) => ruleMatches(r, finding, ids, packages));
    let next = finding;
    if (vex) {
      const evidence: Record<string, string> = { ...finding.evidence, vexStatus: vex.vexStatus, vexSource: vex.source };
      if (vex.detail !== undefined) evidence['vexDetail'] = vex.detail;
      next = { ...next, evidence };
    }
    if (rule) {
      const suppression: Suppression = { kind: 'ignore', reason: rule.reason, source: rule.location };
      if (rule.expires !== undefined) suppression.expires = rule.expires;
      next = { ...next, suppression };
    }
    return next;
  });
  return { findings: out, warnings };
}

interface PreparedStatement {
  statement: VexStatement;
  ids: Set<string>;
  products: PurlPattern[];
}

function prepareStatements(statements: VexStatement[], warnings: string[]): PreparedStatement[] {
  return statements.map((statement) => {
    const where = `${statement.source}: statement ${statement.index + 1} (${statement.ids[0] ?? '?'})`;
    const products: PurlPattern[] = [];
    for (const text of statement.products) {
      const purl = tryParsePurl(text);
      if (purl) products.push(purl);
      else warnings.push(`${where}: "${text}" is not a valid package URL; ignored`);
    }
    if (statement.unevaluated) {
      warnings.push(`${where}: version ranges are not evaluated (${statement.unevaluated.join(', ')}); they match nothing`);
    } else if (products.length === 0) {
      warnings.push(`${where}: names no package URL, so it cannot match a finding`);
    }
    return { statement, ids: new Set(statement.ids.map((id) => id.toUpperCase())), products };
  });
}

function latestStatement(statements: PreparedStatement[], ids: Set<string>, packages: PurlPattern[]): VexStatement | undefined {
  let best: PreparedStatement | undefined;
  let bestTime = 0;
  for (const s of statements) {
    if (![...s.ids].some((id) => ids.has(id))) continue;
    if (!s.products.some((p) => packages.some((pkg) => purlMatches(p, pkg)))) continue;
    // Statements come in input order, so `>=` lets the later of two equally timed ones win.
    const ts = Number.isNaN(s.statement.timestamp) ? 0 : s.statement.timestamp;
    if (best === undefined || ts >= bestTime) {
      best = s;
      bestTime = ts;
    }
  }
  return best?.statement;
}

function vexSuppression(vex: VexStatement): Suppression {
  const suppression: Suppression = {
    kind: 'vex',
    reason: vex.detail ?? (vex.justification ? `${vex.vexStatus}: ${vex.justification}` : vex.vexStatus),
    source: vex.source,
    status: vex.vexStatus,
  };
  if (vex.justification !== undefined) suppression.justification = vex.justification;
  return suppression;
}

function ruleMatches(rule: IgnoreRule, finding: Finding, ids: Set<string>, packages: PurlPattern[]): boolean {
  if ((rule.kind ?? 'vulnerability') !== finding.kind) return false;
  if (rule.id !== undefined) {
    const id = rule.id.toUpperCase();
    const ruleId = finding.evidence?.['rule'] ?? finding.evidence?.['ruleId'];
    if (!ids.has(id) && ruleId?.toUpperCase() !== id) return false;
  }
  if (rule.packagePatterns.length > 0) {
    if (!rule.packagePatterns.some((p) => packages.some((pkg) => purlMatches(p, pkg)))) return false;
  }
  if (rule.pathPatterns.length > 0) {
    const path = finding.target.path?.replace(/^\/+/u, '');
    if (path === undefined || !rule.pathPatterns.some((re) => re.test(path))) return false;
  }
  return true;
}

function findingIds(finding: Finding): Set<string> {
  return new Set([finding.id, ...(finding.vulnerability?.ids ?? [])].map((id) => id.toUpperCase()));
}

const OS_TYPES = new Set(['deb', 'rpm', 'apk']);

/** The package's purl (or one made from its fields), plus its source package's for OS packages. */
function packagePurls(pkg: FindingPackage | undefined): PurlPattern[] {
  if (!pkg) return [];
  const own: PurlPattern = tryParsePurl(pkg.purl) ?? {
    type: pkg.type.toLowerCase(),
    name: pkg.name,
    version: pkg.version,
    text: `${pkg.type}/${pkg.name}@${pkg.version}`,
  };
  const out = [own];
  if (OS_TYPES.has(own.type) && pkg.sourceName && pkg.sourceName !== own.name) {
    out.push({ ...own, name: pkg.sourceName, version: pkg.sourceVersion ?? pkg.version, text: `${own.text} (source ${pkg.sourceName})` });
  }
  return out;
}

function describeRule(rule: IgnoreRule): string {
  return rule.id ?? rule.packages?.[0] ?? rule.paths?.[0] ?? '(unnamed)';
}
