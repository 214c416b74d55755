import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { PackageURL } from 'packageurl-js';
import { parseIgnoreFile } from './ignore-file.js';
import { applySuppressions } from './suppress.js';
import type { Finding, FindingPackage } from './types.js';
import { parseVex } from './vex.js';

function vulnFinding(id: string, aliases: string[], pkg: FindingPackage, path?: string): Finding {
  const finding: Finding = {
    id,
    kind: 'vulnerability',
    severity: 'high',
    title: `${id} in ${pkg.name}`,
    target: { package: pkg },
    vulnerability: { ids: [id, ...aliases], ecosystem: 'npm', records: [id], fixedVersions: [], matchedBy: 'test', cvss: [], references: [] },
  };
  if (path !== undefined) finding.target.path = path;
  return finding;
}

const npm = (name: string, version: string): FindingPackage => ({ name, version, type: 'npm', purl: `pkg:npm/${name}@${version}` });
const lodash = vulnFinding('CVE-2021-23337', ['GHSA-35jh-r3h4-6jhm'], npm('lodash', '4.17.20'), 'app/node_modules/lodash/package.json');
const NOW = new Date('2026-06-01T12:00:00Z');

function ignore(rules: string): ReturnType<typeof parseIgnoreFile> {
  return parseIgnoreFile(`version: 1\nignore:\n${rules}`, '.bulkheadignore.yaml');
}

function openVex(statements: unknown[], timestamp = '2024-01-01T00:00:00Z'): string {
  return JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', '@id': 'https://openvex.dev/docs/public/t', author: 't', timestamp, version: 1, statements });
}

describe('applySuppressions: ignore rules', () => {
  it('matches by any alias, case-insensitively, and records reason, source line and expiry', () => {
    const file = ignore('  - id: ghsa-35jh-r3h4-6jhm\n    reason: only used at build time\n    expires: 2027-01-31\n');
    const { findings, warnings } = applySuppressions([lodash], { ignore: file }, NOW);
    assert.deepEqual(findings[0]!.suppression, { kind: 'ignore', reason: 'only used at build time', source: '.bulkheadignore.yaml:3', expires: '2027-01-31' });
    assert.deepEqual(warnings, []);
    assert.equal(lodash.suppression, undefined, 'the input finding is not changed');
  });

  it('stops applying an expired rule, with one warning per rule, and applies it through its last day', () => {
    const file = ignore('  - id: CVE-2021-23337\n    reason: r\n    expires: 2026-05-31\n');
    const later = applySuppressions([lodash, lodash], { ignore: file }, NOW);
    assert.equal(later.findings[0]!.suppression, undefined);
    assert.deepEqual(later.warnings, ['.bulkheadignore.yaml:3: ignore rule CVE-2021-23337 expired on 2026-05-31; not applied']);
    const lastDay = applySuppressions([lodash], { ignore: file }, new Date('2026-05-31T23:59:59Z'));
    assert.equal(lastDay.findings[0]!.suppression?.kind, 'ignore');
    assert.deepEqual(lastDay.warnings, []);
  });

  it('restricts by purl (version only when given) and by path glob; every field given must match', () => {
    const cases: Array<[string, boolean]> = [
      ['packages: [pkg:npm/lodash]', true],
      ['packages: ["pkg:npm/lodash@4.17.20"]', true],
      ['packages: ["pkg:npm/lodash@4.17.21"]', false],
      ['packages: [pkg:pypi/lodash]', false],
      ['packages: [pkg:npm/underscore, pkg:npm/lodash]', true],
      ['paths: ["app/node_modules/**"]', true],
      ['paths: ["/app/**"]', true],
      ['paths: ["srv/**"]', false],
    ];
    for (const [restriction, expected] of cases) {
      const file = ignore(`  - id: CVE-2021-23337\n    reason: r\n    ${restriction}\n`);
      assert.equal(applySuppressions([lodash], { ignore: file }, NOW).findings[0]!.suppression !== undefined, expected, restriction);
    }
    const bothFields = ignore('  - id: CVE-2021-23337\n    reason: r\n    packages: [pkg:npm/lodash]\n    paths: ["srv/**"]\n');
    assert.equal(applySuppressions([lodash], { ignore: bothFields }, NOW).findings[0]!.suppression, undefined);
  });

  it('applies rules to their kind only; secrets match by rule id in evidence and path', () => {
    const secret: Finding = {
      id: 'aws-access-key',
      kind: 'secret',
      severity: 'critical',
      title: 'AWS access key',
      target: { path: 'test/fixtures/creds.txt' },
      evidence: { rule: 'aws-access-key', match: 'AKIA****' },
    };
    const file = ignore('  - kind: secret\n    id: aws-access-key\n    paths: ["test/fixtures/**"]\n    reason: test data\n  - id: aws-access-key\n    reason: wrong kind\n');
    const { findings } = applySuppressions([secret, { ...secret, target: { path: 'app/.env' } }], { ignore: file }, NOW);
    assert.equal(findings[0]!.suppression?.reason, 'test data');
    assert.equal(findings[1]!.suppression, undefined, 'the vulnerability rule does not touch a secret');
  });

  it('matches an OS package by its source package, as dpkg reports it (libssl3 from openssl)', () => {
    let line: string;
    try {
      line = execFileSync('dpkg-query', ['-W', '-f', '${Package}\t${Version}\t${source:Package}\t${source:Version}\n', 'libssl3'], { encoding: 'utf8' }).trim();
    } catch (e) {
      assert.fail(`dpkg-query (Debian package dpkg) with libssl3 installed is needed: ${(e as Error).message}`);
    }
    const [name, version, sourceName, sourceVersion] = line.split('\t') as [string, string, string, string];
    assert.notEqual(name, sourceName, 'the test needs a binary package whose source package has another name');
    const purl = new PackageURL('deb', 'debian', name, version, { arch: 'amd64', distro: 'debian-12' }, undefined).toString();
    const finding = vulnFinding('CVE-2024-5535', [], { name, version, type: 'deb', purl, sourceName, sourceVersion });
    for (const [pattern, expected] of [
      [`pkg:deb/debian/${sourceName}`, true],
      [new PackageURL('deb', 'debian', sourceName, sourceVersion, undefined, undefined).toString(), true],
      [`pkg:deb/debian/${sourceName}@0.0.1`, false],
      [`pkg:deb/debian/${name}?arch=amd64`, true],
      [`pkg:deb/debian/${name}?arch=arm64`, false],
      [`pkg:deb/ubuntu/${name}`, false],
    ] as const) {
      const file = ignore(`  - id: CVE-2024-5535\n    reason: r\n    packages: ["${pattern}"]\n`);
      assert.equal(applySuppressions([finding], { ignore: file }, NOW).findings[0]!.suppression !== undefined, expected, pattern);
    }
  });
});

describe('applySuppressions: VEX', () => {
  it('suppresses through a subcomponent purl and an alias, with status and justification', () => {
    const vex = parseVex(
      openVex([
        {
          vulnerability: { name: 'GHSA-35jh-r3h4-6jhm' },
          products: [{ '@id': 'pkg:oci/api?repository_url=registry.example/api', subcomponents: [{ '@id': 'pkg:npm/lodash@4.17.20' }] }],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
        },
      ]),
      'api.openvex.json',
    );
    const { findings, warnings } = applySuppressions([lodash], { vex }, NOW);
    assert.deepEqual(findings[0]!.suppression, {
      kind: 'vex',
      reason: 'not_affected: vulnerable_code_not_in_execute_path',
      source: 'api.openvex.json',
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
    });
    assert.deepEqual(warnings, []);
  });

  it('compares purl versions only when the statement gives one, and qualifiers only when both have them', () => {
    const cases: Array<[string, boolean]> = [
      ['pkg:npm/lodash', true],
      ['pkg:npm/lodash@4.17.20', true],
      ['pkg:npm/lodash@4.17.21', false],
      ['pkg:npm/lodash@4.17.20?foo=bar', true],
      ['pkg:npm/lodash-es@4.17.20', false],
    ];
    for (const [product, expected] of cases) {
      const vex = parseVex(openVex([{ vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': product }], status: 'fixed' }]), 'v.json');
      assert.equal(applySuppressions([lodash], { vex }, NOW).findings[0]!.suppression?.status === 'fixed', expected, product);
    }
  });

  it('lets the latest statement win, whatever order the documents come in (spec inheritance example)', () => {
    const git = vulnFinding('CVE-2023-12345', [], { name: 'git', version: '2.39.0-r1', type: 'apk', purl: 'pkg:apk/wolfi/git@2.39.0-r1?arch=armv7' });
    const older = parseVex(
      openVex([{ timestamp: '2023-01-08T18:02:03-06:00', vulnerability: { name: 'CVE-2023-12345' }, products: [{ '@id': 'pkg:apk/wolfi/git@2.39.0-r1?arch=armv7' }], status: 'under_investigation' }], '2023-01-09T09:08:42-06:00'),
      'old.json',
    );
    const newer = parseVex(openVex([{ vulnerability: { name: 'CVE-2023-12345' }, products: [{ '@id': 'pkg:apk/wolfi/git' }], status: 'fixed' }], '2023-01-09T09:08:42-06:00'), 'new.json');
    for (const vex of [[...older, ...newer], [...newer, ...older]]) {
      assert.equal(applySuppressions([git], { vex }, NOW).findings[0]!.suppression?.source, 'new.json');
    }
    // A later `affected` overrides an earlier `not_affected`: the finding stays active, the status is recorded.
    const affected = parseVex(
      openVex([{ vulnerability: { name: 'CVE-2023-12345' }, products: [{ '@id': 'pkg:apk/wolfi/git' }], status: 'affected', action_statement: 'Upgrade to 2.39.1' }], '2023-02-01T00:00:00Z'),
      'affected.json',
    );
    const { findings } = applySuppressions([git], { vex: [...newer, ...affected] }, NOW);
    assert.equal(findings[0]!.suppression, undefined);
    assert.deepEqual(findings[0]!.evidence, { vexStatus: 'affected', vexSource: 'affected.json', vexDetail: 'Upgrade to 2.39.1' });
  });

  it('takes VEX before an ignore rule, and an ignore rule when VEX says affected', () => {
    const file = ignore('  - id: CVE-2021-23337\n    reason: accepted\n');
    const fixed = parseVex(openVex([{ vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': 'pkg:npm/lodash' }], status: 'fixed' }]), 'v.json');
    assert.equal(applySuppressions([lodash], { ignore: file, vex: fixed }, NOW).findings[0]!.suppression?.kind, 'vex');
    const triage = parseVex(openVex([{ vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': 'pkg:npm/lodash' }], status: 'under_investigation' }]), 'v.json');
    const { findings } = applySuppressions([lodash], { ignore: file, vex: triage }, NOW);
    assert.equal(findings[0]!.suppression?.kind, 'ignore');
    assert.equal(findings[0]!.evidence?.['vexStatus'], 'under_investigation');
  });

  it('applies CycloneDX VEX by exact version, and warns about ranges and statements without purls', () => {
    const doc = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      metadata: { component: { name: 'ABC', 'bom-ref': 'product-ABC' } },
      components: [{ name: 'lodash', 'bom-ref': 'lodash', purl: 'pkg:npm/lodash' }],
      vulnerabilities: [
        { id: 'CVE-2021-23337', analysis: { state: 'resolved' }, affects: [{ ref: 'lodash', versions: [{ version: '4.17.20' }, { range: 'vers:npm/<4.17.0' }] }] },
        { id: 'CVE-2021-44228', analysis: { state: 'not_affected', justification: 'code_not_present' }, affects: [{ ref: 'product-ABC' }] },
      ],
    };
    const vex = parseVex(JSON.stringify(doc), 'bom.json');
    const other = vulnFinding('CVE-2021-23337', [], npm('lodash', '4.17.19'));
    const { findings, warnings } = applySuppressions([lodash, other], { vex }, NOW);
    assert.equal(findings[0]!.suppression?.status, 'resolved');
    assert.equal(findings[1]!.suppression, undefined);
    assert.deepEqual(warnings, [
      'bom.json: statement 1 (CVE-2021-23337): version ranges are not evaluated (vers:npm/<4.17.0); they match nothing',
      'bom.json: statement 2 (CVE-2021-44228): names no package URL, so it cannot match a finding',
    ]);
  });

  it('never drops a finding and keeps the order', () => {
    const vex = parseVex(openVex([{ vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': 'pkg:npm/lodash' }], status: 'fixed' }]), 'v.json');
    const others = [vulnFinding('CVE-1', [], npm('a', '1')), lodash, vulnFinding('CVE-2', [], npm('b', '2'))];
    const { findings } = applySuppressions(others, { vex }, NOW);
    assert.deepEqual(findings.map((f) => f.id), ['CVE-1', 'CVE-2021-23337', 'CVE-2']);
    assert.equal(findings[0], others[0], 'untouched findings are passed through');
  });
});
