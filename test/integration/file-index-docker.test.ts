/**
 * The image's final file system as Bulkhead assembles it (whiteouts, opaque directories, links)
 * against the reference: the file system the Docker Engine gives a container of the same image,
 * read back with `docker export`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeImage } from '../../src/index.js';
import { ensureDocker, type DockerHandle } from '../harness/docker.js';
import { run } from '../harness/exec.js';
import { debianFixture, ensureFixtureInDaemon } from '../harness/fixtures.js';

// Files the engine adds to every container (its init layer and mount points), not part of the image.
// `/dev` is a mount in every container, so device nodes an image carries there are not exported.
const INIT_FILES = new Set(['.dockerenv', 'etc/hostname', 'etc/hosts', 'etc/resolv.conf', 'etc/mtab', 'proc', 'sys', 'dev']);
const CONTAINER_INIT = { has: (p: string) => INIT_FILES.has(p) || p.startsWith('dev/') };

let docker: DockerHandle;
before(async () => {
  docker = await ensureDocker();
});
after(async () => {
  await docker?.stop();
});

async function exportedPaths(image: string): Promise<Map<string, string>> {
  const id = (await run('docker', ['create', '--network', 'none', image, 'true'])).stdout.trim();
  try {
    // `tar -tv` gives the type in the first column: d, l (symlink), h (hardlink), - (file)
    const listing = await run('bash', ['-c', `docker export ${id} | tar -tvf -`]);
    const out = new Map<string, string>();
    for (const line of listing.stdout.split('\n')) {
      if (!line) continue;
      const m = /^(\S)\S+\s+\S+\s+\d+\s+\S+\s+\S+\s+(.*)$/.exec(line);
      if (!m) continue;
      let path = m[2]!.replace(/ -> .*$/, '').replace(/ link to .*$/, '').replace(/\/$/, '');
      if (path === '' || path === '.') continue;
      path = path.replace(/^\.\//, '');
      if (CONTAINER_INIT.has(path)) continue;
      out.set(path, m[1] === 'd' ? 'dir' : m[1] === 'l' ? 'symlink' : 'file');
    }
    return out;
  } finally {
    await run('docker', ['rm', '-f', id]);
  }
}

test('the assembled file system equals what a container of the image sees', async () => {
  const fixture = await debianFixture();
  const image = await ensureFixtureInDaemon(fixture);
  const analysis = await analyzeImage(`docker-archive:${fixture.archivePath}`, { cacheDir: false });
  assert.ok(analysis.files, 'analysis carries its file index');
  const ours = new Map<string, string>();
  for (const f of analysis.files.all()) ours.set(f.path, f.type === 'hardlink' ? 'file' : f.type);
  const reference = await exportedPaths(image);

  const missing = [...reference.keys()].filter((p) => !ours.has(p));
  const extra = [...ours.keys()].filter((p) => !reference.has(p) && !CONTAINER_INIT.has(p));
  assert.deepEqual(missing.slice(0, 20), [], `${missing.length} paths the container has are missing`);
  assert.deepEqual(extra.slice(0, 20), [], `${extra.length} paths the container does not have are listed`);
  const wrongType = [...reference].filter(([p, t]) => ours.get(p) !== t && !(t === 'file' && ours.get(p) === 'other'));
  assert.deepEqual(wrongType.slice(0, 20), [], 'entry types agree');
  // files deleted by later layers are still known (they ship in the image)
  assert.ok(analysis.files.hidden.length > 0, 'the fixture deletes files in a later layer');
  for (const h of analysis.files.hidden) assert.ok(!reference.has(h.path) || ours.has(h.path), `${h.path} hidden but visible`);
});
