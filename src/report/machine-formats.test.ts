import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateCycloneDx } from '../sbom/index.js';
import { renderReport } from './index.js';
import { HOSTILE, scanFixture } from './testing/scan-fixture.js';
import { validateSarif, validateScanJson, xmllintJunit, xpath } from './testing/validators.js';

const { result, analysis } = scanFixture();
const suppressed = result.findings.filter((f) => f.suppression);

test('the fixture covers the cases reports must handle', () => {
  assert.ok(result.findings.length >= 15);
  assert.ok(result.findings.some((f) => f.vulnerability?.fixedVersion === undefined), 'a finding without fix');
  assert.ok(result.findings.some((f) => f.target.layerIndex === undefined), 'a finding without layer facts');
  assert.ok(suppressed.some((f) => f.suppression!.kind === 'vex') && suppressed.some((f) => f.suppression!.kind === 'ignore'));
  assert.ok(new Set(result.findings.map((f) => f.severity)).size >= 5);
});

test('json: validates against schemas/scan-result.schema.json and round-trips to the same result', async () => {
  const text = await renderReport('json', result);
  const doc = JSON.parse(text) as Record<string, unknown>;
  assert.equal(validateScanJson(doc), null);
  assert.deepEqual(doc, JSON.parse(JSON.stringify(result)));
  assert.deepEqual(Object.keys(doc).slice(0, 3), ['schemaVersion', 'tool', 'createdAt']);
});

test('json: key order does not depend on how the object was built', async () => {
  const shuffled = JSON.parse(JSON.stringify(result), (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
  ) as typeof result;
  assert.equal(await renderReport('json', shuffled), await renderReport('json', result));
});

test('json: the schema rejects what the contract forbids', () => {
  const bad = JSON.parse(JSON.stringify(result)) as { findings: Record<string, unknown>[] };
  bad.findings[0]!.severity = 'severe';
  assert.ok(validateScanJson(bad)?.some((e) => e.startsWith('/findings/0/severity')));
});

test('sarif: valid against the OASIS SARIF 2.1.0 schema, one rule per id, suppressions carried', async () => {
  const log = JSON.parse(await renderReport('sarif', result)) as {
    version: string;
    runs: { tool: { driver: { rules: { id: string; properties: Record<string, unknown>; help: { markdown: string } }[] } }; results: Record<string, any>[] }[];
  };
  assert.equal(validateSarif(log), null);
  assert.equal(log.version, '2.1.0');
  const run = log.runs[0]!;
  assert.deepEqual(run.tool.driver.rules.map((r) => r.id), [...new Set(run.tool.driver.rules.map((r) => r.id))]);
  assert.deepEqual(new Set(run.tool.driver.rules.map((r) => r.id)), new Set(result.findings.map((f) => f.id)));
  assert.equal(run.results.length, result.findings.length);
  for (const r of run.results) {
    assert.equal(run.tool.driver.rules[r.ruleIndex]!.id, r.ruleId);
    assert.ok(r.partialFingerprints['bulkhead/v1']);
  }
  // security-severity is the highest CVSS base score computed from the advisory's vector
  const minimist = result.findings.find((f) => f.id === 'CVE-2021-44906')!;
  const rule = run.tool.driver.rules.find((r) => r.id === 'CVE-2021-44906')!;
  assert.equal(rule.properties['security-severity'], minimist.vulnerability!.cvss[0]!.score.toFixed(1));
  assert.ok(!rule.help.markdown.includes('<script>'), 'markdown help escapes HTML');
  const sup = run.results.filter((r) => r.suppressions);
  assert.equal(sup.length, suppressed.length);
  for (const r of sup) assert.equal(r.suppressions[0].kind, 'external');
  // location: the package's file inside the image; the finding without a path points at the image
  const uris = run.results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri as string);
  assert.ok(uris.includes('usr/src/app/node_modules/lodash/package.json'));
  assert.ok(uris.includes(result.image.reference));
  assert.ok(uris.every((u) => !/[\s<>`|"]/.test(u)), 'uris are percent-encoded');
});

test('junit: valid against the Jenkins xunit junit-10.xsd (xmllint), failures follow failOn', async () => {
  const gated = scanFixture({ failOn: 'high' }).result;
  const docs = [await renderReport('junit', result), await renderReport('junit', gated)];
  const checks = xmllintJunit(docs);
  assert.ok(checks.every((c) => c.ok), checks[0]!.output);
  const count = (doc: string, xp: string) => Number(xpath(doc, `count(${xp})`).trim());
  const active = result.findings.filter((f) => !f.suppression);
  assert.equal(count(docs[0]!, '//testcase'), result.findings.length);
  assert.equal(count(docs[0]!, '//testcase/failure'), active.length);
  assert.equal(count(docs[0]!, '//testcase/skipped'), suppressed.length);
  const highOrWorse = active.filter((f) => f.severity === 'critical' || f.severity === 'high').length;
  assert.equal(count(docs[1]!, '//testcase/failure'), highOrWorse);
  assert.equal(Number(xpath(docs[1]!, 'string(/testsuites/@failures)')), highOrWorse);
  // hostile strings come back from a conforming parser exactly (minus characters XML cannot hold)
  const names = xpath(docs[0]!, '//testcase/@classname');
  assert.ok(names.includes(`npm/${HOSTILE.packageName}`.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')), names);
  const message = xpath(docs[0]!, `string(//failure[contains(@message, 'Pollution via')]/@message)`);
  assert.ok(message.includes('<script>alert("t")</script> | `code` ]]> </failure> &'), message);
  assert.ok(message.includes('\nsecond line'), 'newline kept in the attribute');
});

test('cyclonedx-json: a valid CycloneDX 1.6 BOM with the findings as vulnerabilities', async () => {
  const text = await renderReport('cyclonedx-json', result, { analysis });
  assert.equal(await validateCycloneDx(text), null);
  const bom = JSON.parse(text) as { components: { 'bom-ref': string }[]; vulnerabilities: Record<string, any>[] };
  const refs = new Set(bom.components.map((c) => c['bom-ref']));
  for (const f of result.findings) {
    const v = bom.vulnerabilities.find((x) => x.id === f.id && x.affects?.some((a: { ref: string }) => a.ref === f.target.package!.id));
    assert.ok(v, `${f.id} ${f.target.package!.name}`);
    for (const a of v.affects) assert.ok(refs.has(a.ref));
    if (f.vulnerability!.fixedVersion) assert.match(v.recommendation, new RegExp(f.vulnerability!.fixedVersion.replace(/[.+]/g, '\\$&')));
    for (const c of f.vulnerability!.cvss) assert.ok(v.ratings.some((r: { vector?: string; score?: number }) => r.vector === c.vector && r.score === c.score));
    if (f.suppression) assert.ok(v.analysis?.state, `${f.id} has an analysis`);
    else assert.equal(v.analysis, undefined);
  }
  const express = bom.vulnerabilities.find((v) => v.id === 'CVE-2024-29041')!;
  assert.deepEqual(express.analysis, { state: 'not_affected', justification: 'code_not_reachable', detail: 'the redirect helper is not used' });
  await assert.rejects(renderReport('cyclonedx-json', result), /analysis/);
});

test('sbom encoding without vulnerabilities is unchanged by the optional parameter', async () => {
  const { encodeSbom } = await import('../sbom/index.js');
  const now = new Date(result.createdAt);
  const plain = JSON.parse(encodeSbom(analysis, 'cyclonedx-json', { toolVersion: '0.1.0', now })) as Record<string, unknown>;
  const report = JSON.parse(await renderReport('cyclonedx-json', { ...result, findings: [] }, { analysis })) as Record<string, unknown>;
  delete plain.serialNumber;
  delete report.serialNumber;
  assert.deepEqual(report, plain);
});
