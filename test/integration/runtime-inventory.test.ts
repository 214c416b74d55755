/**
 * The runtime inventory against a real dockerd: three containers from a tiny image (Debian's static
 * busybox imported as a one-file image), one started with everything the checks look for, one that
 * overrides the image's non-root user with root and adds capabilities, one clean. The inventory's
 * facts are compared with what the Docker CLI's own `docker inspect` reports; the findings with the
 * flags each container was started with.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { daemonEndpoint } from '../../src/image/daemon-api.js';
import { inspectInventory, type ContainerInventory } from '../../src/runtime/index.js';
import { ensureDocker, DOCKER_SOCKET, type DockerHandle } from '../harness/docker.js';
import { requireCommand, run } from '../harness/exec.js';
import { samples } from '../harness/secret-samples.js';

const BUSYBOX = '/bin/busybox';
const suffix = randomBytes(4).toString('hex');
const IMAGE_NONROOT = `bulkhead-test/runtime-inventory-nonroot:${suffix}`;
const IMAGE_ROOT = `bulkhead-test/runtime-inventory-root:${suffix}`;
const RISKY = `bh-inv-risky-${suffix}`;
const ROOTED = `bh-inv-rooted-${suffix}`;
const CLEAN = `bh-inv-clean-${suffix}`;
const envSecret = samples.github();
const argSecret = samples.stripe();

let docker: DockerHandle;
let work: string;
let inventory: ContainerInventory;

before(async () => {
  requireCommand('tar', 'tar', 'packs the busybox image');
  if (!existsSync(BUSYBOX)) {
    throw new Error(`test harness: ${BUSYBOX} is required (a static busybox for the test image) but is missing; install the Debian package 'busybox-static' (apt-get install -y busybox-static)`);
  }
  docker = await ensureDocker();
  work = mkdtempSync(join(tmpdir(), 'bulkhead-runtime-inventory-'));
  mkdirSync(join(work, 'root', 'bin'), { recursive: true });
  copyFileSync(BUSYBOX, join(work, 'root', 'bin', 'busybox'));
  await run('tar', ['-C', join(work, 'root'), '-cf', join(work, 'image.tar'), 'bin']);
  // `docker import` makes a one-layer image from a tar; `-c USER` sets the image's own user
  await run('docker', ['import', '-c', 'USER 65534', join(work, 'image.tar'), IMAGE_NONROOT]);
  await run('docker', ['import', join(work, 'image.tar'), IMAGE_ROOT]);
  const common = ['run', '-d', '--network', 'none', '--label', 'bulkhead.test=runtime-inventory'];
  // --privileged keeps the image's non-root user: a privileged root process cannot start where the
  // tests themselves run in a container with a reduced capability bounding set
  await run('docker', [
    ...common, '--name', RISKY, '--privileged', '--pid', 'host', '-v', `${DOCKER_SOCKET}:/var/run/docker.sock`, '-v', '/etc:/host-etc:ro',
    '-e', `DB_PASSWORD=${envSecret.value}`, '-e', 'LOG_LEVEL=debug',
    IMAGE_NONROOT, '/bin/busybox', 'sh', '-c', 'exec /bin/busybox sleep 300', 'probe', `--api-key=${argSecret.value}`,
  ]);
  await run('docker', [...common, '--name', ROOTED, '--user', '0', '--cap-add', 'SYS_PTRACE', '--cap-add', 'NET_ADMIN', '--memory', '64m', '--cpus', '0.5', '--pids-limit', '50', IMAGE_NONROOT, '/bin/busybox', 'sleep', '300']);
  await run('docker', [...common, '--name', CLEAN, '--user', '1000', '--memory', '64m', '--cpus', '0.5', '--pids-limit', '50', IMAGE_ROOT, '/bin/busybox', 'sleep', '300']);
  inventory = await inspectInventory(daemonEndpoint(`unix://${docker.socket}`));
});

after(async () => {
  await run('docker', ['rm', '-f', RISKY, ROOTED, CLEAN]).catch(() => undefined);
  await run('docker', ['rmi', '-f', IMAGE_NONROOT, IMAGE_ROOT]).catch(() => undefined);
  if (work) rmSync(work, { recursive: true, force: true });
  await docker?.stop();
});

function findingsOf(name: string): Array<{ id: string; evidence: Record<string, string> }> {
  return inventory.findings.filter((f) => f.target.container === name).map((f) => ({ id: f.id, evidence: f.evidence ?? {} }));
}

test('lists the running containers with what the Docker CLI reports about them', async () => {
  const ours = [RISKY, ROOTED, CLEAN];
  const facts = ours.map((name) => inventory.containers.find((c) => c.name === name));
  assert.ok(facts.every(Boolean), `all three containers in the inventory: ${inventory.containers.map((c) => c.name).join(', ')}`);
  const format = '{{.Name}}|{{.Id}}|{{.Image}}|{{.Config.User}}|{{.HostConfig.Privileged}}|{{.HostConfig.PidMode}}|{{.HostConfig.Memory}}|{{.HostConfig.NanoCpus}}|{{json .HostConfig.PidsLimit}}|{{.State.StartedAt}}';
  const lines = (await run('docker', ['inspect', '--format', format, ...ours])).stdout.trim().split('\n');
  for (const [i, line] of lines.entries()) {
    const [name, id, imageId, user, privileged, pidMode, memory, nanoCpus, pids, startedAt] = line.split('|');
    const fact = facts[i]!;
    assert.equal(`/${fact.name}`, name);
    assert.equal(fact.id, id);
    assert.equal(fact.imageId, imageId);
    assert.equal(fact.imageDigest, imageId, 'an imported image has no repository digest: the image ID stands for it');
    assert.equal(fact.user, user);
    assert.equal(String(fact.privileged), privileged);
    assert.equal(fact.hostNamespaces.includes('pid'), pidMode === 'host');
    assert.equal(fact.limits.memoryBytes ?? 0, Number(memory));
    assert.equal((fact.limits.cpus ?? 0) * 1e9, Number(nanoCpus));
    assert.equal(fact.limits.pidsLimit ?? 0, pids === 'null' ? 0 : Number(pids));
    assert.equal(fact.startedAt, startedAt);
    assert.ok(fact.ageSeconds !== undefined && fact.ageSeconds >= 0 && fact.ageSeconds < 600);
  }
  assert.equal(facts[0]!.image, IMAGE_NONROOT);
  assert.equal(facts[0]!.imageUser, '65534');
  assert.deepEqual([...facts[0]!.envNames].sort(), ['DB_PASSWORD', 'LOG_LEVEL']);
  const socket = facts[0]!.mounts.find((m) => m.destination === '/var/run/docker.sock');
  assert.ok(socket?.hostPath && socket.engineSocket);
});

test('reports every risk the risky container was started with', () => {
  const findings = findingsOf(RISKY);
  assert.deepEqual(
    findings.map((f) => f.id).sort(),
    ['BH-RT-001', 'BH-RT-002', 'BH-RT-003', 'BH-RT-005', 'BH-RT-009', 'BH-RT-010', 'BH-RT-011', 'BH-RT-012', 'BH-RT-013'],
  );
  assert.equal(findings.find((f) => f.id === 'BH-RT-003')?.evidence['namespace'], 'pid');
  assert.equal(findings.find((f) => f.id === 'BH-RT-005')?.evidence['source'], '/etc');
  const env = findings.find((f) => f.id === 'BH-RT-012')!;
  assert.equal(env.evidence['variable'], 'DB_PASSWORD');
  assert.match(env.evidence['match'] ?? '', /^.{0,4}\*\*\*\*\*$/u);
  // Path is /bin/busybox, then sh, -c, the script, probe, the key
  assert.equal(findings.find((f) => f.id === 'BH-RT-013')?.evidence['argument'], '5');
});

test('reports root over the image user and the added capabilities', () => {
  const findings = findingsOf(ROOTED);
  assert.deepEqual(findings.map((f) => f.id).sort(), ['BH-RT-004', 'BH-RT-004', 'BH-RT-006']);
  assert.deepEqual(findings.filter((f) => f.id === 'BH-RT-004').map((f) => f.evidence['capability']).sort(), ['NET_ADMIN', 'SYS_PTRACE']);
});

test('reports nothing for the clean container', () => {
  assert.deepEqual(findingsOf(CLEAN), []);
});

test('never carries a secret value', () => {
  const serialized = JSON.stringify(inventory);
  assert.ok(!serialized.includes(envSecret.value), 'the environment secret is not in the inventory');
  assert.ok(!serialized.includes(argSecret.value), 'the argument secret is not in the inventory');
});
