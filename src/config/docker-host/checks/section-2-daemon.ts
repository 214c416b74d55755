/** CIS Docker Benchmark v1.6.0, section 2: Docker daemon configuration (dockerd flags and daemon.json). */
import { commandLineValues, daemonOption } from '../daemon-options.js';
import { daemonJudge, isFalse, isSet, isTrue, isUnset, lacks, manualJudge, notFalse, unsetOr } from '../judges.js';
import type { CheckDefinition } from '../types.js';

export const SECTION_2: CheckDefinition[] = [
  { id: '2.1', title: 'Run the Docker daemon as a non-root user, if possible', level: 1, automated: false, severity: 'low', reads: 'rootless mode', remediation: 'follow the Docker documentation on rootless mode', judge: manualJudge },
  {
    id: '2.2', title: 'Ensure network traffic is restricted between containers on the default bridge', level: 1, automated: true, severity: 'medium',
    reads: '--icc / daemon.json "icc"', remediation: 'set "icc": false in daemon.json (or dockerd --icc=false) and connect containers that must talk over user-defined networks',
    judge: daemonJudge(['--icc'], 'icc', isFalse),
  },
  {
    id: '2.3', title: "Ensure the logging level is set to 'info'", level: 1, automated: true, severity: 'low',
    reads: '--log-level / -l / daemon.json "log-level"', remediation: 'set "log-level": "info" in daemon.json or drop --log-level',
    judge: daemonJudge(['--log-level', '-l'], 'log-level', unsetOr('info')),
  },
  {
    id: '2.4', title: 'Ensure Docker is allowed to make changes to iptables', level: 1, automated: true, severity: 'medium',
    reads: '--iptables / daemon.json "iptables"', remediation: 'do not run dockerd with --iptables=false',
    judge: daemonJudge(['--iptables'], 'iptables', notFalse),
  },
  {
    id: '2.5', title: 'Ensure insecure registries are not used', level: 1, automated: true, severity: 'high',
    reads: '--insecure-registry / daemon.json "insecure-registries"', remediation: 'remove --insecure-registry flags and "insecure-registries"; give the registry a TLS certificate',
    judge: daemonJudge(['--insecure-registry'], 'insecure-registries', isUnset),
  },
  {
    id: '2.6', title: 'Ensure aufs storage driver is not used', level: 1, automated: true, severity: 'medium',
    reads: 'docker info: Driver', remediation: 'use overlay2 (dockerd --storage-driver overlay2)',
    judge: (f) => ({ verdict: f.info?.Driver === 'aufs' ? 'warn' : 'pass', evidence: `storage driver ${f.info?.Driver ?? 'unknown'}` }),
  },
  {
    id: '2.7', title: 'Ensure TLS authentication for Docker daemon is configured', level: 1, automated: true, severity: 'critical',
    reads: '-H / daemon.json "hosts", --tlsverify / "tlsverify"', remediation: 'listen on TCP only with --tlsverify, --tlscacert, --tlscert and --tlskey',
    judge: (f) => {
      const hosts = daemonOption(f, ['-H', '--host'], 'hosts')?.values ?? [];
      const tcp = hosts.filter((h) => !h.startsWith('unix://') && !h.startsWith('fd://'));
      if (tcp.length === 0) return { verdict: 'info', evidence: 'the daemon does not listen on TCP' };
      const verify = isTrue(daemonOption(f, ['--tlsverify'], 'tlsverify'));
      return { verdict: verify ? 'pass' : 'warn', evidence: `listens on ${tcp.join(', ')}${verify ? ' with TLS client verification' : ' without TLS client verification'}` };
    },
  },
  {
    id: '2.8', title: 'Ensure the default ulimit is configured appropriately', level: 1, automated: false, severity: 'low',
    reads: '--default-ulimit / daemon.json "default-ulimits"', remediation: 'set default ulimits the workloads need',
    judge: daemonJudge(['--default-ulimit'], 'default-ulimits', isSet, 'manual'),
  },
  {
    id: '2.9', title: 'Enable user namespace support', level: 2, automated: true, severity: 'medium',
    reads: '--userns-remap / daemon.json "userns-remap"', remediation: 'set "userns-remap": "default" in daemon.json (containers then run as unprivileged host users)',
    judge: daemonJudge(['--userns-remap'], 'userns-remap', isSet),
  },
  {
    id: '2.10', title: 'Ensure the default cgroup usage has been confirmed', level: 2, automated: true, severity: 'low',
    reads: '--cgroup-parent / daemon.json "cgroup-parent"', remediation: 'leave the cgroup parent at its default unless it was chosen deliberately',
    judge: daemonJudge(['--cgroup-parent'], 'cgroup-parent', isUnset),
  },
  {
    id: '2.11', title: 'Ensure base device size is not changed until needed', level: 2, automated: true, severity: 'low',
    reads: '--storage-opt / daemon.json "storage-opts" dm.basesize', remediation: 'remove dm.basesize from the storage options until it is needed',
    judge: daemonJudge(['--storage-opt'], 'storage-opts', lacks('dm.basesize')),
  },
  {
    id: '2.12', title: 'Ensure that authorization for Docker client commands is enabled', level: 2, automated: true, severity: 'medium',
    reads: '--authorization-plugin / daemon.json "authorization-plugins"', remediation: 'enable an authorization plugin (dockerd --authorization-plugin=bulkhead)',
    judge: daemonJudge(['--authorization-plugin'], 'authorization-plugins', isSet),
  },
  {
    id: '2.13', title: 'Ensure centralized and remote logging is configured', level: 2, automated: true, severity: 'low',
    reads: 'docker info: LoggingDriver', remediation: 'set "log-driver" to a remote driver (syslog, gelf, fluentd, ...) in daemon.json',
    judge: (f) => ({ verdict: f.info?.LoggingDriver === 'json-file' ? 'warn' : 'pass', evidence: `logging driver ${f.info?.LoggingDriver ?? 'unknown'}` }),
  },
  {
    id: '2.14', title: 'Ensure containers are restricted from acquiring new privileges', level: 2, automated: true, severity: 'medium',
    reads: '--no-new-privileges / daemon.json "no-new-privileges"', remediation: 'set "no-new-privileges": true in daemon.json',
    judge: daemonJudge(['--no-new-privileges'], 'no-new-privileges', isTrue),
  },
  {
    id: '2.15', title: 'Ensure live restore is enabled', level: 1, automated: true, severity: 'low',
    reads: 'docker info: LiveRestoreEnabled, --live-restore', remediation: 'set "live-restore": true in daemon.json',
    judge: (f) => {
      const swarm = f.info?.Swarm?.LocalNodeState === 'active';
      const live = f.info?.LiveRestoreEnabled === true || commandLineValues(f.dockerdArgs ?? [], ['--live-restore']).includes('true');
      return { verdict: live || swarm ? 'pass' : 'warn', evidence: swarm ? 'swarm mode is active (live restore does not apply)' : `live restore ${live ? 'enabled' : 'disabled'}` };
    },
  },
  {
    id: '2.16', title: 'Ensure Userland Proxy is Disabled', level: 1, automated: true, severity: 'low',
    reads: '--userland-proxy / daemon.json "userland-proxy"', remediation: 'set "userland-proxy": false in daemon.json',
    judge: daemonJudge(['--userland-proxy'], 'userland-proxy', isFalse),
  },
  {
    id: '2.17', title: 'Ensure that a daemon-wide custom seccomp profile is applied if appropriate', level: 2, automated: false, severity: 'low',
    reads: 'docker info: SecurityOptions', remediation: 'apply a custom seccomp profile with --seccomp-profile where the default does not fit',
    judge: (f) => ({ verdict: 'manual', evidence: `security options: ${(f.info?.SecurityOptions ?? []).join('; ') || 'none'}` }),
  },
  {
    id: '2.18', title: 'Ensure that experimental features are not implemented in production', level: 1, automated: true, severity: 'low',
    reads: 'docker info: ExperimentalBuild', remediation: 'do not run dockerd with --experimental in production',
    judge: (f) => ({ verdict: f.info?.ExperimentalBuild === true ? 'warn' : 'pass', evidence: `experimental ${f.info?.ExperimentalBuild === true ? 'on' : 'off'}` }),
  },
];
