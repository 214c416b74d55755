import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy, parsePolicy, PolicyInvalidError } from './index.js';

/** Problems of a text that must not parse. */
function problems(text: string): string[] {
  try {
    parsePolicy(text, 'p.yaml');
  } catch (e) {
    assert.ok(e instanceof PolicyInvalidError, String(e));
    assert.equal(e.code, 'INPUT_INVALID');
    return e.problems;
  }
  assert.fail('the policy was accepted');
}

/** `LINE:COL` (1-based) of the `nth` occurrence of `needle` in `text`, computed from the text itself. */
function at(text: string, needle: string, nth = 1): string {
  let index = -1;
  for (let i = 0; i < nth; i++) index = text.indexOf(needle, index + 1);
  assert.ok(index >= 0, `${needle} not in the text`);
  const before = text.slice(0, index).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

const FULL = readFileSync(new URL('../../docs/policy.md', import.meta.url), 'utf8').match(/```yaml\n(# full example[\s\S]*?)```/u)?.[1];

describe('valid policies', () => {
  test('the full example of docs/policy.md parses, with every section', () => {
    assert.ok(FULL, 'docs/policy.md has a "# full example" YAML block');
    const policy = parsePolicy(FULL, 'docs/policy.md');
    for (const key of ['trust', 'vulnerabilities', 'packages', 'licenses', 'secrets', 'malware', 'image', 'deployment'] as const) assert.ok(policy[key], key);
    assert.ok(policy.exceptions.length >= 1);
  });

  test('a minimal policy: exceptions default to none; dates stay strings', () => {
    const policy = parsePolicy('version: 1\nexceptions:\n  - images: ["x/*"]\n    reason: r\n    owner: o\n    expires: 2027-01-31\n', 'p.yaml');
    assert.equal(policy.exceptions[0]!.expires, '2027-01-31');
    assert.deepEqual(parsePolicy('version: 1\n', 'p.yaml').exceptions, []);
  });

  test('JSON is YAML too', () => {
    assert.equal(parsePolicy(JSON.stringify({ version: 1, secrets: { forbid: true } }), 'p.json').secrets?.forbid, true);
  });
});

describe('schema errors: FILE:LINE:COL: path: reason; expected shape', () => {
  const cases: { name: string; text: string; needle: string; nth?: number; path: string; reason: RegExp; expected: RegExp }[] = [
    {
      name: 'misspelt key, suggested',
      text: 'version: 1\nvulnerabilities:\n  maxSeverty: high\n',
      needle: 'maxSeverty',
      path: 'vulnerabilities.maxSeverty',
      reason: /unknown key \(did you mean "maxSeverity"\?\)/u,
      expected: /one of the keys maxSeverity, maxCvss, forbidKev, ignoreUnfixed/u,
    },
    {
      name: 'snake_case spelling of a key',
      text: 'version: 1\nimage:\n  max_age_days: 30\n',
      needle: 'max_age_days',
      path: 'image.max_age_days',
      reason: /did you mean "maxAgeDays"/u,
      expected: /one of the keys nonRootUser, healthcheck, maxAgeDays, labels/u,
    },
    {
      name: 'another name for a key',
      text: 'version: 1\nvulnerabilities:\n  fixableOnly: true\n',
      needle: 'fixableOnly',
      path: 'vulnerabilities.fixableOnly',
      reason: /did you mean "ignoreUnfixed"/u,
      expected: /keys/u,
    },
    {
      name: 'unknown key with nothing close: no suggestion',
      text: 'version: 1\nbananas: 3\n',
      needle: 'bananas',
      path: 'bananas',
      reason: /^unknown key$/u,
      expected: /one of the keys version, name, trust/u,
    },
    {
      name: 'misspelt enum value, suggested',
      text: 'version: 1\nvulnerabilities:\n  maxSeverity: hihg\n',
      needle: 'hihg',
      path: 'vulnerabilities.maxSeverity',
      reason: /"hihg" is not allowed \(did you mean "high"\?\)/u,
      expected: /one of critical, high, medium, low, negligible/u,
    },
    {
      name: 'misspelt rule id in an exception',
      text: 'version: 1\nexceptions:\n  - images: ["a/*"]\n    rules: [secrets, non-root-usr]\n    reason: r\n    owner: o\n    expires: 2030-01-01\n',
      needle: 'non-root-usr',
      path: 'exceptions[0].rules[1]',
      reason: /did you mean "non-root-user"/u,
      expected: /one of trusted-registry, /u,
    },
    {
      name: 'number out of range',
      text: 'version: 1\nvulnerabilities:\n  maxCvss: 11\n',
      needle: '11',
      path: 'vulnerabilities.maxCvss',
      reason: /11 is too big/u,
      expected: /CVSS base score from 0 to 10/u,
    },
    {
      name: 'wrong type',
      text: 'version: 1\nsecrets:\n  forbid: "yes please"\n',
      needle: '"yes please"',
      path: 'secrets.forbid',
      reason: /got "yes please"/u,
      expected: /true or false/u,
    },
    {
      name: 'required exception fields, at the exception',
      text: 'version: 1\nexceptions:\n  - images: ["a/*"]\n    reason: legacy\n    expires: 2030-01-01\n',
      needle: 'images',
      path: 'exceptions[0].owner',
      reason: /^required$/u,
      expected: /who answers for the exception/u,
    },
    {
      name: 'a date that is not one',
      text: 'version: 1\nexceptions:\n  - images: ["a/*"]\n    reason: r\n    owner: o\n    expires: 2027-02-30\n',
      needle: '2027-02-30',
      path: 'exceptions[0].expires',
      reason: /not a real date/u,
      expected: /a date \(2027-01-31/u,
    },
    {
      name: 'a versioned purl',
      text: 'version: 1\npackages:\n  deny:\n    - purl: pkg:npm/lodash@4.17.15\n',
      needle: 'pkg:npm',
      path: 'packages.deny[0].purl',
      reason: /put the version in `versions`/u,
      expected: /package URL glob/u,
    },
    {
      name: 'a bad version range',
      text: 'version: 1\npackages:\n  deny:\n    - name: lodash\n      versions: ">=1 <<2"\n',
      needle: '">=1',
      path: 'packages.deny[0].versions',
      reason: /not a version range/u,
      expected: /comparators/u,
    },
    {
      name: 'a license expression where an id is expected',
      text: 'version: 1\nlicenses:\n  deny: [GPL-3.0-only, MIT OR Apache-2.0]\n',
      needle: 'MIT OR',
      path: 'licenses.deny[1]',
      reason: /not an SPDX license identifier/u,
      expected: /SPDX license identifier/u,
    },
    {
      name: 'a union: the list branch names the bad entry',
      text: 'version: 1\ndeployment:\n  forbidHostNamespaces: [pid, user]\n',
      needle: 'user',
      path: 'deployment.forbidHostNamespaces[1]',
      reason: /"user" is not allowed/u,
      expected: /one of pid, ipc, net, uts/u,
    },
    {
      name: 'signatures need a key or an identity',
      text: 'version: 1\ntrust:\n  signatures: {}\n',
      needle: '{}',
      path: 'trust.signatures',
      reason: /at least one of keys, identities/u,
      expected: /keys \(PEM paths\)/u,
    },
    {
      name: 'an identity with both subject forms',
      text: 'version: 1\ntrust:\n  signatures:\n    identities:\n      - issuer: https://accounts.google.com\n        subject: a@example.com\n        subjectRegExp: ".*"\n    trustedRoot: trusted_root.json\n',
      needle: 'issuer',
      path: 'trust.signatures.identities[0]',
      reason: /exactly one of subject, subjectRegExp/u,
      expected: /issuer and one of subject, subjectRegExp/u,
    },
    {
      name: 'wrong version',
      text: 'version: 2\n',
      needle: '2',
      path: 'version',
      reason: /2 is not allowed/u,
      expected: /^1$/u,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const [first] = problems(c.text);
      const m = /^p\.yaml:(\d+:\d+): (.+?): (.+); expected (.+)$/u.exec(first!);
      assert.ok(m, first);
      assert.equal(m[1], at(c.text, c.needle, c.nth), first);
      assert.equal(m[2], c.path, first);
      assert.match(m[3]!, c.reason, first);
      assert.match(m[4]!, c.expected, first);
    });
  }

  test('every problem is listed, in document order, each with its own position', () => {
    const text = 'version: 1\nvulnerabilities:\n  maxSeverty: high\n  kev: true\nimage:\n  maxAgeDays: -3\n';
    const list = problems(text);
    assert.equal(list.length, 3, list.join('\n'));
    assert.ok(list[0]!.startsWith(`p.yaml:${at(text, 'maxSeverty')}: vulnerabilities.maxSeverty: `));
    assert.ok(list[1]!.startsWith(`p.yaml:${at(text, 'kev')}: vulnerabilities.kev: unknown key (did you mean "forbidKev"?)`));
    assert.ok(list[2]!.startsWith(`p.yaml:${at(text, '-3')}: image.maxAgeDays: `));
  });

  test('YAML syntax errors and duplicate keys name their line', () => {
    const dup = 'version: 1\nsecrets:\n  forbid: true\nsecrets:\n  forbid: false\n';
    assert.match(problems(dup)[0]!, new RegExp(`^p\\.yaml:${at(dup, 'secrets', 2)}: .*[Mm]ap keys must be unique`, 'u'));
    assert.match(problems('version: 1\nimage: [1, 2\n')[0]!, /^p\.yaml:\d+:\d+: /u);
  });

  test('an empty file says so', () => {
    assert.match(problems('')[0]!, /^p\.yaml:1:1: \(top level\): the policy is empty; expected a mapping with keys version/u);
  });
});

describe('loadPolicy', () => {
  test('a missing file is INPUT_NOT_FOUND; a file too big is refused before parsing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulkhead-policy-'));
    try {
      await assert.rejects(loadPolicy(join(dir, 'none.yaml')), (e: Error & { code?: string }) => e.code === 'INPUT_NOT_FOUND');
      const big = join(dir, 'big.yaml');
      writeFileSync(big, 'version: 1\n' + '#'.repeat(1024 * 1024 + 10));
      await assert.rejects(loadPolicy(big), /over the 1048576-byte limit/u);
      const ok = join(dir, 'ok.yaml');
      writeFileSync(ok, 'version: 1\nmalware: {forbid: true}\n');
      assert.equal((await loadPolicy(ok)).malware?.forbid, true);
      const bad = join(dir, 'bad.yaml');
      writeFileSync(bad, 'version: 1\nmalware: {forbid: true, scan: 1}\n');
      await assert.rejects(loadPolicy(bad), (e: Error) => e.message.startsWith(`${bad}:2:`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
