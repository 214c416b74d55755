import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { samples } from '../../../test/harness/secret-samples.js';
import { containerFindings, inspectContainer } from './container-findings.js';
import type { EngineContainerInspect, EngineImageInspect } from './engine-types.js';

/**
 * Inspect documents in the shape dockerd 20.10 (Engine API 1.41, ContainerInspectResponse) returns
 * for `docker run -d --network none IMAGE /bin/busybox sleep 300`: trimmed to the fields the
 * inventory reads, with the zero values the daemon reports for unset limits.
 */
function inspectDoc(patch: { Config?: object; HostConfig?: object; Mounts?: object[]; Args?: string[] } = {}): EngineContainerInspect {
  return {
    Id: 'c77d27460e0d82ac743f69adf6123b0fdd4e1c48c599a455bce9d66920ff8d98',
    Created: '2026-11-24T12:06:33.409144038Z',
    Path: '/bin/busybox',
    Args: patch.Args ?? ['sleep', '300'],
    State: { Status: 'running', Running: true, Pid: 1316, StartedAt: '2026-11-24T12:06:33.561583996Z', FinishedAt: '0001-01-01T00:00:00Z' },
    Image: 'sha256:9c03048edbe854b5502f42ed4d34ded16f14e62781cda53f6bd0db519a3d0a70',
    Name: '/web',
    Mounts: (patch.Mounts ?? []) as EngineContainerInspect['Mounts'],
    HostConfig: {
      Privileged: false,
      CapAdd: null,
      CapDrop: null,
      PidMode: '',
      IpcMode: 'private',
      NetworkMode: 'none',
      UTSMode: '',
      Memory: 0,
      NanoCpus: 0,
      CpuQuota: 0,
      CpuPeriod: 0,
      PidsLimit: null,
      GroupAdd: null,
      CpusetCpus: '',
      ReadonlyRootfs: false,
      ...patch.HostConfig,
    },
    Config: { User: '', Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/busybox', 'sleep', '300'], Entrypoint: null, Image: 'probe:1', ...patch.Config },
  };
}

function imageDoc(user: string): EngineImageInspect {
  return {
    Id: 'sha256:9c03048edbe854b5502f42ed4d34ded16f14e62781cda53f6bd0db519a3d0a70',
    RepoTags: ['probe:1'],
    RepoDigests: ['registry.example/probe@sha256:0f3e1e5e1e8a1e7b5f0d9c0b6b1f4f0ad6a3e1c2b3d4e5f60718293a4b5c6d7e'],
    Config: { User: user, Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: null, Entrypoint: null },
  };
}

const LIMITED = { Memory: 67108864, NanoCpus: 500000000, PidsLimit: 50 };
const ids = (findings: { id: string }[]): string[] => findings.map((f) => f.id).sort();

describe('containerFindings', () => {
  it('reports nothing for a limited container running as the image user', () => {
    assert.deepEqual(containerFindings(inspectDoc({ Config: { User: '1000' }, HostConfig: LIMITED }), imageDoc('1000')), []);
  });

  it('reports a non-root override of a root image as nothing, and root by default as BH-RT-008', () => {
    assert.deepEqual(containerFindings(inspectDoc({ Config: { User: '1000' }, HostConfig: LIMITED }), imageDoc('')), []);
    assert.deepEqual(ids(containerFindings(inspectDoc({ HostConfig: LIMITED }), imageDoc(''))), ['BH-RT-008']);
  });

  it('reports missing memory, CPU and pids limits (0 and null mean unlimited)', () => {
    const findings = containerFindings(inspectDoc({ Config: { User: '1000' } }), imageDoc('1000'));
    assert.deepEqual(ids(findings), ['BH-RT-009', 'BH-RT-010', 'BH-RT-011']);
    assert.ok(findings.every((f) => f.kind === 'runtime' && f.target.container === 'web' && f.target.image === 'probe:1'));
    assert.equal(findings[0]!.target.imageDigest, imageDoc('1000').RepoDigests![0]);
  });

  it('takes a CPU quota as a CPU limit, and a cpuset as none', () => {
    const quota = inspectContainer(inspectDoc({ Config: { User: '1000' }, HostConfig: { ...LIMITED, NanoCpus: 0, CpuQuota: 50000, CpuPeriod: 100000 } }), imageDoc('1000'));
    assert.equal(quota.container.limits.cpus, 0.5);
    assert.deepEqual(quota.findings, []);
    const cpuset = containerFindings(inspectDoc({ Config: { User: '1000' }, HostConfig: { ...LIMITED, NanoCpus: 0, CpusetCpus: '0' } }), imageDoc('1000'));
    assert.deepEqual(ids(cpuset), ['BH-RT-010']);
  });

  it('reports privileged, the Docker socket, host paths and host namespaces', () => {
    const findings = containerFindings(
      inspectDoc({
        Config: { User: '1000' },
        HostConfig: { ...LIMITED, Privileged: true, PidMode: 'host', NetworkMode: 'host', IpcMode: 'host', UTSMode: 'host' },
        Mounts: [
          { Type: 'bind', Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock', Mode: '', RW: true, Propagation: 'rprivate' },
          { Type: 'bind', Source: '/etc', Destination: '/host-etc', Mode: 'ro', RW: false, Propagation: 'rprivate' },
          { Type: 'bind', Source: '/srv/app-data', Destination: '/data', Mode: '', RW: true, Propagation: 'rprivate' },
          { Type: 'volume', Name: 'cache', Source: '/var/lib/docker/volumes/cache/_data', Destination: '/cache', Mode: 'z', RW: true },
        ],
      }),
      imageDoc('1000'),
    );
    assert.deepEqual(ids(findings), ['BH-RT-001', 'BH-RT-002', 'BH-RT-003', 'BH-RT-003', 'BH-RT-003', 'BH-RT-003', 'BH-RT-005']);
    assert.deepEqual(findings.filter((f) => f.id === 'BH-RT-003').map((f) => f.evidence?.['namespace']).sort(), ['ipc', 'network', 'pid', 'uts']);
    const etc = findings.find((f) => f.id === 'BH-RT-005')!;
    assert.equal(etc.evidence?.['source'], '/etc');
    assert.equal(etc.severity, 'medium', 'a read-only mount of a sensitive folder is less severe than a writable one');
  });

  it('reports dangerous added capabilities in either spelling, not harmless ones', () => {
    const findings = containerFindings(
      inspectDoc({ Config: { User: '1000' }, HostConfig: { ...LIMITED, CapAdd: ['CAP_SYS_PTRACE', 'NET_ADMIN', 'CAP_CHOWN', 'sys_admin'], CapDrop: ['ALL'] } }),
      imageDoc('1000'),
    );
    assert.deepEqual(findings.map((f) => f.evidence?.['capability']).sort(), ['NET_ADMIN', 'SYS_ADMIN', 'SYS_PTRACE']);
    assert.equal(findings.find((f) => f.evidence?.['capability'] === 'SYS_ADMIN')?.severity, 'critical');
  });

  it('reports root over a non-root image user, and another user or group than the image declares', () => {
    assert.deepEqual(ids(containerFindings(inspectDoc({ Config: { User: '0' }, HostConfig: LIMITED }), imageDoc('app'))), ['BH-RT-006']);
    assert.deepEqual(ids(containerFindings(inspectDoc({ Config: { User: 'root:root' }, HostConfig: LIMITED }), imageDoc('1000:1000'))), ['BH-RT-006']);
    const other = containerFindings(inspectDoc({ Config: { User: '1001:0' }, HostConfig: LIMITED }), imageDoc('1000'));
    assert.deepEqual(ids(other), ['BH-RT-007']);
    assert.equal(other[0]!.severity, 'medium', 'the root group');
    const groups = containerFindings(inspectDoc({ Config: { User: '1000' }, HostConfig: { ...LIMITED, GroupAdd: ['docker'] } }), imageDoc('1000'));
    assert.deepEqual(ids(groups), ['BH-RT-007']);
  });

  it('reports secrets in added environment variables and arguments by name, never by value', () => {
    const token = samples.github().value;
    const stripe = samples.stripe().value;
    const doc = inspectDoc({
      Config: { User: '1000', Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `DB_PASSWORD=${token}`, 'LOG_LEVEL=debug'] },
      HostConfig: LIMITED,
      Args: ['sleep', '300', `--api-key=${stripe}`],
    });
    const result = inspectContainer(doc, imageDoc('1000'));
    const env = result.findings.filter((f) => f.id === 'BH-RT-012');
    assert.equal(env.length, 1);
    assert.equal(env[0]!.evidence?.['variable'], 'DB_PASSWORD');
    assert.match(env[0]!.evidence?.['match'] ?? '', /\*\*\*\*\*$/u);
    assert.match(env[0]!.remediation ?? '', /secret mount/u);
    const args = result.findings.filter((f) => f.id === 'BH-RT-013');
    assert.equal(args.length, 1);
    assert.equal(args[0]!.evidence?.['argument'], '3');
    assert.deepEqual(result.container.envNames, ['DB_PASSWORD', 'LOG_LEVEL']);
    const serialized = JSON.stringify(result);
    assert.ok(!serialized.includes(token) && !serialized.includes(stripe), 'no secret value in the result');
  });

  it('does not report a secret the image itself sets (an image finding, not a runtime one)', () => {
    const token = samples.github().value;
    const image = imageDoc('1000');
    image.Config!.Env = [...image.Config!.Env!, `GITHUB_TOKEN=${token}`];
    const findings = containerFindings(inspectDoc({ Config: { User: '1000', Env: image.Config!.Env }, HostConfig: LIMITED }), image);
    assert.deepEqual(findings, []);
  });

  it('records start time and age, and no age for a container never started', () => {
    const now = Date.parse('2026-11-24T13:06:33.561Z');
    assert.equal(inspectContainer(inspectDoc(), undefined, { now }).container.ageSeconds, 3600);
    const created = inspectDoc();
    created.State = { Status: 'created', Running: false, StartedAt: '0001-01-01T00:00:00Z' };
    const fact = inspectContainer(created, undefined, { now }).container;
    assert.equal(fact.startedAt, undefined);
    assert.equal(fact.ageSeconds, undefined);
    assert.equal(fact.imageDigest, created.Image, 'without the image document the image ID stands for the digest');
  });
});
