import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cvssScore } from '../findings/index.js';
import type { Finding, Severity } from '../findings/index.js';
import { evaluatePolicy, parsePolicy, type PolicyFacts, type RuleResult } from './index.js';

/**
 * Every rule with facts that pass and facts that fail. Vulnerability findings are built from real
 * OSV records (test/data/osv) and the real CISA KEV catalogue (test/data/kev), with CVSS scores
 * computed from the published vectors: nothing about them is made up here.
 */
const NOW = new Date('2026-03-01T12:00:00Z');
const DAY = 86_400_000;

interface OsvRecord {
  id: string;
  aliases?: string[];
  severity?: { type: string; score: string }[];
  database_specific?: { severity?: string };
  affected: { package: { name: string }; ranges?: { events: Record<string, string>[] }[] }[];
}
const kev = JSON.parse(readFileSync('test/data/kev/known_exploited_vulnerabilities.json', 'utf8')) as { vulnerabilities: { cveID: string; dateAdded: string; knownRansomwareCampaignUse: string }[] };

function fromOsv(file: string, pkg: string, version: string, extra: { vector?: string; fixed?: boolean } = {}): Finding {
  const record = JSON.parse(readFileSync(`test/data/osv/npm/${file}.json`, 'utf8')) as OsvRecord;
  const cve = record.aliases?.find((a) => a.startsWith('CVE-'));
  const raw = (record.database_specific?.severity ?? 'unknown').toLowerCase();
  const severity = (raw === 'moderate' ? 'medium' : raw) as Severity;
  const vectors = [...(record.severity ?? []).map((s) => s.score), ...(extra.vector ? [extra.vector] : [])];
  const fixed = record.affected.find((a) => a.package.name === pkg)?.ranges?.flatMap((r) => r.events).find((e) => e['fixed'])?.['fixed'];
  const inKev = kev.vulnerabilities.find((k) => k.cveID === cve);
  return {
    id: cve ?? record.id,
    kind: 'vulnerability',
    severity,
    title: `${cve ?? record.id} in ${pkg}`,
    target: { image: 'registry.example.com/team/app:1.0', package: { name: pkg, version, type: 'npm', purl: `pkg:npm/${pkg}@${version}` } },
    vulnerability: {
      ids: [cve ?? record.id, record.id],
      ecosystem: 'npm',
      records: [record.id],
      ...(fixed && extra.fixed !== false ? { fixedVersion: fixed } : {}),
      fixedVersions: fixed ? [fixed] : [],
      matchedBy: 'range',
      cvss: vectors.map((vector) => {
        const r = cvssScore(vector)!;
        return { version: r.version, vector, score: r.score, severity: r.severity, source: 'ghsa' };
      }),
      references: [],
      ...(inKev ? { kev: { dateAdded: inKev.dateAdded, knownRansomware: inKev.knownRansomwareCampaignUse === 'Known' } } : {}),
    },
  };
}

// lodash 4.17.15: CVE-2021-23337 (high, CVSS 7.2), CVE-2020-28500 (medium)
const lodashInjection = fromOsv('GHSA-35jh-r3h4-6jhm', 'lodash', '4.17.15');
const lodashRedos = fromOsv('GHSA-29mw-wpgm-hmr9', 'lodash', '4.17.15');
// minimist 1.2.0: CVE-2021-44906, critical
const minimist = fromOsv('GHSA-xvch-5gv4-984h', 'minimist', '1.2.0');
// a KEV entry: the Log4Shell id as CISA lists it, with NVD's published vector
const log4shell: Finding = {
  ...fromOsv('GHSA-jf85-cpcp-j695', 'lodash', '4.17.15'),
  id: 'CVE-2021-44228',
  target: { package: { name: 'log4j-core', version: '2.14.1', type: 'maven', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' } },
};
log4shell.vulnerability = {
  ...log4shell.vulnerability!,
  ids: ['CVE-2021-44228', 'GHSA-jfh8-c2jp-5v3q'],
  fixedVersion: '2.15.0',
  cvss: [{ ...cvssScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H')!, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', source: 'nvd' }],
  kev: (() => {
    const k = kev.vulnerabilities.find((v) => v.cveID === 'CVE-2021-44228')!;
    return { dateAdded: k.dateAdded, knownRansomware: k.knownRansomwareCampaignUse === 'Known' };
  })(),
};
const secret: Finding = { id: 'aws-access-key-id', kind: 'secret', severity: 'critical', title: 'AWS access key ID', target: { path: 'app/.env', layerIndex: 1 }, evidence: { match: 'AKIA************MPLE' } };
const eicar: Finding = { id: 'EICAR-Test-File', kind: 'malware', severity: 'critical', title: 'Malware: EICAR test file', target: { path: 'tmp/eicar.com', layerIndex: 2 } };

type ImageOverrides = { [K in keyof PolicyFacts['image']]?: PolicyFacts['image'][K] | undefined };

/** Facts of a well-behaved image; `image` overrides, `undefined` removes a fact. */
function facts(over: Omit<Partial<PolicyFacts>, 'image'> & { image?: ImageOverrides } = {}): PolicyFacts {
  const { image, ...rest } = over;
  return {
    image: {
      reference: 'registry.example.com/team/app:1.0',
      registry: 'registry.example.com',
      repository: 'team/app',
      tag: '1.0',
      created: new Date(NOW.getTime() - 10 * DAY).toISOString(),
      user: '10001',
      healthcheck: ['CMD', 'curl', '-f', 'http://localhost/'],
      labels: { 'org.opencontainers.image.source': 'https://github.com/example/app' },
      ...image,
    } as PolicyFacts['image'],
    findings: [],
    scanned: ['vulnerability', 'secret', 'malware', 'misconfiguration'],
    packages: [],
    ...rest,
  };
}

function rule(policyYaml: string, f: PolicyFacts): RuleResult {
  const result = evaluatePolicy(parsePolicy(`version: 1\n${policyYaml}`, 'p.yaml'), f, NOW);
  assert.equal(result.rules.length, 1, JSON.stringify(result.rules));
  assert.equal(result.verdict, result.rules[0]!.verdict === 'fail' ? 'fail' : 'pass');
  return result.rules[0]!;
}

const lodashPkg = { name: 'lodash', version: '4.17.15', type: 'npm', purl: 'pkg:npm/lodash@4.17.15', licenses: ['MIT'], path: 'app/node_modules/lodash/package.json' };
const scopedPkg = { name: '@babel/core', version: '7.0.0', type: 'npm', purl: 'pkg:npm/%40babel/core@7.0.0', licenses: ['MIT'] };
const debPkg = { name: 'xz-utils', version: '5.6.0-0.2', type: 'deb', purl: 'pkg:deb/debian/xz-utils@5.6.0-0.2?arch=amd64', licenses: ['GPL-2.0-or-later AND LGPL-2.1-or-later'] };
const dualPkg = { name: 'dual', version: '1.0.0', type: 'npm', purl: 'pkg:npm/dual@1.0.0', licenses: ['MIT OR AGPL-3.0-only'] };
const agplPkg = { name: 'agpl', version: '1.0.0', type: 'npm', purl: 'pkg:npm/agpl@1.0.0', licenses: ['AGPL-3.0-only'] };

interface Case {
  name: string;
  policy: string;
  facts: PolicyFacts;
  verdict: RuleResult['verdict'];
  /** Evidence lines that must appear (substrings). */
  evidence?: string[];
}

const cases: Case[] = [
  { name: 'trusted registry: matching host', policy: 'trust: {registries: [registry.example.com]}', facts: facts(), verdict: 'pass', evidence: ['registry registry.example.com matches registry.example.com'] },
  { name: 'trusted registry: other host', policy: 'trust: {registries: ["*.example.org"]}', facts: facts(), verdict: 'fail', evidence: ['registry registry.example.com is not trusted'] },
  { name: 'trusted registry: no registry name', policy: 'trust: {registries: ["*"]}', facts: facts({ image: { reference: 'docker-archive:/x.tar', registry: undefined, repository: undefined } }), verdict: 'skipped', evidence: ['no registry name'] },
  { name: 'trusted repository: folder glob', policy: 'trust: {repositories: ["registry.example.com/team/*"]}', facts: facts(), verdict: 'pass' },
  { name: 'trusted repository: * stays in one segment', policy: 'trust: {repositories: ["registry.example.com/*"]}', facts: facts(), verdict: 'fail', evidence: ['repository registry.example.com/team/app is not trusted'] },
  { name: 'trusted repository: ** crosses segments', policy: 'trust: {repositories: ["registry.example.com/**"]}', facts: facts(), verdict: 'pass' },

  { name: 'signature: facts absent', policy: 'trust: {signatures: {keys: [k.pub]}}', facts: facts(), verdict: 'skipped', evidence: ['signature facts not provided'] },
  { name: 'signature: verified with a listed key', policy: 'trust: {signatures: {keys: [k.pub]}}', facts: facts({ signatures: [{ verified: true, keyId: 'k.pub' }] }), verdict: 'pass', evidence: ['verified with key k.pub'] },
  { name: 'signature: verified, key not listed', policy: 'trust: {signatures: {keys: [k.pub]}}', facts: facts({ signatures: [{ verified: true, keyId: 'other.pub' }] }), verdict: 'fail', evidence: ['key other.pub: verified but not trusted'] },
  { name: 'signature: none found', policy: 'trust: {signatures: {keys: [k.pub]}}', facts: facts({ signatures: [] }), verdict: 'fail', evidence: ['no signature found'] },
  { name: 'signature: not verified', policy: 'trust: {signatures: {keys: [k.pub]}}', facts: facts({ signatures: [{ verified: false, keyId: 'k.pub', reason: 'digest mismatch' }] }), verdict: 'fail', evidence: ['not verified (digest mismatch)'] },
  {
    name: 'signature: keyless identity by regular expression',
    policy: 'trust: {signatures: {identities: [{issuer: "https://token.actions.githubusercontent.com", subjectRegExp: "^https://github\\\\.com/example/"}], trustedRoot: trusted_root.json}}',
    facts: facts({ signatures: [{ verified: true, identity: { issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/example/app/.github/workflows/release.yml@refs/tags/v1' } }] }),
    verdict: 'pass',
  },
  {
    name: 'signature: keyless, wrong issuer',
    policy: 'trust: {signatures: {identities: [{issuer: "https://token.actions.githubusercontent.com", subject: "a@example.com"}], trustedRoot: trusted_root.json}}',
    facts: facts({ signatures: [{ verified: true, identity: { issuer: 'https://accounts.google.com', subject: 'a@example.com' } }] }),
    verdict: 'fail',
  },

  { name: 'severity: high allowed, critical is above', policy: 'vulnerabilities: {maxSeverity: high}', facts: facts({ findings: [lodashInjection, minimist] }), verdict: 'fail', evidence: ['CVE-2021-44906 (critical) in minimist@1.2.0'] },
  { name: 'severity: nothing above high', policy: 'vulnerabilities: {maxSeverity: high}', facts: facts({ findings: [lodashInjection, lodashRedos] }), verdict: 'pass', evidence: ['2 vulnerabilities counted'] },
  { name: 'severity: suppressed findings do not count', policy: 'vulnerabilities: {maxSeverity: low}', facts: facts({ findings: [{ ...lodashInjection, suppression: { kind: 'vex', reason: 'not_affected', source: 'x.json' } }] }), verdict: 'pass', evidence: ['1 suppressed'] },
  { name: 'severity: ignoreUnfixed leaves out findings without a fix', policy: 'vulnerabilities: {maxSeverity: high, ignoreUnfixed: true}', facts: facts({ findings: [fromOsv('GHSA-xvch-5gv4-984h', 'minimist', '1.2.0', { fixed: false })] }), verdict: 'pass', evidence: ['1 without a fix not counted'] },
  { name: 'severity: vulnerability scan not run', policy: 'vulnerabilities: {maxSeverity: high}', facts: facts({ scanned: ['secret'] }), verdict: 'skipped', evidence: ['the vulnerability scanner did not run'] },
  { name: 'severity: scanned kinds unknown', policy: 'vulnerabilities: {maxSeverity: high}', facts: (() => { const f = facts({ findings: [minimist] }); delete f.scanned; return f; })(), verdict: 'skipped' },

  { name: 'CVSS: 7.2 is below 8', policy: 'vulnerabilities: {maxCvss: 8}', facts: facts({ findings: [lodashInjection] }), verdict: 'pass' },
  { name: 'CVSS: 7.2 is above 7', policy: 'vulnerabilities: {maxCvss: 7}', facts: facts({ findings: [lodashInjection] }), verdict: 'fail', evidence: [`CVE-2021-23337 (CVSS ${cvssScore('CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H')!.score} v3.1 ghsa) in lodash@4.17.15, fixed in 4.17.21`] },

  { name: 'KEV: Log4Shell is listed', policy: 'vulnerabilities: {forbidKev: true}', facts: facts({ findings: [lodashInjection, log4shell] }), verdict: 'fail', evidence: ['CVE-2021-44228 (in CISA KEV since 2021-12-10, used by ransomware) in log4j-core@2.14.1'] },
  { name: 'KEV: lodash is not', policy: 'vulnerabilities: {forbidKev: true}', facts: facts({ findings: [lodashInjection, lodashRedos] }), verdict: 'pass' },

  { name: 'denied package: purl, version in range', policy: 'packages: {deny: [{purl: "pkg:npm/lodash", versions: "<4.17.21"}]}', facts: facts({ packages: [lodashPkg] }), verdict: 'fail', evidence: ['pkg:npm/lodash@4.17.15 (app/node_modules/lodash/package.json) is denied by pkg:npm/lodash <4.17.21'] },
  { name: 'denied package: semver order, not text order', policy: 'packages: {deny: [{purl: "pkg:npm/lodash", versions: "<4.17.9"}]}', facts: facts({ packages: [lodashPkg] }), verdict: 'pass' },
  { name: 'denied package: scoped npm glob written decoded', policy: 'packages: {deny: [{purl: "pkg:npm/@babel/*"}]}', facts: facts({ packages: [scopedPkg, lodashPkg] }), verdict: 'fail', evidence: ['pkg:npm/%40babel/core@7.0.0 is denied by pkg:npm/@babel/*'] },
  { name: 'denied package: dpkg order with a revision', policy: 'packages: {deny: [{name: xz-utils, type: deb, versions: ">=5.6.0 <5.6.2"}]}', facts: facts({ packages: [debPkg] }), verdict: 'fail' },
  { name: 'denied package: type must agree', policy: 'packages: {deny: [{name: xz-utils, type: rpm}]}', facts: facts({ packages: [debPkg] }), verdict: 'pass' },
  { name: 'denied package: list unknown', policy: 'packages: {deny: [{name: x}]}', facts: (() => { const f = facts(); delete f.packages; return f; })(), verdict: 'skipped', evidence: ['the package list is not known'] },

  { name: 'license: AGPL only', policy: 'licenses: {deny: [AGPL-3.0-only]}', facts: facts({ packages: [lodashPkg, agplPkg] }), verdict: 'fail', evidence: ['pkg:npm/agpl@1.0.0 is licensed AGPL-3.0-only'] },
  { name: 'license: OR lets the user choose MIT', policy: 'licenses: {deny: [AGPL-3.0-only]}', facts: facts({ packages: [dualPkg] }), verdict: 'pass' },
  { name: 'license: AND binds to every part', policy: 'licenses: {deny: [LGPL-2.1-or-later]}', facts: facts({ packages: [debPkg] }), verdict: 'fail' },

  { name: 'secrets: one found', policy: 'secrets: {forbid: true}', facts: facts({ findings: [secret, lodashInjection] }), verdict: 'fail', evidence: ['aws-access-key-id: AWS access key ID at app/.env (layer 1)'] },
  { name: 'secrets: none', policy: 'secrets: {forbid: true}', facts: facts({ findings: [lodashInjection] }), verdict: 'pass' },
  { name: 'secrets: scanner not run', policy: 'secrets: {forbid: true}', facts: facts({ scanned: ['vulnerability'] }), verdict: 'skipped' },
  { name: 'malware: EICAR', policy: 'malware: {forbid: true}', facts: facts({ findings: [eicar] }), verdict: 'fail', evidence: ['EICAR-Test-File: Malware: EICAR test file at tmp/eicar.com (layer 2)'] },
  { name: 'malware: none', policy: 'malware: {forbid: true}', facts: facts(), verdict: 'pass' },

  { name: 'non-root: numeric UID', policy: 'image: {nonRootUser: true}', facts: facts(), verdict: 'pass' },
  { name: 'non-root: USER not set', policy: 'image: {nonRootUser: true}', facts: facts({ image: { user: '' } }), verdict: 'fail', evidence: ['the image sets no USER'] },
  { name: 'non-root: 0:0', policy: 'image: {nonRootUser: true}', facts: facts({ image: { user: '0:0' } }), verdict: 'fail' },
  { name: 'non-root: name mapped to a UID', policy: 'image: {nonRootUser: true}', facts: facts({ image: { user: 'app', uid: 1000 } }), verdict: 'pass' },
  { name: 'non-root: renamed root', policy: 'image: {nonRootUser: true}', facts: facts({ image: { user: 'toor', uid: 0 } }), verdict: 'fail' },
  { name: 'non-root: name nobody can resolve', policy: 'image: {nonRootUser: true}', facts: facts({ image: { user: 'app' } }), verdict: 'fail', evidence: ['cannot show it is not root'] },
  { name: 'non-root: no configuration', policy: 'image: {nonRootUser: true}', facts: facts({ image: { user: undefined } }), verdict: 'skipped' },

  { name: 'healthcheck: defined', policy: 'image: {healthcheck: true}', facts: facts(), verdict: 'pass' },
  { name: 'healthcheck: none', policy: 'image: {healthcheck: true}', facts: facts({ image: { healthcheck: null } }), verdict: 'fail' },
  { name: 'healthcheck: NONE', policy: 'image: {healthcheck: true}', facts: facts({ image: { healthcheck: ['NONE'] } }), verdict: 'fail', evidence: ['HEALTHCHECK NONE'] },

  { name: 'image age: 10 days of 30', policy: 'image: {maxAgeDays: 30}', facts: facts(), verdict: 'pass' },
  { name: 'image age: 10 days of 5', policy: 'image: {maxAgeDays: 5}', facts: facts(), verdict: 'fail', evidence: ['(10 days ago; maximum 5)'] },
  { name: 'image age: no creation time', policy: 'image: {maxAgeDays: 5}', facts: facts({ image: { created: undefined } }), verdict: 'skipped' },

  { name: 'labels: present and matching', policy: 'image: {labels: [{name: org.opencontainers.image.source, value: "^https://github\\\\.com/example/"}]}', facts: facts(), verdict: 'pass' },
  { name: 'labels: value does not match', policy: 'image: {labels: [{name: org.opencontainers.image.source, value: "^https://gitlab\\\\.com/"}]}', facts: facts(), verdict: 'fail', evidence: ['does not match'] },
  { name: 'labels: missing', policy: 'image: {labels: [{name: org.opencontainers.image.revision}]}', facts: facts(), verdict: 'fail', evidence: ['label org.opencontainers.image.revision is missing'] },

  { name: 'container age: no deployment', policy: 'deployment: {maxContainerAge: 7d}', facts: facts(), verdict: 'skipped', evidence: ['deployment facts not provided'] },
  { name: 'container age: not started', policy: 'deployment: {maxContainerAge: 7d}', facts: facts({ deployment: { name: 'web' } }), verdict: 'skipped', evidence: ['container web has not started'] },
  { name: 'container age: 2 days of 7', policy: 'deployment: {maxContainerAge: 7d}', facts: facts({ deployment: { startedAt: new Date(NOW.getTime() - 2 * DAY).toISOString() } }), verdict: 'pass' },
  { name: 'container age: 2 days of 12h', policy: 'deployment: {maxContainerAge: 12h}', facts: facts({ deployment: { startedAt: new Date(NOW.getTime() - 2 * DAY).toISOString() } }), verdict: 'fail', evidence: ['(2d ago; time to live 12h)'] },

  { name: 'privileged: yes', policy: 'deployment: {forbidPrivileged: true}', facts: facts({ deployment: { privileged: true } }), verdict: 'fail' },
  { name: 'privileged: default', policy: 'deployment: {forbidPrivileged: true}', facts: facts({ deployment: {} }), verdict: 'pass' },
  { name: 'host namespaces: all forbidden, host network', policy: 'deployment: {forbidHostNamespaces: true}', facts: facts({ deployment: { hostNetwork: true, hostPid: true } }), verdict: 'fail', evidence: ['shares the host pid namespace', 'shares the host net namespace'] },
  { name: 'host namespaces: only ipc forbidden', policy: 'deployment: {forbidHostNamespaces: [ipc]}', facts: facts({ deployment: { hostNetwork: true } }), verdict: 'pass' },
  { name: 'docker socket: mounted', policy: 'deployment: {forbidDockerSocket: true}', facts: facts({ deployment: { mounts: [{ source: '/var/run/docker.sock', target: '/var/run/docker.sock' }] } }), verdict: 'fail' },
  { name: 'docker socket: its folder mounted', policy: 'deployment: {forbidDockerSocket: true}', facts: facts({ deployment: { mounts: [{ source: '/run/', target: '/host/run' }] } }), verdict: 'fail', evidence: ['(which holds the Docker socket)'] },
  { name: 'docker socket: other mounts', policy: 'deployment: {forbidDockerSocket: true}', facts: facts({ deployment: { mounts: [{ source: '/srv/data', target: '/data' }, { source: '/var/runner', target: '/r' }] } }), verdict: 'pass' },
];

describe('every rule, passing and failing facts', () => {
  for (const c of cases) {
    test(c.name, () => {
      const r = rule(c.policy, c.facts);
      assert.equal(r.verdict, c.verdict, r.evidence.join('\n'));
      for (const e of c.evidence ?? []) assert.ok(r.evidence.some((line) => line.includes(e)), `"${e}" not in:\n${r.evidence.join('\n')}`);
    });
  }

  test('only configured rules appear, in a stable order; skipped rules are counted in warnings', () => {
    const result = evaluatePolicy(parsePolicy('version: 1\nimage: {healthcheck: true}\ntrust: {registries: [x]}\ndeployment: {forbidPrivileged: true}\n', 'p.yaml'), facts(), NOW);
    assert.deepEqual(result.rules.map((r) => r.id), ['trusted-registry', 'healthcheck', 'privileged']);
    assert.equal(result.verdict, 'fail');
    assert.ok(result.warnings.some((w) => w.includes('1 rule(s) skipped')));
  });
});

describe('exceptions', () => {
  const base = 'vulnerabilities: {maxSeverity: medium}\n';
  const ex = (body: string): string => `${base}exceptions:\n  - ${body.split('\n').join('\n    ')}\n`;
  const two = facts({ findings: [lodashInjection, minimist] });

  test('findings named by alias are excepted; the rest of the rule still fails', () => {
    const r = rule(ex('images: ["registry.example.com/team/*"]\nfindings: [GHSA-35jh-r3h4-6jhm]\nreason: not reachable\nowner: team-a\nexpires: 2026-12-31'), two);
    assert.equal(r.verdict, 'fail');
    assert.ok(r.evidence[0]!.startsWith('CVE-2021-44906'));
    assert.ok(r.evidence.some((e) => e.includes('excepted by exceptions[0] (team-a, until 2026-12-31): CVE-2021-23337')));
  });

  test('every violation excepted: verdict excepted, with the exception', () => {
    const r = rule(ex('images: ["registry.example.com/team/app:1.*"]\nrules: [vulnerability-severity]\nfindings: [cve-2021-23337, CVE-2021-44906]\nreason: r\nowner: o\nexpires: 2026-03-01'), two);
    assert.equal(r.verdict, 'excepted');
    assert.deepEqual(r.exception, { index: 0, reason: 'r', owner: 'o', expires: '2026-03-01', findings: ['CVE-2021-23337', 'CVE-2021-44906'] });
  });

  test('a whole-rule exception; the verdict passes', () => {
    const result = evaluatePolicy(parsePolicy(`version: 1\n${ex('images: ["registry.example.com/**"]\nreason: r\nowner: o\nexpires: 2027-01-01T00:00:00Z')}`, 'p.yaml'), two, NOW);
    assert.equal(result.verdict, 'pass');
    assert.equal(result.rules[0]!.verdict, 'excepted');
    assert.equal(result.rules[0]!.evidence.length, 2 + 1);
  });

  test('out of scope: another repository, or another rule', () => {
    assert.equal(rule(ex('images: ["registry.example.com/other/*"]\nreason: r\nowner: o\nexpires: 2027-01-01'), two).verdict, 'fail');
    assert.equal(rule(ex('images: ["**"]\nrules: [secrets]\nreason: r\nowner: o\nexpires: 2027-01-01'), two).verdict, 'fail');
  });

  test('expired: not applied, and a loud warning', () => {
    const result = evaluatePolicy(parsePolicy(`version: 1\n${ex('images: ["registry.example.com/team/*"]\nreason: legacy\nowner: team-a\nexpires: 2026-02-28')}`, 'p.yaml'), two, NOW);
    assert.equal(result.verdict, 'fail');
    assert.equal(result.rules[0]!.verdict, 'fail');
    assert.equal(result.rules[0]!.exception, undefined);
    assert.ok(result.warnings.some((w) => w.startsWith('EXPIRED EXCEPTION') && w.includes('team-a') && w.includes('2026-02-28') && w.includes('legacy')), result.warnings.join('\n'));
  });

  test('a date is valid through that whole day (UTC); an exact time is exact', () => {
    assert.equal(rule(ex('images: ["**"]\nreason: r\nowner: o\nexpires: 2026-03-01'), two).verdict, 'excepted');
    assert.equal(rule(ex('images: ["**"]\nreason: r\nowner: o\nexpires: 2026-03-01T11:59:59Z'), two).verdict, 'fail');
  });

  test('packages are excepted by name or purl', () => {
    const policy = 'packages: {deny: [{name: "*"}]}\nexceptions:\n  - {images: ["**"], findings: ["pkg:npm/lodash"], reason: r, owner: o, expires: 2027-01-01}\n';
    assert.equal(rule(policy, facts({ packages: [lodashPkg] })).verdict, 'excepted');
    assert.equal(rule(policy, facts({ packages: [lodashPkg, agplPkg] })).verdict, 'fail');
  });
});
