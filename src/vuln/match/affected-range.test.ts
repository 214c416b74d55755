import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { evaluateAffected } from './affected-range.js';
import { versionScheme } from '../versions/index.js';
import type { OsvRecord } from '../db/types.js';

/**
 * Differential test of OSV range evaluation: every SEMVER/ECOSYSTEM range of the real OSV records in
 * shared/data (npm, Go, crates.io: all semver-ordered) is turned into an npm semver range expression
 * and `semver.satisfies` decides, for versions around every event, whether it is affected.
 */
const DATA = [new URL('../../../../shared/data/osv/', import.meta.url).pathname, new URL('../../../test/data/osv/', import.meta.url).pathname];

function records(ecosystem: string): OsvRecord[] {
  return DATA.flatMap((root) => {
    const dir = join(root, ecosystem);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as OsvRecord);
  });
}

/** `>=I <F || >=I2 <=L` from ordered events, as semver ranges spell it. */
function semverRange(events: Record<string, string>[]): string | undefined {
  const parts: string[] = [];
  let open: string | undefined;
  for (const e of events) {
    if (e['introduced'] !== undefined) open = e['introduced'] === '0' ? '0.0.0-0' : e['introduced'];
    else if (e['fixed'] !== undefined && open !== undefined) {
      parts.push(`>=${open} <${e['fixed']}`);
      open = undefined;
    } else if (e['last_affected'] !== undefined && open !== undefined) {
      parts.push(`>=${open} <=${e['last_affected']}`);
      open = undefined;
    } else return undefined;
  }
  if (open !== undefined) parts.push(`>=${open}`);
  return parts.join(' || ');
}

function probes(events: Record<string, string>[]): string[] {
  const out = new Set<string>(['0.0.1', '999.0.0']);
  for (const e of events) {
    for (const v of Object.values(e)) {
      const p = semver.parse(v);
      if (!p) continue;
      out.add(p.version);
      out.add(semver.inc(p.version, 'patch')!);
      if (p.patch > 0) out.add(`${p.major}.${p.minor}.${p.patch - 1}`);
      if (p.minor > 0) out.add(`${p.major}.${p.minor - 1}.99`);
    }
  }
  return [...out];
}

for (const ecosystem of ['npm', 'Go', 'crates.io']) {
  test(`OSV ranges of real ${ecosystem} records agree with npm semver ranges`, () => {
    let checked = 0;
    for (const record of records(ecosystem)) {
      for (const affected of record.affected ?? []) {
        for (const range of affected.ranges ?? []) {
          if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') continue;
          const events = range.events as Record<string, string>[];
          // the reference expression needs events in order and plain semver versions
          if (events.some((e) => Object.values(e).some((v) => v !== '0' && !semver.valid(v)))) continue;
          const expr = semverRange(events);
          if (!expr) continue;
          for (const v of probes(events)) {
            const expected = semver.satisfies(v, expr, { includePrerelease: true });
            const scheme = versionScheme(ecosystem === 'Go' ? 'Go' : 'npm');
            const verdict = evaluateAffected(v, { ranges: [range] }, () => scheme);
            assert.equal(verdict !== undefined, expected, `${record.id} ${expr}: ${v}`);
            checked++;
          }
        }
      }
    }
    assert.ok(checked > 50, `only ${checked} probes`);
  });
}

test('fixed version is the lowest fix above the installed version; versions lists match exactly', () => {
  const npm = versionScheme('npm')!;
  const affected = {
    ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2.0' }, { introduced: '2.0.0' }, { fixed: '2.0.5' }] }],
    versions: ['3.0.0'],
  };
  const of = (v: string) => evaluateAffected(v, affected, () => npm);
  assert.equal(of('1.1.9')?.fixedVersion, '1.2.0');
  assert.equal(of('1.2.0'), undefined);
  assert.equal(of('2.0.4')?.fixedVersion, '2.0.5');
  assert.equal(of('2.0.5'), undefined);
  assert.equal(of('3.0.0')?.matchedBy, 'versions');
  assert.deepEqual(of('1.0.0')?.fixedVersions, ['1.2.0', '2.0.5']);
  // introduced and fixed at one version is the empty range, whatever order the events come in
  const empty = { ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: '1.0.0' }, { introduced: '1.0.0' }] }] };
  assert.equal(evaluateAffected('1.0.0', empty, () => npm), undefined);
  // last_affected includes its version; limit caps the range
  const last = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { last_affected: '1.4.0' }] }] };
  assert.ok(evaluateAffected('1.4.0', last, () => npm));
  assert.equal(evaluateAffected('1.4.1', last, () => npm), undefined);
  const limited = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { limit: '2.0.0' }] }] };
  assert.ok(evaluateAffected('1.9.9', limited, () => npm));
  assert.equal(evaluateAffected('2.0.0', limited, () => npm), undefined);
  // GIT ranges are not evaluated against package versions
  assert.equal(evaluateAffected('1.0.0', { ranges: [{ type: 'GIT', events: [{ introduced: '0' }] }] }, () => undefined), undefined);
});
