import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goModule } from './go.js';
import { SeededRandom, nearPairs, testSeed } from './testing/seeded-random.js';
import { addLeadingZero, bumpNumber, deleteSome, insertAt, replaceChar } from './testing/mutate.js';
import { assertAgreement, runReference } from './testing/reference-tool.js';

const PAIRS = 10_000;
const GOPATH = '/usr/share/gocode';
const PACKAGE = 'golang-golang-x-mod-dev (and golang-go)';

function generator(rnd: SeededRandom): () => string {
  const number = () => rnd.number({ maxDigits: 22, leadingZeros: rnd.chance(0.1) });
  const timestamp = () => `20${rnd.int(10, 25)}${rnd.digits(10, true)}`;
  const hash = () => rnd.stringOf('0123456789abcdef', 12, 12);
  const ident = () =>
    rnd.pick([() => number(), () => rnd.pick(['alpha', 'beta', 'rc', 'pre', 'Alpha', 'x-y', '-', '0a']), () => rnd.stringOf('aZ09-', 1, 4)])();
  return () => {
    let v = rnd.chance(0.85) ? 'v' : '';
    const r = rnd.next();
    if (r < 0.25) {
      // Pseudo-versions (Go Modules Reference "Pseudo-versions"), the three forms.
      const form = rnd.int(0, 2);
      if (form === 0) v += `0.0.0-${timestamp()}-${hash()}`;
      else if (form === 1) v += `${number()}.${number()}.${number()}-0.${timestamp()}-${hash()}`;
      else v += `${number()}.${number()}.${number()}-${ident()}.0.${timestamp()}-${hash()}`;
    } else {
      v += number();
      if (rnd.chance(0.92)) v += '.' + number();
      if (rnd.chance(0.9)) v += '.' + number();
      if (rnd.chance(0.4)) {
        v += '-' + ident();
        for (let k = rnd.int(0, 3); k > 0; k--) v += '.' + ident();
      }
    }
    if (rnd.chance(0.15)) v += rnd.pick(['+incompatible', '+build.1', '+001', '+meta-data']);
    return v;
  };
}

function mutator(rnd: SeededRandom): (v: string) => string {
  return (v) =>
    rnd.pick([
      () => bumpNumber(rnd, v),
      () => bumpNumber(rnd, v),
      () => insertAt(rnd, v, rnd.pick(['.0', '-0', '-pre', '.1', '+incompatible', '-', '.', 'v'])),
      () => deleteSome(rnd, v),
      () => replaceChar(rnd, v, '.-+0a'),
      () => addLeadingZero(rnd, v),
      () => (v.startsWith('v') ? v.slice(1) : 'v' + v),
    ])();
}

/** Reads `a<TAB>b` lines, adds the `v` OSV leaves out, prints `validA validB semver.Compare`. */
const GO_PROGRAM = `package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/semver"
)

func withV(s string) string {
	if strings.HasPrefix(s, "v") {
		return s
	}
	return "v" + s
}

func b(ok bool) string {
	if ok {
		return "1"
	}
	return "0"
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		parts := strings.SplitN(in.Text(), "\\t", 2)
		x, y := withV(parts[0]), withV(parts[1])
		out.WriteString(b(semver.IsValid(x)) + " " + b(semver.IsValid(y)) + " " + strconv.Itoa(semver.Compare(x, y)) + "\\n")
	}
}
`;

test('go: semver and pseudo-version examples from the Go Modules Reference', () => {
  const ascending = ['v0.0.0-20191109021931-daa7c04131f5', 'v1.0.0-alpha', 'v1.0.0-alpha.1', 'v1.0.0-beta', 'v1.0.0',
    'v1.2.3', 'v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.4-pre', 'v1.2.4-pre.0.20191109021931-daa7c04131f5', 'v1.2.4',
    'v2.0.0+incompatible'];
  for (let k = 0; k + 1 < ascending.length; k++) {
    assert.equal(goModule.compare(ascending[k]!, ascending[k + 1]!), -1, `${ascending[k]} < ${ascending[k + 1]}`);
    assert.equal(goModule.compare(ascending[k + 1]!, ascending[k]!), 1);
  }
  assert.equal(goModule.compare('v1.2', 'v1.2.0'), 0);
  assert.equal(goModule.compare('1.2.3', 'v1.2.3'), 0);
  assert.equal(goModule.compare('v2.0.0+incompatible', 'v2.0.0'), 0);
  assert.equal(goModule.valid('v1.2-pre'), false);
  assert.equal(goModule.valid('v01.2.3'), false);
});

test(`go: ${PAIRS} generated pairs agree with golang.org/x/mod/semver`, (t) => {
  const seed = testSeed();
  t.diagnostic(`seed ${seed} (replay with VERSIONS_SEED=${seed})`);
  assert.ok(existsSync(join(GOPATH, 'src/golang.org/x/mod/semver/semver.go')), `golang.org/x/mod source missing: install Debian package ${PACKAGE}`);
  const rnd = new SeededRandom(seed);
  // Unfiltered: invalid versions are part of the order too (they sort first, equal to each other).
  const pairs = nearPairs(rnd, PAIRS, generator(rnd), mutator(rnd)).filter(([a, b]) => !/[\t\n]/.test(a + b));

  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-go-'));
  let out: string;
  try {
    writeFileSync(join(dir, 'main.go'), GO_PROGRAM);
    const env = { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: join(dir, 'cache'), GOFLAGS: '' };
    runReference('go', ['build', '-o', join(dir, 'semver-ref'), join(dir, 'main.go')], { debianPackage: PACKAGE, env, cwd: dir });
    out = runReference(join(dir, 'semver-ref'), [], { debianPackage: PACKAGE, input: pairs.map(([a, b]) => `${a}\t${b}\n`).join('') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const rows = out.split('\n').filter((l) => l.length > 0).map((l) => l.split(' '));
  assert.equal(rows.length, pairs.length, 'the Go program printed one line per pair');

  const validityBad: string[] = [];
  let valid = 0;
  pairs.forEach(([a, b], k) => {
    for (const [v, ref] of [[a, rows[k]![0]], [b, rows[k]![1]]] as const) {
      if (ref === '1') valid++;
      if (goModule.valid(v) !== (ref === '1')) validityBad.push(`valid(${JSON.stringify(v)}): ours ${goModule.valid(v)}, IsValid ${ref === '1'}`);
    }
  });
  assert.deepEqual(validityBad.slice(0, 20), [], `seed ${seed}`);
  const agreed = assertAgreement('go', seed, pairs, goModule.compare, rows.map((r) => Number(r[2])));
  const pseudo = pairs.filter(([a, b]) => /-(?:.*\.)?0?\.?\d{14}-[0-9a-f]{12}/.test(a + ' ' + b)).length;
  t.diagnostic(`agreed on ${agreed}/${pairs.length} pairs (${pseudo} with a pseudo-version); ${valid} of ${pairs.length * 2} versions valid`);
});
