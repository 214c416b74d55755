import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { checkManifests, PSS_ID_PREFIX, pssControls as pssControlList } from './check-manifests.js';
import { parseManifests } from './manifest-source.js';
import type { PssLevel } from './pss-types.js';

/**
 * Conformance with the Kubernetes pod-security-admission fixtures (test/data/pss/SOURCES.md): every
 * `fail` fixture gets a PSS finding of the control its name gives, no `pass` fixture gets any PSS
 * finding. The same pods wrapped in every workload kind must give the same controls.
 */
const ROOT = new URL('../../../test/data/pss/', import.meta.url).pathname;
const VERSION = 'v1.37';

function fixtures(level: PssLevel, outcome: 'pass' | 'fail'): { name: string; path: string; text: string }[] {
  const dir = `${ROOT}${level}/${VERSION}/${outcome}/`;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((name) => ({ name, path: `${dir}${name}`, text: readFileSync(`${dir}${name}`, 'utf8') }));
}

function pssControls(path: string, text: string, level: PssLevel): string[] {
  const { manifests, warnings } = parseManifests(path, text);
  assert.deepEqual(warnings, []);
  return checkManifests(manifests, { pss: level }).filter((f) => f.id.startsWith(PSS_ID_PREFIX)).map((f) => f.evidence!.control!);
}

/** `capabilities_baseline2.yaml` → `capabilities_baseline` (the fixture generator names files after the check). */
const controlOfFixture = (name: string) => name.replace(/\d*\.yaml$/, '');

for (const level of ['baseline', 'restricted'] as const) {
  test(`${level} ${VERSION}: every fail fixture is flagged by its own control`, () => {
    const all = fixtures(level, 'fail');
    assert.ok(all.length > 30, 'fixtures present');
    for (const f of all) {
      const controls = pssControls(f.path, f.text, level);
      const want = controlOfFixture(f.name);
      assert.ok(controls.some((c) => c.toLowerCase() === want), `${level}/${f.name}: expected control ${want}, got [${controls.join(', ')}]`);
    }
  });

  test(`${level} ${VERSION}: no PSS finding on any pass fixture`, () => {
    const all = fixtures(level, 'pass');
    for (const f of all) assert.deepEqual(pssControls(f.path, f.text, level), [], `${level}/${f.name}`);
  });

  test(`${level} ${VERSION}: the fixture pods give the same controls in every workload kind`, () => {
    for (const f of [...fixtures(level, 'fail'), ...fixtures(level, 'pass')]) {
      const pod = parseManifests(f.path, f.text).manifests[0]!.object as { metadata: unknown; spec: unknown };
      const direct = pssControls(f.path, f.text, level).sort();
      const template = { metadata: pod.metadata, spec: pod.spec };
      const wrapped = [
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template } },
        { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { template } },
        { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { template } },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { template } },
        { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { template } },
        { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template } },
        { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } },
        { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'pt' }, template },
      ];
      for (const w of wrapped) {
        const text = stringify(w);
        assert.deepEqual(pssControls(`${w.kind}.yaml`, text, level).sort(), direct, `${f.name} as ${w.kind}`);
      }
      // the same objects as one JSON List document
      const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: wrapped });
      assert.equal(pssControls('list.json', list, level).length, direct.length * wrapped.length, `${f.name} in a List`);
    }
  });
}

test('finding positions point at the offending field', () => {
  for (const level of ['baseline', 'restricted'] as const) {
    for (const f of fixtures(level, 'fail')) {
      const { manifests } = parseManifests(f.path, f.text);
      const lines = f.text.split('\n');
      for (const finding of checkManifests(manifests, { pss: level }).filter((x) => x.id.startsWith(PSS_ID_PREFIX))) {
        const field = finding.evidence!.field!;
        const line = lines[Number(finding.evidence!.line) - 1]!;
        // the reported line writes the field's last written key (or, for a missing field, its parent)
        const written = field.split(/[.[\]]/).filter((s) => s && !/^\d+$/.test(s));
        assert.ok(written.some((key) => line.includes(key)) || /^\s*-/.test(line), `${f.name}: ${field} at line ${finding.evidence!.line}: ${line}`);
        assert.equal(finding.target.path, f.path);
      }
    }
  }
});

test('the fail fixtures exercise every control of each level, and name no control we lack', () => {
  for (const level of ['baseline', 'restricted'] as const) {
    const named = new Set(fixtures(level, 'fail').map((f) => controlOfFixture(f.name)));
    const ours = new Set(pssControlList(level).map((c) => c.id.toLowerCase()));
    assert.deepEqual([...named].sort(), [...ours].sort(), level);
  }
});
