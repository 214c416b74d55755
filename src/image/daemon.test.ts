import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { openDaemonImage } from './daemon.js';
import { openDockerArchive } from './archive.js';
import { buildLayout, fileContent, paths, rejectsWith, run, scratch, tarList, type Layout } from './archive-fixture.test.js';

// A real Docker Engine is part of the test environment; without it these tests fail, never skip.
const SOCKET = '/var/run/docker.sock';
const suffix = `${process.pid}-${Date.now()}`;
const tagA = `bulkhead-test/hello:a-${suffix}`;
const tagB = `bulkhead-test/hello:b-${suffix}`;
let work: { dir: string; cleanup: () => void };
let layout: Layout;

const docker = (...args: string[]) => run('docker', args).trim();

before(() => {
  assert.ok(existsSync(SOCKET), `the Docker daemon socket ${SOCKET} is missing: start dockerd (the daemon tests need a real engine)`);
  work = scratch();
  layout = buildLayout(work.dir);
  docker('import', '--change', 'CMD ["/bin/true"]', layout.layerTar, tagA);
  docker('import', '--message', 'second', layout.layerTar, tagB);
});

after(() => {
  try {
    docker('rmi', '-f', tagA, tagB);
  } finally {
    work?.cleanup();
  }
});

test('docker-daemon: the image the engine holds, entries equal tar -tf, digests as docker inspect says', async () => {
  const spool = join(work.dir, 'spool');
  mkdirSync(spool);
  const source = await openDaemonImage(tagA, { tmpDir: spool });
  try {
    assert.equal(source.transport, 'docker-daemon');
    assert.equal(source.name, tagA);
    assert.equal(source.configDigest, docker('image', 'inspect', '--format', '{{.Id}}', tagA));
    const diffIds = JSON.parse(docker('image', 'inspect', '--format', '{{json .RootFS.Layers}}', tagA)) as string[];
    assert.deepEqual(source.layers.map((l) => l.diffId), diffIds);
    assert.equal(source.manifestDigest, undefined, 'an imported image has no RepoDigests');
    assert.deepEqual(source.config.config?.Cmd, ['/bin/true']);
    assert.deepEqual(await paths(source), tarList(layout.layerTar));
    assert.equal((await fileContent(source, 'etc/hello.txt'))?.toString(), 'hello from a Bulkhead test layer\n');
    assert.equal(readdirSync(spool).length, 1, 'the export is spooled in one private directory');
  } finally {
    await source.close();
  }
  assert.equal(readdirSync(spool).length, 0, 'close() removes the spool');
});

test('docker-daemon: unknown images and unreachable daemons have their own codes', async () => {
  await assert.rejects(openDaemonImage(`bulkhead-test/absent:${suffix}`, {}), rejectsWith('INPUT_NOT_FOUND', /image not found in the daemon/));
  const missing = join(work.dir, 'no-such.sock');
  await assert.rejects(openDaemonImage(tagA, { dockerHost: `unix://${missing}` }), rejectsWith('DAEMON_UNAVAILABLE', new RegExp(missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))));
  await assert.rejects(openDaemonImage(tagA, { dockerHost: 'tcp://127.0.0.1:1' }), rejectsWith('DAEMON_UNAVAILABLE', /127\.0\.0\.1:1.*refused/));
  await assert.rejects(openDaemonImage(tagA, { dockerHost: 'ssh://example' }), rejectsWith('USAGE'));
});

test('docker-daemon over tcp://127.0.0.1 (a loopback relay to the engine socket)', async () => {
  const relay = net.createServer((client) => {
    const engine = net.connect(SOCKET);
    client.pipe(engine).pipe(client);
    client.on('error', () => engine.destroy());
    engine.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const port = (relay.address() as net.AddressInfo).port;
  try {
    const source = await openDaemonImage(tagB, { dockerHost: `tcp://127.0.0.1:${port}` });
    assert.equal(source.configDigest, docker('image', 'inspect', '--format', '{{.Id}}', tagB));
    await source.close();
  } finally {
    relay.close();
  }
});

test('docker save archives from the engine: legacy layout, several images, selectors', async () => {
  const archive = join(work.dir, 'saved.tar');
  docker('save', '-o', archive, tagA, tagB);
  await assert.rejects(openDockerArchive(archive, undefined, {}), rejectsWith('USAGE', new RegExp(`${tagA}.*${tagB}|${tagB}.*${tagA}`)));
  for (const tag of [tagA, tagB]) {
    const source = await openDockerArchive(archive, tag, {});
    assert.equal(source.name, tag);
    assert.equal(source.configDigest, docker('image', 'inspect', '--format', '{{.Id}}', tag));
    assert.deepEqual(await paths(source), tarList(layout.layerTar));
    await source.close();
  }
});
