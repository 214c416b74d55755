import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dpkg } from './dpkg.js';
import { SeededRandom, nearPairs, testSeed } from './testing/seeded-random.js';
import { addLeadingZero, bumpNumber, deleteSome, flipCase, insertAt, replaceChar } from './testing/mutate.js';
import { assertAgreement, parseOrderings, runReference } from './testing/reference-tool.js';

const PAIRS = 10_000;
const DPKG_BINARY_PAIRS = 300;
const PERL_PKG = 'libdpkg-perl';

/** Pieces real Debian versions are made of, with the tricky ones (tilde, plus, letters) over-weighted. */
function generator(rnd: SeededRandom, maxDigits: number): () => string {
  const number = () => rnd.number({ maxDigits, leadingZeros: true });
  const upstreamPiece = () =>
    rnd.pick([
      () => '.' + number(),
      () => '.' + number(),
      () => '~' + rnd.pick(['', 'rc', 'beta', 'dfsg', 'git', '~']) + (rnd.chance(0.6) ? number() : ''),
      () => '+' + rnd.pick(['dfsg', 'ds', 'really', 'git2023', 'b', '']) + (rnd.chance(0.5) ? number() : ''),
      () => rnd.stringOf('abzABZ', 1, 2),
      () => rnd.pick(['.', '+', '~', 'a', 'Z']),
    ])();
  const revisionPiece = () =>
    rnd.pick([
      () => number(),
      () => rnd.pick(['ubuntu', 'deb', 'bpo', 'build', 'a', 'Z', 'u']) + number(),
      () => rnd.pick(['.', '+', '~', '~~']) + number(),
      () => rnd.pick(['+deb12u', '~bpo11+', '.1', 'build']),
    ])();
  return () => {
    let v = '';
    // dpkg's C parser rejects epochs above INT_MAX (Perl does not): long runs stay out of epochs.
    if (rnd.chance(0.2)) v += rnd.number({ maxDigits: 9, leadingZeros: true }) + ':';
    v += number();
    for (let k = rnd.int(0, 4); k > 0; k--) v += upstreamPiece();
    if (v.includes(':') && rnd.chance(0.1)) v += ':' + number();
    if (rnd.chance(0.65)) {
      if (rnd.chance(0.1)) v += '-' + number(); // a hyphen inside the upstream version
      v += '-';
      v += rnd.chance(0.2) ? rnd.stringOf('abc~+.', 1, 2) : number();
      for (let k = rnd.int(0, 2); k > 0; k--) v += revisionPiece();
    }
    return v;
  };
}

function mutator(rnd: SeededRandom): (v: string) => string {
  return (v) =>
    rnd.pick([
      () => bumpNumber(rnd, v),
      () => bumpNumber(rnd, v),
      () => insertAt(rnd, v, rnd.pick(['~', '~~', '~rc1', '+', '+b1', '.', '.0', 'a', 'A', '0', '-1', '1:', '0:'])),
      () => deleteSome(rnd, v),
      () => replaceChar(rnd, v, '~+.aZ09'),
      () => flipCase(rnd, v),
      () => addLeadingZero(rnd, v),
      () => (v.includes(':') ? v.slice(v.indexOf(':') + 1) : '0:' + v),
    ])();
}

function longestRun(v: string): number {
  let best = 0;
  for (const m of v.matchAll(/[0-9]+/g)) best = Math.max(best, m[0].length);
  return best;
}

/** Pairs whose two versions dpkg accepts (checked against Perl's `version_check` below). */
function validPairs(rnd: SeededRandom, count: number, maxDigits: number): Array<[string, string]> {
  const gen = generator(rnd, maxDigits);
  const mut = mutator(rnd);
  const out: Array<[string, string]> = [];
  while (out.length < count) {
    for (const p of nearPairs(rnd, count, gen, mut)) {
      if (out.length < count && dpkg.valid(p[0]) && dpkg.valid(p[1]) && longestRun(p[0] + ' ' + p[1]) <= maxDigits) {
        out.push(p);
      }
    }
  }
  return out;
}

/** Perl reads `a<TAB>b` lines and prints `validA validB order` (order `x` unless both are valid). */
const PERL_SCRIPT = `
use strict; use warnings;
use Dpkg::Version qw(version_compare version_check);
binmode STDIN; binmode STDOUT;
while (my $line = <STDIN>) {
  chomp $line;
  my ($a, $b) = split /\\t/, $line, -1;
  my $va = version_check($a) ? 1 : 0;
  my $vb = version_check($b) ? 1 : 0;
  my $c = ($va && $vb) ? version_compare($a, $b) : 'x';
  print "$va $vb $c\\n";
}
`;

test('dpkg: Debian Policy 5.6.12 examples', () => {
  // Policy 5.6.12: "~~" < "~~a" < "~" < "" < "a"; epochs dominate; digit runs are numbers.
  const ascending = ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a', '1.0+', '1.0.1', '1.0.10', '1:0.1', '2:0'];
  for (let k = 0; k + 1 < ascending.length; k++) {
    assert.equal(dpkg.compare(ascending[k]!, ascending[k + 1]!), -1, `${ascending[k]} < ${ascending[k + 1]}`);
    assert.equal(dpkg.compare(ascending[k + 1]!, ascending[k]!), 1);
  }
  assert.equal(dpkg.compare('1.0', '1.0-0'), 0); // a missing revision equals revision 0
  assert.equal(dpkg.compare('0:1.0', '1.0'), 0);
  assert.equal(dpkg.compare('1.01', '1.1'), 0);
  assert.equal(dpkg.valid('1.0-'), false);
  assert.equal(dpkg.valid('a1.0'), false);
  assert.equal(dpkg.valid('1:2.3-4'), true);
});

test(`dpkg: ${PAIRS} generated pairs agree with Perl Dpkg::Version and a subset with dpkg --compare-versions`, (t) => {
  const seed = testSeed();
  t.diagnostic(`seed ${seed} (replay with VERSIONS_SEED=${seed})`);
  const rnd = new SeededRandom(seed);
  // Perl's numeric <=> works on doubles, exact to 15 digits; longer runs go to dpkg itself below.
  const pairs = validPairs(rnd, PAIRS, 15);
  // Mixed valid and invalid strings for `valid`: raw mutations, not filtered.
  const gen = generator(rnd, 15);
  const mut = mutator(rnd);
  const validitySet = nearPairs(rnd, 2_000, gen, (v) => mut(mut(v))).filter(
    // A trailing colon is where Perl's parser (epoch 0, colon kept) and dpkg's C parser (empty
    // version after the epoch: invalid) disagree; `valid` follows dpkg, so those are left out here.
    ([a, b]) => !/[\t\n]/.test(a + b) && a.length > 0 && b.length > 0 && !a.endsWith(':') && !b.endsWith(':'),
  );

  const all = [...pairs, ...validitySet];
  const out = runReference('perl', ['-e', PERL_SCRIPT], {
    debianPackage: PERL_PKG,
    input: all.map(([a, b]) => `${a}\t${b}\n`).join(''),
  });
  const rows = out.split('\n').filter((l) => l.length > 0).map((l) => l.split(' '));
  assert.equal(rows.length, all.length, 'Perl printed one line per pair');

  const validityBad: string[] = [];
  // Perl accepts epochs above INT_MAX, dpkg's C parser does not; `valid` follows dpkg (checked below)
  const hugeEpoch = (v: string): boolean => /^\d+:/.test(v) && Number(v.slice(0, v.indexOf(':'))) > 2_147_483_647;
  all.forEach(([a, b], k) => {
    const [va, vb] = rows[k]!;
    if (hugeEpoch(a) || hugeEpoch(b)) return;
    if (dpkg.valid(a) !== (va === '1')) validityBad.push(`valid(${JSON.stringify(a)}): ours ${dpkg.valid(a)}, Perl ${va === '1'}`);
    if (dpkg.valid(b) !== (vb === '1')) validityBad.push(`valid(${JSON.stringify(b)}): ours ${dpkg.valid(b)}, Perl ${vb === '1'}`);
  });
  assert.deepEqual(validityBad.slice(0, 20), [], `seed ${seed}`);

  const perlOrder = rows.slice(0, pairs.length).map((r) => Number(r[2]));
  const agreed = assertAgreement('dpkg (Perl Dpkg::Version)', seed, pairs, dpkg.compare, perlOrder);
  t.diagnostic(`Perl Dpkg::Version agreed on ${agreed}/${pairs.length} pairs, validity on ${all.length * 2} strings`);

  // dpkg itself (C verrevcmp): half from the main set, half with digit runs up to 40 digits.
  const subset = [...pairs.slice(0, DPKG_BINARY_PAIRS / 2), ...validPairs(rnd, DPKG_BINARY_PAIRS / 2, 40)];
  // dpkg exits non-zero for every relation when a version does not parse (e.g. an epoch over
  // INT_MAX): such pairs answer ERR, and `valid` must reject one side of each of them
  const script =
    'while read -r a b; do if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then echo -1; ' +
    'elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo 0; ' +
    'elif dpkg --compare-versions "$a" gt "$b" 2>/dev/null; then echo 1; else echo ERR; fi; done';
  const dpkgOut = runReference('sh', ['-c', script], {
    debianPackage: 'dpkg',
    input: subset.map(([a, b]) => `${a} ${b}\n`).join(''),
  });
  const answers = dpkgOut.split('\n').filter((l) => l.length > 0);
  assert.equal(answers.length, subset.length, 'dpkg answered once per pair');
  const rejected = subset.filter((_, k) => answers[k] === 'ERR');
  for (const [a, b] of rejected) assert.ok(!dpkg.valid(a) || !dpkg.valid(b), `dpkg rejected ${JSON.stringify(a)} vs ${JSON.stringify(b)}; valid() accepts both (seed ${seed})`);
  const parsed = subset.filter((_, k) => answers[k] !== 'ERR');
  const dpkgAgreed = assertAgreement('dpkg (dpkg --compare-versions)', seed, parsed, dpkg.compare, parseOrderings(answers.filter((a) => a !== 'ERR').join('\n'), parsed.length));
  t.diagnostic(`dpkg --compare-versions agreed on ${dpkgAgreed}/${subset.length} pairs`);
});
