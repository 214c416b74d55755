/**
 * Tricky Composer versions for the differential test against composer/semver: `v` prefixes, one to
 * five numeric parts, stability words with every separator and case, numbered stabilities, `-dev`
 * suffixes, `@stability` flags, build metadata, aliases, date versions, branches and junk.
 */
import { number, shuffleCase, type Random } from './random.js';

const STABILITIES = ['stable', 'beta', 'b', 'RC', 'rc', 'alpha', 'a', 'patch', 'pl', 'p', 'Stable', 'BETA', 'Rc', 'A', 'P'];
const SEPS = ['', '-', '.', '_'];
const BRANCHES = [
  'dev-master', 'dev-main', 'master', 'trunk', 'default', 'dev-feature/foo', 'DEV-Foo', 'dev-1.x', 'dev-',
  '1.x-dev', '1.2.x-dev', 'v2.*-dev', '2.X-dev', '1.0.x-dev', 'foo-dev', 'dev-bugfix-dev', 'dev-a.b', 'dev-0', 'dev-fé', 'dev-1é',
];
const JUNK = ['', ' ', 'x', 'latest', '1.0.0.0.0', '1..0', '1.0-', 'v', '1.0 beta', '~1.0', '1.0.*', '*', '1,0', 'dev', '123456.1', '1.0-bé', '1é', 'é1.0'];

function numeric(random: Random): string {
  let v = (random.chance(0.2) ? random.pick(['v', 'V']) : '') + number(random).slice(0, 5);
  const parts = random.chance(0.05) ? 4 : random.int(4);
  for (let i = 0; i < parts; i++) v += '.' + number(random);
  return v;
}

function date(random: Random): string {
  const sep = random.pick(['', '.', '-', ':']);
  let v = String(2000 + random.int(30)) + sep + String(1 + random.int(12)).padStart(2, '0');
  if (random.chance(0.7)) v += sep + String(1 + random.int(28)).padStart(2, '0');
  if (random.chance(0.3)) v += random.pick(['', '.', '-']) + String(random.int(1000));
  return v;
}

export function composerVersion(random: Random): string {
  const roll = random.next();
  if (roll < 0.06) return random.pick(BRANCHES);
  if (roll < 0.09) return random.pick(JUNK);
  let v = roll < 0.15 ? date(random) : numeric(random);
  if (random.chance(0.45)) {
    v += random.pick(SEPS) + random.pick(STABILITIES);
    if (random.chance(0.6)) v += random.pick(['', '.', '-']) + number(random);
    if (random.chance(0.15)) v += random.pick(['.', '-']) + number(random);
  }
  if (random.chance(0.1)) v += random.pick(['-dev', '.dev', 'dev', '-DEV']);
  if (random.chance(0.04)) v += '+' + random.pick(['build.1', 'sha', '20230101']);
  if (random.chance(0.03)) v += random.pick(['@dev', '@stable', '@RC', '@beta']);
  if (random.chance(0.02)) v += ' as ' + numeric(random);
  if (random.chance(0.02)) v = ' ' + v + random.pick([' ', '\n', '\t']);
  return v;
}

export function mutateComposer(random: Random, v: string): string {
  switch (random.int(10)) {
    case 0:
      return v.replace(/^(v?[\d.]*\d)/i, (m) => m + random.pick(['.0', '.0.0', '.00']));
    case 1:
      return shuffleCase(random, v);
    case 2:
      return /^v/i.test(v) ? v.slice(1) : 'v' + v;
    case 3:
      return v.replace(/\d+/g, (d) => (random.chance(0.3) ? '0' + d : d));
    case 4:
      return v.replace(/\d+(?!.*\d)/, (d) => String(Math.max(0, Number(d) + random.pick([-1, 1]))));
    case 5:
      return v.replace(/[-._]?(stable|beta|b|rc|alpha|a|patch|pl|p)/i, () => random.pick(SEPS) + random.pick(STABILITIES));
    case 6:
      return v + random.pick(['-dev', '-stable', '-patch1', '-RC1', '-beta.2', 'a1', '-p1', '+meta', '@dev']);
    case 7:
      return v.replace(/[-._]?dev$/i, '');
    case 8:
      return v.replace(/[-._]/, () => random.pick(SEPS));
    default:
      return v.replace(/\.0(?=\D|$)/, '');
  }
}
