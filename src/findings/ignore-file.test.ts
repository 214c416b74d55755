import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isBulkheadError } from '../errors.js';
import { loadIgnoreFile, MAX_IGNORE_FILE_BYTES, parseIgnoreFile } from './ignore-file.js';
import { MAX_NESTING } from './input-document.js';

const FILE = '.bulkheadignore.yaml';

const EXAMPLE = `# accepted risks for the api image
version: 1
ignore:
  - id: CVE-2023-1234          # or GHSA-..., matches any alias of the finding
    reason: "not reachable: we never parse untrusted XML"
    expires: 2027-01-31
    packages: [pkg:npm/lodash, "pkg:deb/debian/openssl@3.0.11-1~deb12u2"]
    paths: ["app/node_modules/**"]
  - kind: secret
    id: aws-access-key
    paths: ["test/fixtures/**"]
    reason: test data
`;

/** 1-based line of the first line of `text` containing `needle`: expected positions come from the text. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(index >= 0, `test text lacks ${needle}`);
  return index + 1;
}

function parseError(text: string): { code: string; message: string } {
  try {
    parseIgnoreFile(text, FILE);
  } catch (e) {
    assert.ok(isBulkheadError(e), `expected a BulkheadError, got ${String(e)}`);
    assert.equal(e.input, FILE);
    assert.doesNotMatch(e.message, /\n/, 'error messages are one line');
    return { code: e.code, message: e.message };
  }
  assert.fail('expected the ignore file to be refused');
}

describe('.bulkheadignore.yaml', () => {
  it('reads the documented example, keeping where each rule was written', () => {
    const file = parseIgnoreFile(EXAMPLE, FILE);
    assert.equal(file.version, 1);
    assert.equal(file.rules.length, 2);
    const [cve, secret] = file.rules;
    assert.equal(cve!.id, 'CVE-2023-1234');
    assert.equal(cve!.expires, '2027-01-31', 'a YAML 1.2 date stays a string');
    assert.equal(cve!.location, `${FILE}:${lineOf(EXAMPLE, '- id: CVE-2023-1234')}`);
    assert.equal(cve!.packagePatterns[1]!.version, '3.0.11-1~deb12u2');
    assert.equal(cve!.expiresAt, Date.parse('2027-02-01T00:00:00Z') - 1, 'a date expires at the end of that UTC day');
    assert.equal(secret!.kind, 'secret');
    assert.equal(secret!.location, `${FILE}:${lineOf(EXAMPLE, '- kind: secret')}`);
  });

  it('accepts an exact expiry time and an empty rule list', () => {
    const file = parseIgnoreFile('version: 1\nignore:\n  - id: CVE-1\n    reason: r\n    expires: "2027-01-31T12:00:00+02:00"\n', FILE);
    assert.equal(file.rules[0]!.expiresAt, Date.parse('2027-01-31T10:00:00Z'));
    assert.deepEqual(parseIgnoreFile('version: 1\n', FILE).rules, []);
  });

  it('refuses an unknown key, pointing at the key', () => {
    const text = EXAMPLE.replace('    reason: test data', '    reson: test data');
    const e = parseError(text);
    assert.equal(e.code, 'INPUT_INVALID');
    // The missing reason and the unknown key are both reported; the first in the file leads.
    assert.match(e.message, new RegExp(`^\\${FILE}:${lineOf(text, 'reson:')}:5: ignore\\[1\\]: unknown key "reson" \\(and 1 more problem\\)$`));
  });

  it('refuses a rule without a reason, naming the rule and its line', () => {
    const text = 'version: 1\nignore:\n  - id: CVE-2024-0001\n    paths: [x/**]\n';
    const e = parseError(text);
    assert.match(e.message, new RegExp(`^\\${FILE}:${lineOf(text, 'CVE-2024-0001')}:\\d+: ignore\\[0\\]\\.reason: required$`));
    const blank = 'version: 1\nignore:\n  - id: CVE-2024-0001\n    reason: "  "\n';
    assert.match(parseError(blank).message, /:4:13: ignore\[0\]\.reason: a reason is required$/);
  });

  it('refuses bad purls, globs, dates, kinds, versions and rules that match everything', () => {
    const cases: Array<[string, RegExp]> = [
      ['    packages: ["npm/lodash"]', /ignore\[0\]\.packages\[0\]: not a package URL/],
      ['    paths: ["a{b,c"]', /ignore\[0\]\.paths\[0\]: not a valid glob/],
      ['    expires: 2027-02-30', /ignore\[0\]\.expires: not a real date/],
      ['    expires: next week', /ignore\[0\]\.expires: expected a date/],
      ['    kind: virus', /ignore\[0\]\.kind: /],
    ];
    for (const [line, expected] of cases) {
      const text = `version: 1\nignore:\n  - id: CVE-2024-0001\n    reason: r\n${line}\n`;
      const e = parseError(text);
      assert.match(e.message, expected, line);
      assert.match(e.message, new RegExp(`^\\${FILE}:${lineOf(text, line.trim())}:`), line);
    }
    assert.match(parseError('version: 2\nignore: []\n').message, /:1:10: version: /);
    assert.match(parseError('version: 1\nignore:\n  - reason: everything\n').message, /ignore\[0\]: a rule needs at least one of id, packages, paths/);
    assert.match(parseError('').message, /^\.bulkheadignore\.yaml(:\d+:\d+)?: /);
  });

  it('refuses duplicate keys, several documents and malformed YAML in one line', () => {
    const dup = 'version: 1\nignore:\n  - id: CVE-1\n    reason: a\n    reason: b\n';
    assert.match(parseError(dup).message, new RegExp(`^\\${FILE}:5:5: Map keys must be unique$`));
    assert.match(parseError('version: 1\n---\nversion: 1\n').message, /^\.bulkheadignore\.yaml:2:1: Source contains multiple documents/);
    const bad = parseError('version: 1\nignore:\n  - id: "CVE-1\n');
    assert.equal(bad.code, 'INPUT_INVALID');
    assert.match(bad.message, /^\.bulkheadignore\.yaml:\d+:\d+: /);
  });

  it('refuses deeply nested YAML, whether the parser or our walk finds it', () => {
    for (const depth of [MAX_NESTING + 1, 1000, 100_000]) {
      const text = `version: 1\nignore: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
      assert.match(parseError(text).message, new RegExp(`^\\${FILE}:2:\\d+: nested deeper than ${MAX_NESTING} levels$`), `depth ${depth}`);
    }
    const block = Array.from({ length: 200 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n');
    assert.match(parseError(`version: 1\n${block} x\n`).message, /nested deeper than/);
  });

  it('does not expand alias bombs', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const e = parseError(`${lines.join('\n')}\nversion: 1\n`);
    assert.equal(e.code, 'INPUT_INVALID');
    assert.match(e.message, /^\.bulkheadignore\.yaml: Excessive alias count/);
  });

  describe('loading from disk', () => {
    let dir = '';
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'bulkhead-ignore-'));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('loads a file, and refuses one over the size cap without reading it', async () => {
      const good = join(dir, 'good.yaml');
      await writeFile(good, EXAMPLE);
      assert.equal((await loadIgnoreFile(good)).rules.length, 2);
      const huge = join(dir, 'huge.yaml');
      await writeFile(huge, `version: 1\n${'#'.repeat(MAX_IGNORE_FILE_BYTES)}\n`);
      await assert.rejects(loadIgnoreFile(huge), (e: unknown) => {
        assert.ok(isBulkheadError(e));
        assert.equal(e.code, 'INPUT_INVALID');
        assert.match(e.message, new RegExp(`^${huge}: file is \\d+ bytes, over the ${MAX_IGNORE_FILE_BYTES}-byte limit$`));
        return true;
      });
    });

    it('names a missing file, a directory and bytes that are not UTF-8', async () => {
      await assert.rejects(loadIgnoreFile(join(dir, 'absent.yaml')), { code: 'INPUT_NOT_FOUND' });
      await assert.rejects(loadIgnoreFile(dir), { code: 'INPUT_INVALID', message: `${dir}: not a regular file` });
      const latin1 = join(dir, 'latin1.yaml');
      await writeFile(latin1, Buffer.from('version: 1\nignore:\n  - id: CVE-1\n    reason: caf\xe9\n', 'latin1'));
      await assert.rejects(loadIgnoreFile(latin1), { code: 'INPUT_INVALID', message: `${latin1}: not UTF-8 text` });
      const bom = join(dir, 'bom.yaml');
      await writeFile(bom, `\uFEFF${EXAMPLE}`);
      assert.equal((await loadIgnoreFile(bom)).rules[0]!.location, `${bom}:${lineOf(EXAMPLE, '- id: CVE-2023-1234')}`);
    });
  });
});
