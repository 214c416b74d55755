/**
 * Tricky RubyGems versions for the differential test against Gem::Version: prerelease letters
 * glued to numbers, `-` prereleases, trailing zeros in both parts, case, leading zeros, blanks and
 * surrounding whitespace, and some strings Gem::Version refuses.
 */
import { number, shuffleCase, type Random } from './random.js';

const WORDS = ['a', 'b', 'rc', 'pre', 'beta', 'alpha', 'RC', 'Beta', 'A', 'z', 'dev', 'x', 'p', 'java', 'mingw'];

function segment(random: Random): string {
  const roll = random.next();
  if (roll < 0.6) return number(random);
  if (roll < 0.85) return random.pick(WORDS);
  return random.pick(WORDS) + number(random);
}

export function rubygemsVersion(random: Random): string {
  let v = number(random);
  const parts = random.int(5);
  for (let i = 0; i < parts; i++) v += '.' + segment(random);
  if (random.chance(0.25)) {
    v += '-' + segment(random);
    const more = random.int(3);
    for (let i = 0; i < more; i++) v += random.pick(['.', '-']) + segment(random);
  }
  if (random.chance(0.05)) v = random.pick([' ', '\t', '\n', '  ']) + v + random.pick(['', ' ', '\n']);
  if (random.chance(0.03)) v = random.pick(['', ' ', '\n', 'v1.0', '1..0', '1.0.', '.1', '1_0', '1.0+x', 'a1', '1.-1', '1.0-', '1 0', '1.é', '١.٢']);
  return v;
}

export function mutateRubygems(random: Random, v: string): string {
  switch (random.int(8)) {
    case 0:
      return v + random.pick(['.0', '.0.0', '.00', '-0', '.a', '.0.a', '-pre', 'a']);
    case 1:
      return v.replace(/[.-][^.-]*$/, '');
    case 2:
      return shuffleCase(random, v);
    case 3:
      return v.replace(/\d+/g, (d) => (random.chance(0.3) ? '0' + d : d));
    case 4:
      return v.replace(/\d+/, (d) => String(Math.max(0, Number(d) + random.pick([-1, 1]))));
    case 5:
      // "1.0.pre.1" and "1.0-1" are the same version; "1.0.a1" and "1.0.a.1" too
      return v.replace(/-/, '.pre.').replace(/([a-z])(\d)/i, (_, l: string, d: string) => l + random.pick(['', '.']) + d);
    case 6:
      return v.replace(/\.0(?=\.|$)/, '');
    default:
      return random.pick([' ', '']) + v + random.pick([' ', '', '\n']);
  }
}
