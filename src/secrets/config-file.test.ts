import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isBulkheadError } from '../errors.js';
import { loadSecretConfig, parseSecretConfig, secretsAnalyzer, type SecretHit } from './index.js';
import { regexProblem } from './regex-safety.js';
import { HEX, rand } from './testing-samples.js';

function scan(options: Parameters<typeof secretsAnalyzer>[0], text: string, path = 'app/x.txt'): SecretHit[] {
  const a = secretsAnalyzer(options);
  if (!a.wants(path, { size: text.length, mode: 0o644 })) return [];
  return (a.analyze({ path, content: Buffer.from(text), size: text.length, mode: 0o644, warn: () => {} }) as SecretHit[] | undefined) ?? [];
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isBulkheadError(e), String(e));
    assert.equal(e.code, 'INPUT_INVALID');
    return e.message;
  }
  assert.fail('expected an error');
}

describe('secret configuration files', () => {
  const custom = `rules:
  - id: acme-key
    description: ACME internal API key
    severity: high
    keywords: [acme_]
    regex: 'acme_([a-f0-9]{32})'
    secretGroup: 1
    entropy: 3
allow:
  - paths: ["app/fixtures/**"]
  - rules: [generic-password]
    regexes: ['^dev-']
  - values: [acme_notrealnotrealnotrealnotreal00]
disableRules: [jwt]
`;

  it('adds custom rules, allowlists and disables built-ins', () => {
    const config = parseSecretConfig(custom, 'secrets.yaml');
    const token = rand(HEX, 32);
    const hits = scan({ config }, `key = acme_${token}\n`);
    assert.deepEqual(hits.map((h) => [h.rule, h.line, h.column]), [['acme-key', 1, 12]]);
    assert.ok(!JSON.stringify(hits).includes(token));
    // The same file below an allowed path is not even read.
    assert.deepEqual(scan({ config }, `key = acme_${token}\n`, 'app/fixtures/a.txt'), []);
    // rules + regexes: only that rule's matching values are allowed.
    assert.deepEqual(scan({ config }, 'DB_PASSWORD=dev-Xk39#qPz7w\n', 'app/.env'), []);
    assert.equal(scan({ config }, 'DB_PASSWORD=Xk39#qPz7wLm\n', 'app/.env')[0]?.rule, 'generic-password');
    // disableRules turns the JWT rule off; text configuration works as well as a parsed one.
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const jwt = `${enc({ alg: 'HS256' })}.${enc({ sub: 'x' })}.${rand('abcdefghijklmnop', 43)}`;
    assert.equal(scan({}, `t=${jwt}\n`)[0]?.rule, 'jwt');
    assert.deepEqual(scan({ configText: custom }, `t=${jwt}\n`), []);
    assert.deepEqual(scan({ disableRules: ['jwt'] }, `t=${jwt}\n`), []);
  });

  it('loads from a file and names FILE:LINE:COL in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulkhead-secret-config-'));
    try {
      const path = join(dir, 'secrets.yaml');
      writeFileSync(path, custom);
      assert.equal((await loadSecretConfig(path)).rules[0]!.id, 'acme-key');
      writeFileSync(path, 'rules:\n  - id: x\n    description: y\n    severity: urgent\n    keywords: [abc]\n    regex: abc\n');
      await assert.rejects(loadSecretConfig(path), (e: Error) => e.message === `${path}:4:15: rules[0].severity: Invalid option: expected one of "critical"|"high"|"medium"|"low"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const bad: Array<[string, string, RegExp]> = [
    ['YAML syntax', 'rules: [\n  {id: x\n', /^s\.yaml:\d+:\d+: /u],
    ['unknown key', 'rules: []\nallowlist: []\n', /^s\.yaml:2:1: unknown key "allowlist"$/u],
    ['short keyword', 'rules:\n  - id: x\n    description: y\n    severity: low\n    keywords: [ab]\n    regex: abc\n', /^s\.yaml:5:16: rules\[0\]\.keywords\[0\]: keywords need at least 3 characters$/u],
    ['bad regex', 'rules:\n  - id: x\n    description: y\n    severity: low\n    keywords: [abc]\n    regex: "abc("\n', /^s\.yaml:6:12: rules\[0\]\.regex: not a valid regular expression/u],
    ['nested quantifiers', 'rules:\n  - id: x\n    description: y\n    severity: low\n    keywords: [abc]\n    regex: "abc(a+)+$"\n', /^s\.yaml:6:12: rules\[0\]\.regex: nested unbounded quantifiers/u],
    ['duplicate id', 'rules:\n  - {id: x, description: y, severity: low, keywords: [abc], regex: abc}\n  - {id: x, description: y, severity: low, keywords: [abc], regex: abd}\n', /^s\.yaml:3:10: rules\[1\]\.id: duplicate rule id "x"$/u],
    ['empty allow entry', 'allow:\n  - {}\n', /^s\.yaml:2:5: allow\[0\]: an allow entry needs/u],
    ['hostile allow regex', 'allow:\n  - regexes: ["(\\\\w+\\\\s?)*$"]\n', /^s\.yaml:2:15: allow\[0\]\.regexes\[0\]: nested unbounded/u],
  ];
  for (const [name, text, expected] of bad) {
    it(`refuses ${name}`, () => assert.match(errorOf(() => parseSecretConfig(text, 's.yaml')), expected));
  }
  it('throws on a bad configuration when the analyser is built', () => {
    assert.match(errorOf(() => secretsAnalyzer({ configText: 'rules: 3\n', configName: 'c.yaml' })), /^c\.yaml:1:8: rules: /u);
  });
});

describe('regex safety heuristic', () => {
  const refused = ['(a+)+', '(a*)*b', '(?:\\w+\\s?)*$', '(a|ab)*c', '(a|a)+', '((ab)*)+', '(x+x+)+y', '(.*){2,}', `${'a'.repeat(1001)}`];
  const accepted = ['[a-z]+', '(?:ab){2,5}', 'ghp_[A-Za-z0-9]{36}', '(a+){3}', '(?<name>x)y+', 'a|b', '(?:foo|bar)baz', '\\(a+\\)+'];
  for (const source of refused) it(`refuses ${source.slice(0, 20)}`, () => assert.ok(regexProblem(source)));
  for (const source of accepted) it(`accepts ${source}`, () => assert.equal(regexProblem(source), undefined));
});
