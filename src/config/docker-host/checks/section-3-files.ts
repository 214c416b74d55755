/** CIS Docker Benchmark v1.6.0, section 3: Docker daemon configuration files (owner and mode). */
import { daemonOption } from '../daemon-options.js';
import { fileJudge, filesJudge, type FileRule } from '../judges.js';
import type { CheckDefinition, HostFacts } from '../types.js';

const unit = (name: string) => (f: HostFacts): string | undefined => f.units[name];
const fixed = (path: string) => (): string => path;
const tlsFile = (flag: string, key: string) => (f: HostFacts): string | undefined => daemonOption(f, [flag], key)?.values[0];

const ROOT: FileRule = { owner: 'root:root' };

function pair(ids: [string, string], what: string, locate: (f: HostFacts) => string | undefined, owner: string, maxMode: number, severity: 'high' | 'medium' = 'medium'): CheckDefinition[] {
  const octal = maxMode.toString(8);
  return [
    { id: ids[0], title: `Ensure that ${what} ownership is set to ${owner}`, level: 1, automated: true, severity, reads: `stat ${what}`, remediation: `chown ${owner} ${what}`, judge: fileJudge(locate, { owner }) },
    { id: ids[1], title: `Ensure that ${what} permissions are set to ${octal} or more restrictively`, level: 1, automated: true, severity, reads: `stat ${what}`, remediation: `chmod ${octal} ${what}`, judge: fileJudge(locate, { maxMode }) },
  ];
}

export const SECTION_3: CheckDefinition[] = [
  ...pair(['3.1', '3.2'], 'the docker.service file', unit('docker.service'), 'root:root', 0o644),
  ...pair(['3.3', '3.4'], 'the docker.socket file', unit('docker.socket'), 'root:root', 0o644),
  ...pair(['3.5', '3.6'], 'the /etc/docker directory', fixed('/etc/docker'), 'root:root', 0o755),
  {
    id: '3.7', title: 'Ensure that registry certificate file ownership is set to root:root', level: 1, automated: true, severity: 'medium',
    reads: 'stat /etc/docker/certs.d/*/*', remediation: 'chown root:root /etc/docker/certs.d/<registry>/*', judge: filesJudge((f) => f.registryCerts, ROOT),
  },
  {
    id: '3.8', title: 'Ensure that registry certificate file permissions are set to 444 or more restrictively', level: 1, automated: true, severity: 'medium',
    reads: 'stat /etc/docker/certs.d/*/*', remediation: 'chmod 444 /etc/docker/certs.d/<registry>/*', judge: filesJudge((f) => f.registryCerts, { maxMode: 0o444 }),
  },
  ...pair(['3.9', '3.10'], 'the TLS CA certificate file', tlsFile('--tlscacert', 'tlscacert'), 'root:root', 0o444),
  ...pair(['3.11', '3.12'], 'the Docker server certificate file', tlsFile('--tlscert', 'tlscert'), 'root:root', 0o444),
  ...pair(['3.13', '3.14'], 'the Docker server certificate key file', tlsFile('--tlskey', 'tlskey'), 'root:root', 0o400, 'high'),
  ...pair(['3.15', '3.16'], 'the Docker socket file', fixed('/var/run/docker.sock'), 'root:docker', 0o660, 'high'),
  ...pair(['3.17', '3.18'], 'the daemon.json file', (f) => f.daemonConfigPath, 'root:root', 0o644),
  ...pair(['3.19', '3.20'], 'the /etc/default/docker file', fixed('/etc/default/docker'), 'root:root', 0o644),
  // 3.21/3.22 list mode before owner in the benchmark
  ...pair(['3.22', '3.21'], 'the /etc/sysconfig/docker file', fixed('/etc/sysconfig/docker'), 'root:root', 0o644),
  ...pair(['3.23', '3.24'], 'the containerd socket file', fixed('/run/containerd/containerd.sock'), 'root:root', 0o660, 'high'),
];

/** Every path section 3 may stat, so facts.ts reads them once. */
export function section3Paths(f: Omit<HostFacts, 'files'>): string[] {
  const probe = { ...f, files: {} } as HostFacts;
  return [
    f.units['docker.service'], f.units['docker.socket'], '/etc/docker', f.daemonConfigPath, '/etc/default/docker', '/etc/sysconfig/docker',
    '/var/run/docker.sock', '/run/containerd/containerd.sock',
    tlsFile('--tlscacert', 'tlscacert')(probe), tlsFile('--tlscert', 'tlscert')(probe), tlsFile('--tlskey', 'tlskey')(probe),
  ].filter((p): p is string => p !== undefined);
}
