/**
 * NuGet has no reference implementation on Debian, so these tables are the examples of the NuGet
 * documentation, "Package versioning" (https://learn.microsoft.com/nuget/concepts/package-versioning,
 * source: NuGet/docs.microsoft.com-nuget docs/concepts/Package-Versioning.md), each with the
 * section it comes from, plus the SemVer 2.0.0 §11 precedence example NuGet 4.3+ follows.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeNuGetVersion, nuget } from './nuget.js';

function assertDescending(list: readonly string[]): void {
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const [hi, lo] = [list[i] as string, list[j] as string];
      assert.equal(nuget.compare(hi, lo), 1, `${hi} > ${lo}`);
      assert.equal(nuget.compare(lo, hi), -1, `${lo} < ${hi}`);
    }
  }
}

test('nuget: "Version basics" examples are valid versions', () => {
  for (const v of ['1.0.1', '6.11.1231', '4.3.1-rc', '2.2.44-beta.1', '2.2.44-beta1', '4.1.10311', '6.1.3', '6.2.0-beta1']) {
    assert.equal(nuget.valid(v), true, v);
  }
});

test('nuget: "Pre-release versions", SemVer 2.0 sorting tab (chosen in this order)', () => {
  assertDescending(['1.0.1', '1.0.1-zzz', '1.0.1-rc.10', '1.0.1-rc.2', '1.0.1-open', '1.0.1-beta', '1.0.1-alpha2', '1.0.1-alpha10', '1.0.1-aaa']);
});

test('nuget: "Pre-release versions", SemVer 1.0 sorting tab', () => {
  assertDescending(['1.0.1', '1.0.1-zzz', '1.0.1-open', '1.0.1-beta05', '1.0.1-beta02', '1.0.1-beta', '1.0.1-alpha2', '1.0.1-alpha10', '1.0.1-aaa']);
});

test('nuget: "Normalized version numbers" examples', () => {
  const treatedAs: Array<[string, string]> = [
    ['1.00', '1.0'],
    ['1.01.1', '1.1.1'],
    ['1.00.0.1', '1.0.0.1'],
    ['1.0.0.0', '1.0.0'],
    ['1.0.01.0', '1.0.1'],
    ['1.0.7+r3456', '1.0.7'],
  ];
  for (const [written, treated] of treatedAs) {
    assert.equal(nuget.compare(written, treated), 0, `${written} is treated as ${treated}`);
    assert.equal(normalizeNuGetVersion(written), normalizeNuGetVersion(treated), `${written} normalizes as ${treated}`);
  }
  assert.equal(normalizeNuGetVersion('1.01.1'), '1.1.1');
  assert.equal(normalizeNuGetVersion('1.00.0.1'), '1.0.0.1');
  assert.equal(normalizeNuGetVersion('1.0.0.0'), '1.0.0');
  assert.equal(normalizeNuGetVersion('1.0.01.0'), '1.0.1');
  assert.equal(normalizeNuGetVersion('1.0.7+r3456'), '1.0.7');
});

test('nuget: "Semantic Versioning 2.0.0" examples are valid', () => {
  assert.equal(nuget.valid('1.0.0-alpha.1'), true);
  assert.equal(nuget.valid('1.0.0+githash'), true);
  assert.equal(nuget.valid('1.0.1-build.23'), true);
});

test('nuget: "Where NuGetVersion diverges from Semantic Versioning"', () => {
  // 1. a fourth segment, Revision, omitted from the normalized string when zero
  assert.equal(nuget.compare('1.0.0.1', '1.0.0'), 1);
  assert.equal(normalizeNuGetVersion('1.2.3.0'), '1.2.3');
  // 2. only the major segment is required: 1, 1.0, 1.0.0 and 1.0.0.0 are accepted and equal
  for (const v of ['1', '1.0', '1.0.0', '1.0.0.0']) {
    assert.equal(nuget.valid(v), true, v);
    assert.equal(nuget.compare(v, '1.0.0'), 0, v);
  }
  // 3. case-insensitive prerelease labels
  assert.equal(nuget.compare('1.0.0-alpha', '1.0.0-Alpha'), 0);
});

test('nuget: SemVer 2.0.0 §11 precedence example', () => {
  // https://semver.org/#spec-item-11, which the page says NuGet 4.3.0+ follows
  assertDescending(['1.0.0', '1.0.0-rc.1', '1.0.0-beta.11', '1.0.0-beta.2', '1.0.0-beta', '1.0.0-alpha.beta', '1.0.0-alpha.1', '1.0.0-alpha']);
  assertDescending(['2.1.1', '2.1.0', '2.0.0', '1.0.0']);
});

test('nuget: malformed versions are invalid and still compare without throwing', () => {
  // more than Major.Minor.Patch.Revision; empty or non-ASCII identifiers (SemVer 2.0.0 §9, §10)
  for (const v of ['', '1.0.0.0.0', 'a.b.c', '1.0-', '1.0.0-beta..1', '1.0.0+', '1.0.0-bèta']) {
    assert.equal(nuget.valid(v), false, JSON.stringify(v));
    assert.ok([-1, 0, 1].includes(nuget.compare(v, '1.0.0')));
  }
});
