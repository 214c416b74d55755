/**
 * Tricky semver strings for the cross-check of the semver scheme against the `semver` package:
 * loose spellings (`v`, `=`, blanks, leading zeros, prerelease without `-`), prerelease identifiers
 * that are numeric, alphanumeric, mixed case or long, build metadata, and non-versions to coerce.
 */
import { number, shuffleCase, type Random } from './random.js';

const IDENTIFIERS = ['alpha', 'beta', 'rc', 'RC', 'Alpha', 'pre', 'x', '0', '1', '2', '10', '01', 'a1', '1a', '-', 'alpha-1', 'beta--2'];

function prerelease(random: Random): string {
  let p = random.pick(IDENTIFIERS);
  const more = random.int(3);
  for (let i = 0; i < more; i++) p += '.' + (random.chance(0.5) ? number(random) : random.pick(IDENTIFIERS));
  return p;
}

export function semverVersion(random: Random): string {
  if (random.chance(0.04)) return random.pick(['', 'latest', '*', 'x', 'v', '1', '1.2', '1.2.3.4', 'v2', '1.x', 'foo1.2bar', '1.2.3-', '^1.2.3']);
  let v = `${number(random)}.${number(random)}.${number(random)}`;
  if (random.chance(0.4)) v += (random.chance(0.9) ? '-' : '') + prerelease(random);
  if (random.chance(0.1)) v += '+' + random.pick(['build.1', '001', 'sha.abc', 'x-y']);
  if (random.chance(0.08)) v = random.pick(['v', '=', 'V', ' ', '=v', 'v ']) + v;
  if (random.chance(0.04)) v += random.pick([' ', '\t']);
  return v;
}

export function mutateSemver(random: Random, v: string): string {
  switch (random.int(7)) {
    case 0:
      return shuffleCase(random, v);
    case 1:
      return v.replace(/\d+/g, (d) => (random.chance(0.3) ? '0' + d : d));
    case 2:
      return v.replace(/\d+(?!.*\d)/, (d) => String(Math.max(0, Number(d) + random.pick([-1, 1]))));
    case 3:
      return v.replace(/\+.*$/, '') + random.pick(['+meta', '', '+1']);
    case 4:
      return v.includes('-') ? v.replace(/-.*$/, '') : v + '-' + prerelease(random);
    case 5:
      return v + random.pick(['.0', '.1', '-0', '.alpha']);
    default:
      return random.pick(['v', '', '=']) + v.replace(/^[v=\s]+/i, '');
  }
}
