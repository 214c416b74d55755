import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderReport } from './index.js';
import { MARKDOWN_MAX_ROWS } from './markdown.js';
import { HOSTILE, scanFixture } from './testing/scan-fixture.js';

const { result } = scanFixture();
const active = result.findings.filter((f) => !f.suppression);
const suppressed = result.findings.filter((f) => f.suppression);
const ESC = '\u001b';

test('table: groups by severity worst first, fits the width, lists suppressed and a summary', async () => {
  const text = await renderReport('table', result, { width: 120 });
  assert.ok(!text.includes(ESC), 'no escape sequence without colour (the hostile title is neutralised)');
  assert.ok(!text.includes('\u0007'));
  const headings = [...text.matchAll(/^(CRITICAL|HIGH|MEDIUM|LOW|NEGLIGIBLE|UNKNOWN) \((\d+)\)$/gm)].map((m) => m[1]!.toLowerCase());
  assert.deepEqual(headings, ['critical', 'high', 'medium', 'low', 'negligible'].filter((s) => active.some((f) => f.severity === s)));
  for (const line of text.split('\n')) assert.ok([...line].length <= 120, line);
  assert.match(text, new RegExp(`^SUPPRESSED \\(${suppressed.length}\\)$`, 'm'));
  assert.match(text, new RegExp(`^Total: ${active.length} active .*${suppressed.length} suppressed`, 'm'));
  assert.ok(text.includes('no fix yet'));
  assert.ok(text.includes('RUN npm ci'), 'created-by column without the shell prefix');
});

test('table: colour only when asked, and only our own SGR sequences', async () => {
  const text = await renderReport('table', result, { color: true, width: 200 });
  const sequences = new Set(text.match(/\u001b\[[0-9;]*[A-Za-z]/g));
  assert.ok(sequences.size > 0);
  for (const s of sequences) assert.match(s, /^\u001b\[[0-9;]*m$/, JSON.stringify(s));
  assert.ok(!text.includes('\u001b[2J'));
});

test('markdown: counts, row cap with "and N more" and the rest under <details>', async () => {
  const small = await renderReport('markdown', result);
  const counts = Object.fromEntries([...small.matchAll(/^\| \S+ (\w+) \| (\d+) \|$/gm)].map((m) => [m[1]!.toLowerCase(), Number(m[2])]));
  for (const [s, n] of Object.entries(result.summary)) assert.equal(counts[s], n, s);
  const big = scanFixture({ copies: 9 }).result;
  const bigActive = big.findings.filter((f) => !f.suppression).length;
  assert.ok(bigActive > MARKDOWN_MAX_ROWS);
  const text = await renderReport('markdown', big);
  const [main, rest] = text.split('<details><summary>');
  const findingRows = (s: string) => s.split('\n').filter((l) => /^\| \S+ (Critical|High|Medium|Low|Negligible|Unknown) \| (?!\d+ \|$)/.test(l));
  assert.equal(findingRows(main!).length, MARKDOWN_MAX_ROWS);
  assert.ok(main!.includes(`and ${bigActive - MARKDOWN_MAX_ROWS} more`));
  assert.equal(findingRows(rest!).length, bigActive - MARKDOWN_MAX_ROWS);
});

test('markdown: hostile cells stay in their cell and carry no HTML', async () => {
  const text = await renderReport('markdown', result);
  assert.ok(!text.includes('<script'));
  const tableLines = text.split('\n').filter((l) => l.startsWith('| ') && l.includes('Pollution via'));
  assert.equal(tableLines.length, 1);
  // every | inside a cell is escaped: the row has exactly the header's 8 unescaped pipes
  assert.equal(tableLines[0]!.replace(/\\\|/g, '').split('|').length - 1, 8);
  assert.ok(!/(^|[^\\])`/.test(tableLines[0]!), 'backticks escaped');
});

test('html: one self-contained page, every string escaped, only our own script', async () => {
  const html = await renderReport('html', result);
  assert.equal((html.match(/<script/gi) ?? []).length, 1, 'only the filter script');
  assert.ok(!/<img/i.test(html));
  assert.ok(html.includes(HOSTILE.packageName.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')));
  assert.ok(!/\b(src|href)\s*=\s*["']?(https?:)?\/\//i.test(html), 'no external resources');
  assert.ok(!/url\(/i.test(html));
  assert.match(html, /Content-Security-Policy" content="default-src &#39;none&#39;/);
  assert.equal((html.match(/<tr data-sev=/g) ?? []).length, active.length);
  assert.ok(html.includes('<svg'), 'inline chart');
  // the CSP hash matches the inline script, so the filter runs and nothing else could
  const { createHash } = await import('node:crypto');
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
  assert.ok(html.includes(`sha256-${createHash('sha256').update(script).digest('base64')}`));
});
