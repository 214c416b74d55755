import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { apk } from './apk.js';
import { SeededRandom, nearPairs, testSeed } from './testing/seeded-random.js';
import { bumpNumber, deleteSome, insertAt, replaceChar } from './testing/mutate.js';

/**
 * No apk reference tool is packaged for Debian, so the reference is apk-tools' own test vectors
 * (testing/apk-version.data, from apk-tools test/unit/version.data), checked line by line, plus
 * generated pairs checked for the properties an ordering must have.
 */
const VECTORS = new URL('./testing/apk-version.data', import.meta.url);

const OPS: Record<string, number[]> = { '<': [-1], '>': [1], '=': [0], '<=': [-1, 0], '>=': [1, 0] };

test('apk: apk-tools test vectors (test/unit/version.data)', (t) => {
  const lines = readFileSync(VECTORS, 'utf8').split('\n');
  const bad: string[] = [];
  let compared = 0;
  let validity = 0;
  let fuzzy = 0;
  for (const raw of lines) {
    const line = raw.replace(/#.*/, '').trim();
    if (line.length === 0) continue;
    const fields = line.split(/\s+/);
    if (fields.length === 3) {
      const [a, opField, b] = fields as [string, string, string];
      const negate = opField.startsWith('!');
      const op = negate ? opField.slice(1) : opField;
      // `~` is apk's fuzzy prefix match for dependencies, not part of the ordering.
      if (op.includes('~')) {
        fuzzy++;
        continue;
      }
      const allowed = OPS[op];
      assert.ok(allowed, `unknown operator in vector "${line}"`);
      const got = apk.compare(a, b);
      compared++;
      if (allowed.includes(got) === negate) bad.push(`${line}: compare gave ${got}`);
      // The reverse must be the mirror image.
      if (apk.compare(b, a) !== -got) bad.push(`${line}: compare(b, a) is not the mirror of ${got}`);
    } else if (fields.length === 1) {
      const v = fields[0]!;
      const expectValid = !v.startsWith('!');
      const text = expectValid ? v : v.slice(1);
      validity++;
      if (apk.valid(text) !== expectValid) bad.push(`valid("${text}") should be ${expectValid}`);
    } else {
      assert.fail(`unreadable vector line "${raw}"`);
    }
  }
  // A bare "!" line is the empty version, invalid.
  assert.equal(apk.valid(''), false);
  assert.deepEqual(bad, []);
  assert.ok(compared > 700, `only ${compared} comparison vectors read`);
  t.diagnostic(`${compared} comparison vectors and ${validity} validity vectors agree (${fuzzy} fuzzy-match vectors not applicable)`);
});

test('apk: documented suffix and revision order', () => {
  // apk-tools "Alpine version" order: _alpha < _beta < _pre < _rc < release < _cvs < _svn < _git < _hg < _p,
  // then -rN revisions of the same version.
  const ascending = ['1.0_alpha', '1.0_beta', '1.0_pre', '1.0_rc', '1.0', '1.0_cvs', '1.0_svn', '1.0_git', '1.0_hg', '1.0_p',
    '1.0_p-r1', '1.0_p1', '1.0a', '1.0.1_alpha'];
  for (let k = 0; k + 1 < ascending.length; k++) {
    assert.equal(apk.compare(ascending[k]!, ascending[k + 1]!), -1, `${ascending[k]} < ${ascending[k + 1]}`);
  }
});

test('apk: generated pairs form a consistent order (antisymmetric, transitive on sorted runs)', (t) => {
  const seed = testSeed();
  t.diagnostic(`seed ${seed} (replay with VERSIONS_SEED=${seed})`);
  const rnd = new SeededRandom(seed);
  const number = () => rnd.number({ maxDigits: 12, leadingZeros: true });
  const gen = () => {
    let v = number();
    for (let k = rnd.int(0, 3); k > 0; k--) v += '.' + number();
    if (rnd.chance(0.2)) v += rnd.pick(['a', 'b', 'z']);
    for (let k = rnd.int(0, 2); k > 0; k--) v += '_' + rnd.pick(['alpha', 'beta', 'pre', 'rc', 'cvs', 'svn', 'git', 'hg', 'p']) + (rnd.chance(0.6) ? number() : '');
    if (rnd.chance(0.1)) v += '~' + rnd.stringOf('0123456789abcdef', 1, 8);
    if (rnd.chance(0.5)) v += '-r' + number();
    return v;
  };
  const mut = (v: string) =>
    rnd.pick([
      () => bumpNumber(rnd, v),
      () => insertAt(rnd, v, rnd.pick(['.0', '_rc1', '_p1', '-r0', 'a', '_pre', '~0'])),
      () => deleteSome(rnd, v),
      () => replaceChar(rnd, v, '._0a'),
    ])();
  const pairs = nearPairs(rnd, 10_000, gen, mut);
  for (const [a, b] of pairs) {
    const ab = apk.compare(a, b);
    assert.equal(apk.compare(b, a), 0 - ab, `compare(${a}, ${b}) = ${ab} but the reverse is not its mirror (seed ${seed})`);
    if (a === b) assert.equal(ab, 0);
  }
  const sorted = pairs.flat().filter((v) => apk.valid(v)).sort(apk.compare);
  for (let k = 0; k + 2 < sorted.length; k += 2) {
    assert.notEqual(apk.compare(sorted[k]!, sorted[k + 2]!), 1, `sort is not transitive around ${sorted[k]} (seed ${seed})`);
  }
});
