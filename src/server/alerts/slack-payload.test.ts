import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newVulnerabilityAlert } from './alert.js';
import { SLACK_MAX_BLOCKS, slackEscape, slackPayload } from './slack-payload.js';
import type { Finding } from '../../findings/types.js';

const finding = (i: number, title = `Prototype pollution ${i}`): Finding => ({
  id: `GHSA-test-${String(i).padStart(4, '0')}`,
  kind: 'vulnerability',
  severity: i % 2 ? 'high' : 'critical',
  title,
  target: { package: { name: 'lodash', version: '4.17.15', type: 'npm' } },
  vulnerability: { ids: [], ecosystem: 'npm', records: [], fixedVersion: '4.17.20', fixedVersions: ['4.17.20'], matchedBy: 'test', cvss: [], references: [] },
});
const image = { digest: 'sha256:' + 'a'.repeat(64), repository: 'registry.local/team/app', tags: ['1.0'] };
type Section = { type: string; text?: { text: string }; elements?: { text: string }[] };

test('escapes &, < and > so titles cannot form links or mentions', () => {
  assert.equal(slackEscape('a <b> & <!channel>'), 'a &lt;b&gt; &amp; &lt;!channel&gt;');
  const payload = slackPayload(newVulnerabilityAlert(image, [finding(1, 'XSS via <script> & <@U123|evil>')]));
  const texts = (payload.blocks as Section[]).map((b) => b.text?.text ?? '').join('\n');
  assert.ok(texts.includes('XSS via &lt;script&gt; &amp; &lt;@U123|evil&gt;'));
  assert.ok(!texts.includes('<script>'));
});

test('stays within 50 blocks and says how many were left out', () => {
  const findings = Array.from({ length: 120 }, (_, i) => finding(i));
  const payload = slackPayload(newVulnerabilityAlert(image, findings));
  assert.ok(payload.blocks.length <= SLACK_MAX_BLOCKS);
  const sections = (payload.blocks as Section[]).filter((b) => b.type === 'section' && b.text?.text.includes('GHSA-test-'));
  const last = payload.blocks.at(-1) as Section;
  assert.equal(last.type, 'context');
  assert.ok(last.elements![0]!.text.includes(`and ${120 - sections.length} more`));
  // worst first: the 60 critical ones fill the room before any high one
  const severities = new Set(sections.map((s) => /\((\w+)\)/.exec(s.text!.text)![1]));
  assert.deepEqual([...severities], ['critical']);
});

test('a section never exceeds 3,000 characters, the header 150', () => {
  const payload = slackPayload(newVulnerabilityAlert({ ...image, repository: 'r'.repeat(400) }, [finding(1, 'x'.repeat(5000))]));
  for (const b of payload.blocks as Section[]) if (b.text) assert.ok(b.text.text.length <= (b.type === 'header' ? 150 : 3000), `${b.type}: ${b.text.text.length}`);
  assert.ok(payload.text.length > 0);
});

test('fits exactly at the limit without an "and more" line', () => {
  const payload = slackPayload(newVulnerabilityAlert(image, Array.from({ length: 47 }, (_, i) => finding(i))));
  assert.equal(payload.blocks.length, SLACK_MAX_BLOCKS);
  assert.ok(!JSON.stringify(payload.blocks.at(-1)).includes('more'));
});
