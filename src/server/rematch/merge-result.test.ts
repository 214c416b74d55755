import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../findings/types.js';
import type { ScanResult } from '../../findings/scan-result.js';
import { mergeRematch } from './merge-result.js';

const pkg = { name: 'lodash', version: '4.17.15', type: 'npm' };
const vuln = (id: string, extra: Partial<Finding> = {}): Finding => ({ id, kind: 'vulnerability', severity: 'high', title: id, target: { package: pkg }, ...extra });
const result = (findings: Finding[], extra: Partial<ScanResult> = {}): ScanResult => ({
  schemaVersion: 1, tool: { name: 'bulkhead', version: '0' }, createdAt: '2024-01-01T00:00:00Z', image: { reference: 'x' } as ScanResult['image'],
  packagesScanned: 1, findings, summary: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 } as ScanResult['summary'], options: { scanners: ['vuln', 'secret'] }, warnings: [], ...extra,
});

test('vulnerabilities come from the new match, other findings and suppressions from the previous scan', () => {
  const secret: Finding = { id: 'aws-key', kind: 'secret', severity: 'critical', title: 'AWS key', target: { path: 'app/.env' } };
  const ignore = { kind: 'ignore' as const, reason: 'accepted', source: '.bulkheadignore' };
  const previous = result([vuln('CVE-OLD', { suppression: ignore }), vuln('CVE-GONE'), secret], { warnings: ['the vulnerability database is 9 days old (over 7); run "bulkhead db update"', 'layer 2 truncated'] });
  const merged = mergeRematch(previous, result([vuln('CVE-OLD'), vuln('CVE-NEW')], { options: { scanners: ['vuln'] }, createdAt: '2024-02-02T00:00:00Z' }));
  assert.deepEqual(merged.findings.map((f) => f.id), ['aws-key', 'CVE-NEW', 'CVE-OLD']);
  assert.deepEqual(merged.findings.find((f) => f.id === 'CVE-OLD')!.suppression, ignore);
  assert.equal(merged.summary.critical, 1);
  assert.equal(merged.summary.high, 1, 'the suppressed finding is not counted');
  assert.deepEqual(merged.options.scanners, ['vuln', 'secret']);
  assert.deepEqual(merged.warnings, ['layer 2 truncated']);
  assert.equal(merged.createdAt, '2024-02-02T00:00:00Z');
});
