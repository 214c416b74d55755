import parseSpdxExpression from 'spdx-expression-parse';
import { globToRegExp, type Finding } from '../findings/index.js';
import { versionScheme } from '../vuln/index.js';
import { checked, skipped, type Rule, type Violation } from './rule.js';
import { notScanned } from './rules-vulnerabilities.js';
import type { PackageDenyEntry } from './schema.js';
import type { PackageFacts } from './types.js';
import { inVersionRange, parseVersionRange } from './version-range.js';

/** Rules over what the image holds: secrets, malware, denied packages and licenses. */

function findingRule(id: 'secrets' | 'malware', kind: 'secret' | 'malware', scanner: string): Rule {
  return {
    id,
    applies: (p) => p[id]?.forbid === true,
    check(_policy, facts) {
      const reason = notScanned(facts, kind, scanner);
      if (reason) return skipped(reason);
      const all = facts.findings.filter((f) => f.kind === kind);
      const active = all.filter((f) => !f.suppression);
      const violations: Violation[] = active.map((f) => ({ text: describeFileFinding(f), keys: [f.id] }));
      const notes = [`${active.length} active ${kind} findings`];
      if (all.length > active.length) notes.push(`${all.length - active.length} suppressed not counted`);
      return checked(violations, notes);
    },
  };
}

/** `aws-access-key-id: AWS access key at app/.env (layer 2)`; never the secret itself (findings hold redacted text only). */
function describeFileFinding(f: Finding): string {
  const where = f.target.path ? ` at ${f.target.path}` : '';
  const layer = f.target.layerIndex !== undefined ? ` (layer ${f.target.layerIndex})` : '';
  return `${f.id}: ${f.title}${where}${layer}`;
}

export const secrets = findingRule('secrets', 'secret', 'secret');
export const malware = findingRule('malware', 'malware', 'malware');

/** purl type → OSV ecosystem whose version order applies (OSV schema, ecosystem list). */
const ECOSYSTEM_OF_TYPE: Record<string, string> = {
  deb: 'Debian',
  rpm: 'Red Hat',
  apk: 'Alpine',
  npm: 'npm',
  pypi: 'PyPI',
  maven: 'Maven',
  golang: 'Go',
  cargo: 'crates.io',
  gem: 'RubyGems',
  composer: 'Packagist',
  nuget: 'NuGet',
};

/** `pkg:type/namespace/name` with components decoded, the form purl globs are written in. */
function purlBase(p: PackageFacts): string | undefined {
  if (!p.purl?.startsWith('pkg:')) return undefined;
  const noQualifiers = p.purl.split('#')[0]!.split('?')[0]!;
  const at = noQualifiers.lastIndexOf('@');
  const base = at > noQualifiers.lastIndexOf('/') ? noQualifiers.slice(0, at) : noQualifiers;
  try {
    return base.split('/').map(decodeURIComponent).join('/');
  } catch {
    return base;
  }
}

function denyMatches(entry: PackageDenyEntry, p: PackageFacts): { matched: boolean; note?: string } {
  if (entry.type !== undefined && entry.type !== p.type) return { matched: false };
  if (entry.purl !== undefined) {
    const base = purlBase(p);
    if (base === undefined || !globToRegExp(entry.purl).test(base)) return { matched: false };
  } else if (!globToRegExp(entry.name!).test(p.name)) return { matched: false };
  if (entry.versions === undefined) return { matched: true };
  const ecosystem = ECOSYSTEM_OF_TYPE[p.type];
  const scheme = ecosystem ? versionScheme(ecosystem) : undefined;
  // No known order: only exact versions can be judged; anything else is counted as denied (fail closed).
  if (!scheme) {
    const range = parseVersionRange(entry.versions);
    const exact = range.every((all) => all.every((c) => c.op === '=' || c.op === '!='));
    if (exact) return { matched: inVersionRange(p.version, range, (a, b) => (a === b ? 0 : 1)) };
    return { matched: true, note: `versions of ${p.type} packages have no known order: range not judged, denied` };
  }
  return { matched: inVersionRange(p.version, parseVersionRange(entry.versions), (a, b) => scheme.compare(a, b)) };
}

function packageLabel(p: PackageFacts): string {
  return `${p.purl ?? `${p.type}/${p.name}@${p.version}`}${p.path ? ` (${p.path})` : ''}`;
}

function packageKeys(p: PackageFacts): string[] {
  return [p.name, `${p.name}@${p.version}`, ...(p.purl ? [p.purl, purlBase(p) ?? p.purl] : [])];
}

export const deniedPackage: Rule = {
  id: 'denied-package',
  applies: (p) => p.packages !== undefined,
  check(policy, facts) {
    if (!facts.packages) return skipped(facts.absentBecause?.packages ?? 'the package list is not known');
    const violations: Violation[] = [];
    for (const p of facts.packages) {
      for (const entry of policy.packages!.deny) {
        const { matched, note } = denyMatches(entry, p);
        if (!matched) continue;
        const rule = `${entry.purl ?? entry.name}${entry.versions ? ` ${entry.versions}` : ''}`;
        violations.push({ text: `${packageLabel(p)} is denied by ${rule}${entry.reason ? `: ${entry.reason}` : ''}${note ? ` (${note})` : ''}`, keys: packageKeys(p) });
        break;
      }
    }
    return checked(violations, [`${facts.packages.length} packages checked against ${policy.packages!.deny.length} deny entries`]);
  },
};

type LicenseNode = ReturnType<typeof parseSpdxExpression>;

/**
 * Whether an SPDX expression (SPDX 2.3 Annex D) forces a denied license on the user: `A OR B` only
 * when both do (either may be chosen), `A AND B` when either does.
 */
function forcesDenied(node: LicenseNode, denied: Set<string>): boolean {
  if ('license' in node) return denied.has(node.license.toLowerCase());
  const left = forcesDenied(node.left, denied);
  const right = forcesDenied(node.right, denied);
  return node.conjunction === 'or' ? left && right : left || right;
}

export const deniedLicense: Rule = {
  id: 'denied-license',
  applies: (p) => p.licenses !== undefined,
  check(policy, facts) {
    if (!facts.packages) return skipped(facts.absentBecause?.packages ?? 'the package list is not known');
    const denied = new Set(policy.licenses!.deny.map((l) => l.toLowerCase()));
    const violations: Violation[] = [];
    let unlicensed = 0;
    let notSpdx = 0;
    for (const p of facts.packages) {
      const licenses = (p.licenses ?? []).map((l) => l.trim()).filter(Boolean);
      if (licenses.length === 0) unlicensed++;
      // several declared licenses all bind the user (as the BOM joins them with AND)
      const hits = licenses.filter((text) => {
        try {
          return forcesDenied(parseSpdxExpression(text), denied);
        } catch {
          notSpdx++;
          return denied.has(text.toLowerCase());
        }
      });
      if (hits.length) violations.push({ text: `${packageLabel(p)} is licensed ${hits.join(' AND ')}`, keys: packageKeys(p) });
    }
    const notes = [`${facts.packages.length} packages checked; denied: ${policy.licenses!.deny.join(', ')}`];
    if (unlicensed) notes.push(`${unlicensed} packages declare no license`);
    if (notSpdx) notes.push(`${notSpdx} license strings are not SPDX expressions (compared as written)`);
    return checked(violations, notes);
  },
};
