import assert from 'node:assert/strict';
import { test } from 'node:test';
import semver from 'semver';
import { semverScheme } from './semver.js';
import { DisagreementLog, pairs } from './testing-b/differential.js';
import { createRandom, seedFromEnv } from './testing-b/random.js';
import { mutateSemver, semverVersion } from './testing-b/semver-versions.js';

const PAIRS = 10_000;

test('semver: the scheme agrees with the semver package on 10,000 tricky pairs', () => {
  const seed = seedFromEnv();
  const random = createRandom(seed);
  console.log(`semver differential seed: ${seed} (replay with BULKHEAD_SEED=${seed})`);
  const input = pairs(PAIRS, random.chance, () => semverVersion(random), (v) => mutateSemver(random, v));
  const log = new DisagreementLog();
  let exact = 0;
  for (const [a, b] of input) {
    const validA = semver.valid(a, true) !== null;
    const validB = semver.valid(b, true) !== null;
    log.check('valid', [a], semverScheme.valid(a), validA);
    log.check('valid', [b], semverScheme.valid(b), validB);
    let reference: number;
    if (validA && validB) {
      exact++;
      reference = semver.compare(a, b, true);
    } else {
      // the documented best effort: coerce, numberless strings lowest and by text
      const options = { loose: true, includePrerelease: true };
      const ca = validA ? semver.parse(a, true) : semver.coerce(a, options);
      const cb = validB ? semver.parse(b, true) : semver.coerce(b, options);
      if (a === b) reference = 0;
      else if (ca && cb) reference = semver.compare(ca, cb, true);
      else if (ca || cb) reference = ca ? 1 : -1;
      else reference = a < b ? -1 : 1;
    }
    log.check('compare', [a, b], semverScheme.compare(a, b), reference);
  }
  console.log(`semver: ${exact} valid pairs, ${log.agreed} checks agree`);
  assert.ok(exact > PAIRS * 0.7, `only ${exact} pairs were valid semver`);
  assert.equal(log.list.length, 0, log.report('semver', seed));
});

test('semver: the precedence example of SemVer 2.0.0 §11 is ordered', () => {
  // https://semver.org/#spec-item-11
  const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
  for (let i = 0; i + 1 < ordered.length; i++) {
    assert.equal(semverScheme.compare(ordered[i] as string, ordered[i + 1] as string), -1, `${ordered[i]} < ${ordered[i + 1]}`);
  }
  assert.equal(semverScheme.compare('1.0.0+build.1', '1.0.0+build.2'), 0, 'build metadata is ignored (§10)');
});
