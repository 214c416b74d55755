/**
 * Tricky Maven versions for the differential test against Maven's own ComparableVersion:
 * qualifiers and their aliases, `.`/`-`/transition separators, empty items, leading and trailing
 * zeros, case, numbers at the Int/Long/BigInteger width boundaries.
 */
import { number, shuffleCase, type Random } from './random.js';

const QUALIFIERS = [
  'alpha', 'beta', 'milestone', 'rc', 'cr', 'snapshot', 'ga', 'final', 'release', 'sp', 'a', 'b', 'm',
  'SNAPSHOT', 'Final', 'RELEASE', 'GA', 'RC', 'CR', 'M', 'jre', 'android', 'redhat', 'dev', 'pre', 'x',
  'preview', 'incubating', 'v', 'z', 'aa', 'spx', '', 'ü', 'İ', 'Ω',
];
const SEPARATORS = ['.', '.', '.', '-', '-', ''];

function token(random: Random): string {
  if (random.chance(0.55)) {
    if (random.chance(0.03)) return random.pick(['000000000000', '0000000000', '1000000000', '999999999', '٣', '١٠']);
    return number(random);
  }
  return random.pick(QUALIFIERS);
}

export function mavenVersion(random: Random): string {
  let v = number(random);
  const parts = random.int(6);
  for (let i = 0; i < parts; i++) v += random.pick(SEPARATORS) + token(random);
  if (random.chance(0.03)) v = random.pick(['.', '-', '']) + v;
  if (random.chance(0.03)) v += random.pick(['.', '-']);
  return v;
}

const ALIAS_SWAPS: Array<[RegExp, string[]]> = [
  [/final|ga|release/i, ['final', 'ga', 'release', 'GA', '']],
  [/\b(rc|cr)/i, ['rc', 'cr', 'RC']],
  [/alpha/i, ['a', 'alpha']],
  [/beta/i, ['b', 'beta']],
  [/milestone/i, ['m', 'milestone']],
];

export function mutateMaven(random: Random, v: string): string {
  switch (random.int(10)) {
    case 0:
      return v + random.pick(['.0', '-0', '.0.0', '-0.0', '.', '-', '-ga', '.final', '-release', '.00']);
    case 1: {
      const cut = Math.max(v.lastIndexOf('.'), v.lastIndexOf('-'));
      return cut > 0 ? v.slice(0, cut) : v;
    }
    case 2:
      return v.replace(/[.-]/g, (s) => (random.chance(0.3) ? (s === '.' ? '-' : '.') : s));
    case 3:
      return shuffleCase(random, v);
    case 4:
      return v.replace(/\d+/g, (d) => (random.chance(0.3) ? '0' + d : d));
    case 5:
      return v.replace(/\d+/, (d) => String(Math.max(0, Number(d) + random.pick([-1, 1]))));
    case 6: {
      const [pattern, choices] = random.pick(ALIAS_SWAPS);
      return v.replace(pattern, () => random.pick(choices));
    }
    case 7:
      return v + random.pick(['-sp', '-SNAPSHOT', '-1', '.1', '-alpha', '-rc1', 'a1', '-b2', 'sp1', '-m1', '-jre', '-foo']);
    case 8:
      // rc1, rc-1, rc.1: the separator between a word and its number
      return v.replace(/([a-z])([.-]?)(\d)/i, (_, l: string, _s: string, d: string) => l + random.pick(['', '.', '-']) + d);
    default:
      return v.replace(/[.-]0+(?=[.-]|$)/, '');
  }
}
