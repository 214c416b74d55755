/**
 * CIS Docker Benchmark v1.6.0, section 5: container runtime, judged over every running container's
 * inspect document (and its process list for 5.7).
 */
import { daemonOption } from '../daemon-options.js';
import { containerJudge, isTrue, manualJudge } from '../judges.js';
import type { BenchContainer, CheckDefinition } from '../types.js';

/** Docker's default capability set (moby oci/caps/defaults.go); adding one of these grants nothing new. */
const DEFAULT_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'NET_RAW', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
/** The host folders CIS 5.6 names. */
const SENSITIVE_DIRS = new Set(['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr']);

const opts = (c: BenchContainer): string[] => c.HostConfig?.SecurityOpt ?? [];
const hostMode = (mode: string | undefined, what: string): string | undefined => (mode === 'host' ? `shares the host's ${what} namespace` : undefined);
const bindings = (c: BenchContainer) => Object.entries(c.NetworkSettings?.Ports ?? {}).flatMap(([port, list]) => (list ?? []).map((b) => ({ port, ...b })));

function check(id: string, title: string, severity: CheckDefinition['severity'], reads: string, remediation: string, violation: (c: BenchContainer) => string | undefined, level: 1 | 2 = 1): CheckDefinition {
  return { id, title, level, automated: true, severity, reads: `container inspect: ${reads}`, remediation, judge: containerJudge(violation) };
}

export const SECTION_5: CheckDefinition[] = [
  {
    id: '5.1', title: 'Ensure swarm mode is not Enabled, if not needed', level: 1, automated: true, severity: 'low', reads: 'docker info: Swarm.LocalNodeState',
    remediation: 'leave swarm mode (docker swarm leave) where it is not used',
    judge: (f) => ({ verdict: f.info?.Swarm?.LocalNodeState === 'active' ? 'warn' : 'pass', evidence: `swarm ${f.info?.Swarm?.LocalNodeState ?? 'unknown'}` }),
  },
  check('5.2', 'Ensure that, if applicable, an AppArmor Profile is enabled', 'medium', 'AppArmorProfile', 'run with --security-opt apparmor=PROFILE (docker-default)', (c) => (!c.AppArmorProfile || c.AppArmorProfile === 'unconfined' ? `AppArmor profile ${c.AppArmorProfile || 'none'}` : undefined)),
  check('5.3', 'Ensure that, if applicable, SELinux security options are set', 'medium', 'HostConfig.SecurityOpt label=', 'run with --security-opt label=... on SELinux hosts', (c) => (opts(c).some((o) => o.startsWith('label')) ? undefined : 'no SELinux label option'), 2),
  check('5.4', 'Ensure that Linux kernel capabilities are restricted within containers', 'high', 'HostConfig.CapAdd', 'drop all capabilities and add back only those the process needs', (c) => {
    const extra = (c.HostConfig?.CapAdd ?? []).map((x) => x.toUpperCase().replace(/^CAP_/u, '')).filter((x) => !DEFAULT_CAPABILITIES.has(x));
    return extra.length ? `adds ${extra.join(', ')}` : undefined;
  }),
  check('5.5', 'Ensure that privileged containers are not used', 'critical', 'HostConfig.Privileged', 'run without --privileged', (c) => (c.HostConfig?.Privileged ? 'privileged' : undefined)),
  check('5.6', 'Ensure sensitive host system directories are not mounted on containers', 'high', 'Mounts (Source, RW)', 'do not mount host system folders; if one must be, mount it read-only', (c) => {
    const hits = (c.Mounts ?? []).filter((m) => m.Type === 'bind' && m.RW && SENSITIVE_DIRS.has(m.Source ?? ''));
    return hits.length ? `mounts ${hits.map((m) => `${m.Source} read-write`).join(', ')}` : undefined;
  }),
  check('5.7', 'Ensure sshd is not run within containers', 'medium', 'GET /containers/{id}/top', 'remove sshd; use docker exec for access', (c) => (c.processes?.some((p) => /(^|\/)sshd(\s|$|:)/u.test(p)) ? 'runs sshd' : undefined)),
  check('5.8', 'Ensure privileged ports are not mapped within containers', 'medium', 'NetworkSettings.Ports', 'map container ports to host ports above 1024', (c) => {
    const low = bindings(c).filter((b) => b.HostPort !== undefined && b.HostPort !== '' && Number(b.HostPort) < 1025);
    return low.length ? `maps host port ${low.map((b) => b.HostPort).join(', ')}` : undefined;
  }),
  { id: '5.9', title: 'Ensure that only needed ports are open on the container', level: 1, automated: false, severity: 'low', reads: 'NetworkSettings.Ports', remediation: 'publish only the ports the service needs', judge: manualJudge },
  check('5.10', "Ensure that the host's network namespace is not shared", 'high', 'HostConfig.NetworkMode', 'do not run with --network host', (c) => hostMode(c.HostConfig?.NetworkMode, 'network')),
  check('5.11', 'Ensure that the memory usage for containers is limited', 'medium', 'HostConfig.Memory', 'set --memory', (c) => (c.HostConfig?.Memory ? undefined : 'no memory limit')),
  check('5.12', 'Ensure that CPU priority is set appropriately on containers', 'low', 'HostConfig.CpuShares, NanoCpus', 'set --cpu-shares or --cpus', (c) => (c.HostConfig?.CpuShares || c.HostConfig?.NanoCpus ? undefined : 'no CPU shares or limit')),
  check('5.13', "Ensure that the container's root filesystem is mounted as read only", 'medium', 'HostConfig.ReadonlyRootfs', 'run with --read-only and volumes or tmpfs for what it writes', (c) => (c.HostConfig?.ReadonlyRootfs ? undefined : 'writable root filesystem')),
  check('5.14', 'Ensure that incoming container traffic is bound to a specific host interface', 'medium', 'NetworkSettings.Ports HostIp', 'publish ports on one address (-p 127.0.0.1:8080:80)', (c) => {
    const any = bindings(c).filter((b) => b.HostIp === '0.0.0.0' || b.HostIp === '::');
    return any.length ? `port ${any.map((b) => b.port).join(', ')} bound to all interfaces` : undefined;
  }),
  check('5.15', "Ensure that the 'on-failure' container restart policy is set to '5'", 'low', 'HostConfig.RestartPolicy', 'use --restart on-failure:5', (c) => ((c.HostConfig?.RestartPolicy?.MaximumRetryCount ?? 0) > 5 ? `restarts up to ${c.HostConfig?.RestartPolicy?.MaximumRetryCount} times` : undefined)),
  check('5.16', "Ensure that the host's process namespace is not shared", 'high', 'HostConfig.PidMode', 'do not run with --pid host', (c) => hostMode(c.HostConfig?.PidMode, 'PID')),
  check('5.17', "Ensure that the host's IPC namespace is not shared", 'high', 'HostConfig.IpcMode', 'do not run with --ipc host', (c) => hostMode(c.HostConfig?.IpcMode, 'IPC')),
  { id: '5.18', title: 'Ensure that host devices are not directly exposed to containers', level: 1, automated: false, severity: 'medium', reads: 'container inspect: HostConfig.Devices', remediation: 'pass only the devices the container needs', judge: containerJudge((c) => (c.HostConfig?.Devices?.length ? `${c.HostConfig.Devices.length} device(s)` : undefined), 'manual') },
  { id: '5.19', title: 'Ensure that the default ulimit is overwritten at runtime if needed', level: 1, automated: false, severity: 'low', reads: 'container inspect: HostConfig.Ulimits', remediation: 'set --ulimit where the default does not fit', judge: containerJudge((c) => (c.HostConfig?.Ulimits?.length ? undefined : 'default ulimits'), 'manual') },
  check('5.20', 'Ensure mount propagation mode is not set to shared', 'medium', 'Mounts Propagation', 'do not mount with shared propagation', (c) => ((c.Mounts ?? []).some((m) => m.Propagation === 'shared' || m.Propagation === 'rshared') ? 'a mount has shared propagation' : undefined)),
  check('5.21', "Ensure that the host's UTS namespace is not shared", 'medium', 'HostConfig.UTSMode', 'do not run with --uts host', (c) => hostMode(c.HostConfig?.UTSMode, 'UTS')),
  check('5.22', 'Ensure the default seccomp profile is not Disabled', 'high', 'HostConfig.SecurityOpt seccomp', 'do not run with --security-opt seccomp=unconfined', (c) => (opts(c).some((o) => /^seccomp[:=]unconfined$/u.test(o)) ? 'seccomp unconfined' : undefined)),
  { id: '5.23', title: 'Ensure that docker exec commands are not used with the privileged option', level: 2, automated: false, severity: 'medium', reads: 'audit log of exec', remediation: 'do not use docker exec --privileged', judge: manualJudge },
  { id: '5.24', title: 'Ensure that docker exec commands are not used with the user=root option', level: 2, automated: false, severity: 'low', reads: 'audit log of exec', remediation: 'do not use docker exec --user root', judge: manualJudge },
  check('5.25', 'Ensure that cgroup usage is confirmed', 'low', 'HostConfig.CgroupParent', 'leave --cgroup-parent at its default unless chosen deliberately', (c) => (c.HostConfig?.CgroupParent ? `cgroup parent ${c.HostConfig.CgroupParent}` : undefined)),
  {
    id: '5.26', title: 'Ensure that the container is restricted from acquiring additional privileges', level: 1, automated: true, severity: 'medium',
    reads: 'container inspect: HostConfig.SecurityOpt no-new-privileges (or the daemon default)', remediation: 'run with --security-opt no-new-privileges (or set it daemon-wide, 2.14)',
    judge: (f) => {
      // a daemon-wide default covers every container (dockerd --no-new-privileges)
      if (isTrue(daemonOption(f, ['--no-new-privileges'], 'no-new-privileges'))) return { verdict: 'pass', evidence: 'no-new-privileges is the daemon default' };
      return containerJudge((c) => (opts(c).some((o) => /^no-new-privileges(?:[:=]true)?$/u.test(o)) ? undefined : 'may gain privileges (no no-new-privileges)'))(f);
    },
  },
  check('5.27', 'Ensure that container health is checked at runtime', 'low', 'State.Health', 'give the image or container a health check (--health-cmd)', (c) => (c.State?.Health?.Status ? undefined : 'no health check')),
  { id: '5.28', title: 'Ensure that Docker commands always make use of the latest version of their image', level: 1, automated: false, severity: 'low', reads: 'deployment practice', remediation: 'pin images by digest and update them deliberately', judge: manualJudge },
  check('5.29', 'Ensure that the PIDs cgroup limit is used', 'medium', 'HostConfig.PidsLimit', 'set --pids-limit', (c) => ((c.HostConfig?.PidsLimit ?? 0) > 0 ? undefined : 'no pids limit')),
  { id: '5.30', title: "Ensure that Docker's default bridge 'docker0' is not used", level: 2, automated: false, severity: 'low', reads: 'container inspect: HostConfig.NetworkMode', remediation: 'attach containers to user-defined networks', judge: containerJudge((c) => (c.HostConfig?.NetworkMode === 'default' || c.HostConfig?.NetworkMode === 'bridge' ? 'on the default bridge' : undefined), 'manual') },
  check('5.31', "Ensure that the host's user namespaces are not shared", 'medium', 'HostConfig.UsernsMode', 'do not run with --userns host', (c) => hostMode(c.HostConfig?.UsernsMode, 'user')),
  check('5.32', 'Ensure that the Docker socket is not mounted inside any containers', 'critical', 'Mounts Source', 'do not mount docker.sock; use a narrowly scoped API proxy', (c) => ((c.Mounts ?? []).some((m) => (m.Source ?? '').endsWith('docker.sock') || (m.Destination ?? '').endsWith('docker.sock')) ? 'mounts docker.sock' : undefined)),
];
