import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { compareVersions, supportedEcosystems } from '../../index.js';
import { BulkheadError } from '../../errors.js';

test('compareVersions is exported from the package entry and dispatches on OSV ecosystem names', () => {
  // dpkg decides for the Debian family: `~` sorts before the release
  const dpkg = spawnSync('dpkg', ['--compare-versions', '1.0~rc1', 'lt', '1.0']);
  assert.equal(dpkg.status, 0, 'dpkg must be installed (Debian package dpkg)');
  assert.equal(compareVersions('Debian', '1.0~rc1', '1.0'), -1);
  assert.equal(compareVersions('Debian:12', '1:0.9', '2.0'), 1);
  assert.equal(compareVersions('Ubuntu:22.04:LTS', '1.0-1ubuntu1', '1.0-1'), 1);
  assert.equal(compareVersions('npm', '1.0.0-rc.1', '1.0.0'), -1);
  assert.equal(compareVersions('PyPI', '1.0.post1', '1.0'), 1);
  assert.equal(compareVersions('PyPI', '1.0', '1.0.0'), 0);
  assert.equal(compareVersions('Maven', '1.0-SNAPSHOT', '1.0'), -1);
  assert.equal(compareVersions('Go', 'v0.0.0-20191109021931-daa7c04131f5', 'v0.0.1'), -1);
  assert.equal(compareVersions('RubyGems', '1.0.a', '1.0'), -1);
  assert.equal(compareVersions('Red Hat', '1.2-3.el9', '1.2-10.el9'), -1);
  assert.equal(compareVersions('Alpine:v3.19', '1.2.3_rc1-r0', '1.2.3-r0'), -1);
  assert.ok(supportedEcosystems().includes('Packagist'));
  assert.throws(() => compareVersions('Nope', '1', '2'), (e: unknown) => e instanceof BulkheadError && e.code === 'INPUT_INVALID');
});
