import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRpmEvr, rpm, rpmvercmp } from './rpm.js';
import { SeededRandom, nearPairs, testSeed } from './testing/seeded-random.js';
import { addLeadingZero, bumpNumber, deleteSome, flipCase, insertAt, replaceChar } from './testing/mutate.js';
import { assertAgreement, runReference } from './testing/reference-tool.js';

const PAIRS = 10_000;

function generator(rnd: SeededRandom): () => string {
  const number = () => rnd.number({ maxDigits: 30, leadingZeros: true });
  const piece = () =>
    rnd.pick([
      () => '.' + number(),
      () => '.' + number(),
      () => rnd.pick(['~', '^', '~~', '^^', '~^']) + rnd.pick(['', 'rc', 'beta', 'git', '']) + (rnd.chance(0.6) ? number() : ''),
      () => rnd.pick(['', '.', '_', '+']) + rnd.stringOf('abzABZ', 1, 3),
      () => rnd.pick(['.', '_', '+', '..', '%', '#']) + number(),
      () => number(),
    ])();
  const field = () => {
    let f = rnd.chance(0.2) ? rnd.stringOf('abZ', 1, 2) : number();
    for (let k = rnd.int(0, 4); k > 0; k--) f += piece();
    return f;
  };
  return () => {
    let v = '';
    if (rnd.chance(0.25)) v += (rnd.chance(0.1) ? '' : rnd.number({ maxDigits: 4, leadingZeros: true })) + ':';
    v += field();
    if (rnd.chance(0.7)) v += '-' + rnd.pick([() => field(), () => number() + '.el' + rnd.int(7, 9), () => number() + '.fc' + rnd.int(36, 40)])();
    return v;
  };
}

function mutator(rnd: SeededRandom): (v: string) => string {
  return (v) =>
    rnd.pick([
      () => bumpNumber(rnd, v),
      () => bumpNumber(rnd, v),
      () => insertAt(rnd, v, rnd.pick(['~', '^', '~1', '^1', '.', '.0', '_', 'a', 'A', '0', '-1', '1:', '0:'])),
      () => deleteSome(rnd, v),
      () => replaceChar(rnd, v, '~^._aZ09'),
      () => flipCase(rnd, v),
      () => addLeadingZero(rnd, v),
      () => (v.lastIndexOf('-') > 0 ? v.slice(0, v.lastIndexOf('-')) : v + '-1'),
    ])();
}

/**
 * Versions rpm can parse into a non-empty version (rpm.ver refuses others) and whose fields rpm.vercmp
 * would not split again (no `-` in the version, no `digits:` prefix in version or release), since the
 * harness hands it the fields alone to compare them one by one.
 */
function usable(v: string): boolean {
  const p = parseRpmEvr(v);
  const reparsed = (f: string) => /^[0-9]*:/.test(f);
  return (
    p.version.length > 0 &&
    !p.version.includes('-') &&
    !reparsed(p.version) &&
    !reparsed(p.release ?? '') &&
    !/[\t\n]/.test(v)
  );
}

/**
 * For each `a<TAB>b`: rpm.vercmp of the whole EVRs (rpmverCmp: a missing release sorts first), then
 * rpm's own split of both, then rpm.vercmp of epochs, of versions and of releases (`n` when either
 * release is missing or empty). rpm's Lua `print` adds no newline of its own. Versions and releases contain no `-` and no `digits:` prefix, so
 * rpm.vercmp compares them with plain rpmvercmp.
 */
const LUA = (path: string) => `%{lua:
for line in io.lines(${JSON.stringify(path)}) do
  local a, b = line:match("^([^\\t]*)\\t(.*)$")
  local va, vb = rpm.ver(a), rpm.ver(b)
  local cr = "n"
  if va.r and vb.r and va.r ~= "" and vb.r ~= "" then cr = rpm.vercmp(va.r, vb.r) end
  print(table.concat({ rpm.vercmp(a, b), va.e or "-", va.v, va.r or "-", vb.e or "-", vb.v, vb.r or "-",
    rpm.vercmp(va.e or "0", vb.e or "0"), rpm.vercmp(va.v, vb.v), cr }, "\\t") .. "\\n")
end
}`;

test('rpm: rpmvercmp and EVR examples from rpm documentation', () => {
  // rpm "Dependencies/Versioning": 1.0~rc1 < 1.0 < 1.0^git1 < 1.0.1; numbers beat letters.
  assert.equal(rpmvercmp('1.0~rc1', '1.0'), -1);
  assert.equal(rpmvercmp('1.0', '1.0^git1'), -1);
  assert.equal(rpmvercmp('1.0^git1', '1.0.1'), -1);
  assert.equal(rpmvercmp('1.0a', '1.0.1'), -1);
  assert.equal(rpmvercmp('1.01', '1.1'), 0);
  assert.equal(rpm.compare('1:1.0-1', '2.0-1'), 1);
  assert.equal(rpm.compare('1.2.3', '1.2.3-4.el9'), 0); // documented choice: missing release matches
  assert.equal(rpm.compare('0:1.2.3-4.el9', '1.2.3-4.el9'), 0);
});

test(`rpm: ${PAIRS} generated EVR pairs agree with rpm 4.18 (Lua rpm.ver / rpm.vercmp)`, (t) => {
  const seed = testSeed();
  t.diagnostic(`seed ${seed} (replay with VERSIONS_SEED=${seed})`);
  const rnd = new SeededRandom(seed);
  const pairs: Array<[string, string]> = [];
  while (pairs.length < PAIRS) {
    for (const p of nearPairs(rnd, PAIRS, generator(rnd), mutator(rnd))) {
      if (pairs.length < PAIRS && usable(p[0]) && usable(p[1])) pairs.push(p);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-rpm-'));
  let out: string;
  try {
    const file = join(dir, 'pairs.tsv');
    writeFileSync(file, pairs.map(([a, b]) => `${a}\t${b}\n`).join(''));
    out = runReference('rpm', ['--eval', LUA(file)], { debianPackage: 'rpm' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const rows = out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
  assert.equal(rows.length, pairs.length, 'rpm printed one line per pair');

  // 1. The EVR split matches rpm's.
  const splitBad: string[] = [];
  pairs.forEach(([a, b], k) => {
    const r = rows[k]!;
    for (const [v, e, ver, rel] of [[a, r[1], r[2], r[3]], [b, r[4], r[5], r[6]]] as const) {
      const p = parseRpmEvr(v);
      const ours = [p.epoch ?? '-', p.version, p.release ?? '-'].join(' ');
      if (ours !== [e, ver, rel].join(' ')) splitBad.push(`${JSON.stringify(v)}: ours ${ours}, rpm ${[e, ver, rel].join(' ')}`);
    }
  });
  assert.deepEqual(splitBad.slice(0, 20), [], `seed ${seed}`);

  // 2. rpmvercmp on every version field (and every release field where both exist).
  const versions = pairs.map(([a, b]) => [parseRpmEvr(a).version, parseRpmEvr(b).version] as [string, string]);
  const vAgreed = assertAgreement('rpmvercmp (versions)', seed, versions, rpmvercmp, rows.map((r) => Number(r[8])));
  const withRel = pairs.flatMap(([a, b], k) => (rows[k]![9] === 'n' ? [] : [{ a, b, ref: Number(rows[k]![9]) }]));
  const rels = withRel.map(({ a, b }) => [parseRpmEvr(a).release!, parseRpmEvr(b).release!] as [string, string]);
  const rAgreed = assertAgreement('rpmvercmp (releases)', seed, rels, rpmvercmp, withRel.map((x) => x.ref));

  // 3. Whole EVRs: where both have a release this is exactly rpm's rpmverCmp; where one lacks it,
  //    our documented rule (release ignored) applied to rpm's own epoch and version comparisons.
  const expected = rows.map((r) => (r[9] === 'n' ? Number(r[7]) || Number(r[8]) : Number(r[0])));
  const agreed = assertAgreement('rpm (EVR)', seed, pairs, rpm.compare, expected);
  const exact = rows.filter((r) => r[9] !== 'n').length;
  t.diagnostic(`EVR agreed on ${agreed}/${pairs.length} pairs (${exact} compared directly with rpmverCmp)`);
  t.diagnostic(`rpmvercmp agreed on ${vAgreed} version and ${rAgreed} release pairs`);
});
