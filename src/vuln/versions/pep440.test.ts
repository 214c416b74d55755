import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pep440 } from './pep440.js';
import { SeededRandom, nearPairs, testSeed } from './testing/seeded-random.js';
import { addLeadingZero, bumpNumber, deleteSome, flipCase, insertAt, replaceChar } from './testing/mutate.js';
import { assertAgreement, runReference } from './testing/reference-tool.js';

const PAIRS = 10_000;
const PACKAGE = 'python3-packaging';

function generator(rnd: SeededRandom): () => string {
  const number = () => rnd.number({ maxDigits: 25, leadingZeros: true });
  const sep = () => rnd.pick(['', '', '.', '-', '_']);
  const cased = (s: string) => (rnd.chance(0.15) ? s.toUpperCase() : s);
  const labelled = (labels: string[]) => sep() + cased(rnd.pick(labels)) + (rnd.chance(0.75) ? sep() + number() : rnd.pick(['', '', '.', '-']));
  return () => {
    let v = rnd.chance(0.08) ? rnd.pick([' ', '\t', '\n ']) : '';
    if (rnd.chance(0.1)) v += rnd.pick(['v', 'V']);
    if (rnd.chance(0.1)) v += number() + '!';
    v += number();
    for (let k = rnd.int(0, 3); k > 0; k--) v += '.' + number();
    if (rnd.chance(0.35)) v += labelled(['a', 'b', 'c', 'rc', 'alpha', 'beta', 'pre', 'preview']);
    if (rnd.chance(0.3)) v += rnd.chance(0.3) ? '-' + number() : labelled(['post', 'rev', 'r']);
    if (rnd.chance(0.3)) v += labelled(['dev']);
    if (rnd.chance(0.2)) {
      v += '+' + rnd.pick([() => number(), () => rnd.stringOf('abcXyz019', 1, 5), () => 'ubuntu', () => 'cpu'])();
      for (let k = rnd.int(0, 2); k > 0; k--) v += rnd.pick(['.', '-', '_']) + rnd.pick([number(), rnd.stringOf('abZ09', 1, 4)]);
    }
    if (rnd.chance(0.05)) v += rnd.pick([' ', '\r\n']);
    return v;
  };
}

function mutator(rnd: SeededRandom): (v: string) => string {
  return (v) =>
    rnd.pick([
      () => bumpNumber(rnd, v),
      () => bumpNumber(rnd, v),
      () => insertAt(rnd, v, rnd.pick(['.0', '.0.0', 'a', 'b0', 'rc1', '.post0', '-1', '.dev0', 'dev', '+0', '+a', '.', '-', '_', 'v', '0!', '1!'])),
      () => deleteSome(rnd, v),
      () => replaceChar(rnd, v, '.-_+0a'),
      () => flipCase(rnd, v),
      () => addLeadingZero(rnd, v),
    ])();
}

/** Oddities for acceptance only: Unicode case folding and whitespace that Python treats specially. */
function oddity(rnd: SeededRandom, v: string): string {
  return insertAt(rnd, v, rnd.pick(['ı', 'İ', 'ſ', 'K', '\u00a0', '\u001c', '\u0085', '\ufeff', '\u2003', '!', '+', '++', '..', 'é', '٣']));
}

/** Reads JSON `[a, b]` lines; prints `validA validB order` (order `x` unless both are valid). */
const PYTHON = `
import sys, json
from packaging.version import Version, InvalidVersion
def parse(s):
    try:
        return Version(s)
    except InvalidVersion:
        return None
out = []
for line in sys.stdin:
    a, b = json.loads(line)
    va, vb = parse(a), parse(b)
    c = 'x' if va is None or vb is None else str((va > vb) - (va < vb))
    out.append(f"{int(va is not None)} {int(vb is not None)} {c}")
sys.stdout.write("\\n".join(out) + "\\n")
`;

test('pep440: examples from the version specifiers specification', () => {
  // "Summary of permitted suffixes and relative ordering" example sequence.
  const ascending = ['1.dev0', '1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2',
    '1.0b2.post345.dev456', '1.0b2.post345', '1.0rc1.dev456', '1.0rc1', '1.0', '1.0+abc.5', '1.0+abc.7', '1.0+5',
    '1.0.post456.dev34', '1.0.post456', '1.0.15', '1.1.dev1'];
  for (let k = 0; k + 1 < ascending.length; k++) {
    assert.equal(pep440.compare(ascending[k]!, ascending[k + 1]!), -1, `${ascending[k]} < ${ascending[k + 1]}`);
    assert.equal(pep440.compare(ascending[k + 1]!, ascending[k]!), 1);
  }
  // "Normalization" section examples.
  for (const [a, b] of [['1.1RC1', '1.1rc1'], ['1.0-1', '1.0.post1'], ['v1.0', '1.0'], ['1.0a', '1.0a0'], ['1.0.0', '1.0'],
    ['1.0-post', '1.0.post0'], ['1.0-dev2', '1.0.dev2'], ['1.0+ubuntu-1', '1.0+ubuntu.1'], [' 1.0 ', '1.0']]) {
    assert.equal(pep440.compare(a!, b!), 0, `${a} == ${b}`);
  }
  assert.equal(pep440.valid('1.0-'), false);
  assert.equal(pep440.valid('1.0+'), false);
});

test(`pep440: ${PAIRS} generated pairs and a mixed valid/invalid set agree with packaging.version.Version`, (t) => {
  const seed = testSeed();
  t.diagnostic(`seed ${seed} (replay with VERSIONS_SEED=${seed})`);
  const rnd = new SeededRandom(seed);
  const gen = generator(rnd);
  const mut = mutator(rnd);
  const pairs: Array<[string, string]> = [];
  while (pairs.length < PAIRS) {
    for (const p of nearPairs(rnd, PAIRS, gen, mut)) {
      if (pairs.length < PAIRS && pep440.valid(p[0]) && pep440.valid(p[1])) pairs.push(p);
    }
  }
  const mixed = nearPairs(rnd, 3_000, gen, (v) => (rnd.chance(0.3) ? oddity(rnd, v) : mut(mut(v))));
  const all = [...pairs, ...mixed];
  const out = runReference('/usr/bin/python3', ['-c', PYTHON], {
    debianPackage: PACKAGE,
    input: all.map((p) => JSON.stringify(p) + '\n').join(''),
  });
  const rows = out.split('\n').filter((l) => l.length > 0).map((l) => l.split(' '));
  assert.equal(rows.length, all.length, 'Python printed one line per pair');

  const validityBad: string[] = [];
  let invalid = 0;
  all.forEach(([a, b], k) => {
    for (const [v, ref] of [[a, rows[k]![0]], [b, rows[k]![1]]] as const) {
      if (ref === '0') invalid++;
      if (pep440.valid(v) !== (ref === '1')) validityBad.push(`valid(${JSON.stringify(v)}): ours ${pep440.valid(v)}, Version() ${ref === '1'}`);
    }
  });
  assert.deepEqual(validityBad.slice(0, 20), [], `seed ${seed}`);

  const agreed = assertAgreement('pep440', seed, pairs, pep440.compare, rows.slice(0, pairs.length).map((r) => Number(r[2])));
  const mixedBoth = mixed.flatMap((p, k) => (rows[pairs.length + k]![2] === 'x' ? [] : [[p, Number(rows[pairs.length + k]![2])] as const]));
  assertAgreement('pep440 (mixed set)', seed, mixedBoth.map(([p]) => p), pep440.compare, mixedBoth.map(([, r]) => r));
  t.diagnostic(`agreed on ${agreed}/${pairs.length} pairs; valid() agreed on ${all.length * 2} strings (${invalid} invalid)`);
});
