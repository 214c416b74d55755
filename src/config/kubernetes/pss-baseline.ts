import { isObject } from './manifest-source.js';
import type { ContainerView, PodView } from './pod-template.js';
import {
  containerScPath,
  containerSecurityContext,
  inUserNamespace,
  label,
  podScPath,
  podSecurityContext,
  type PssControl,
  type Violation,
} from './pss-types.js';

/**
 * The Baseline level of the Kubernetes Pod Security Standards
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline), as of v1.37.
 * Each control lists the fields it restricts; every container list counts (containers,
 * initContainers, ephemeralContainers).
 */

/** Baseline "Capabilities": adding anything beyond the container runtime's default set is forbidden. */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** Baseline "Sysctls": the namespaced, isolated sysctls the standard allows (grown per version up to v1.37). */
export const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem', 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat',
]);

/** Baseline "SELinux": only these types may be set; user and role must stay unset. */
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

function eachContainer(pod: PodView, fn: (c: ContainerView, out: Violation[]) => void): Violation[] {
  const out: Violation[] = [];
  for (const c of pod.containers) fn(c, out);
  return out;
}

const windowsHostProcess: PssControl = {
  id: 'windowsHostProcess',
  level: 'baseline',
  severity: 'critical',
  title: 'Windows HostProcess container (full access to the Windows node)',
  remediation: 'remove securityContext.windowsOptions.hostProcess or set it to false',
  check(pod) {
    const out: Violation[] = [];
    const psc = podSecurityContext(pod);
    if (isObject(psc?.windowsOptions) && psc.windowsOptions.hostProcess === true) {
      out.push({ path: podScPath(pod, 'windowsOptions', 'hostProcess'), detail: 'pod sets windowsOptions.hostProcess=true' });
    }
    return out.concat(
      eachContainer(pod, (c, acc) => {
        const sc = containerSecurityContext(c);
        if (isObject(sc?.windowsOptions) && sc.windowsOptions.hostProcess === true) {
          acc.push({ path: containerScPath(c, 'windowsOptions', 'hostProcess'), detail: `${label(c)} sets windowsOptions.hostProcess=true` });
        }
      }),
    );
  },
};

const hostNamespaces: PssControl = {
  id: 'hostNamespaces',
  level: 'baseline',
  severity: 'high',
  title: 'Pod shares a host namespace (network, PID or IPC)',
  remediation: 'remove hostNetwork, hostPID and hostIPC or set them to false',
  check(pod) {
    return (['hostNetwork', 'hostPID', 'hostIPC'] as const)
      .filter((field) => pod.spec[field] === true)
      .map((field) => ({ path: [...pod.specPath, field], detail: `pod sets ${field}=true` }));
  },
};

const privileged: PssControl = {
  id: 'privileged',
  level: 'baseline',
  severity: 'critical',
  title: 'Privileged container (all devices and capabilities of the host)',
  remediation: 'remove securityContext.privileged or set it to false',
  check: (pod) =>
    eachContainer(pod, (c, out) => {
      if (containerSecurityContext(c)?.privileged === true) out.push({ path: containerScPath(c, 'privileged'), detail: `${label(c)} sets privileged=true` });
    }),
};

const capabilitiesBaseline: PssControl = {
  id: 'capabilities_baseline',
  level: 'baseline',
  severity: 'high',
  title: 'Container adds Linux capabilities beyond the default set',
  remediation: `add only capabilities from the default set (${[...BASELINE_CAPABILITIES].join(', ')})`,
  check: (pod) =>
    eachContainer(pod, (c, out) => {
      const caps = containerSecurityContext(c)?.capabilities;
      const add = isObject(caps) && Array.isArray(caps.add) ? caps.add : [];
      add.forEach((cap, i) => {
        if (typeof cap !== 'string' || !BASELINE_CAPABILITIES.has(cap)) {
          out.push({ path: containerScPath(c, 'capabilities', 'add', i), detail: `${label(c)} adds capability ${JSON.stringify(cap)}` });
        }
      });
    }),
};

const hostPathVolumes: PssControl = {
  id: 'hostPathVolumes',
  level: 'baseline',
  severity: 'high',
  title: 'hostPath volume (host file system mounted into the pod)',
  remediation: 'replace the hostPath volume with an emptyDir, configMap, secret or persistent volume claim',
  check(pod) {
    const volumes = Array.isArray(pod.spec.volumes) ? pod.spec.volumes : [];
    const out: Violation[] = [];
    volumes.forEach((v, i) => {
      if (isObject(v) && v.hostPath !== undefined && v.hostPath !== null) {
        const path = isObject(v.hostPath) && typeof v.hostPath.path === 'string' ? v.hostPath.path : '?';
        out.push({ path: [...pod.specPath, 'volumes', i, 'hostPath'], detail: `volume "${String(v.name)}" mounts host path ${path}` });
      }
    });
    return out;
  },
};

const hostPorts: PssControl = {
  id: 'hostPorts',
  level: 'baseline',
  severity: 'medium',
  title: 'Container binds a host port',
  remediation: 'remove ports[].hostPort (expose the pod through a Service instead)',
  check: (pod) =>
    eachContainer(pod, (c, out) => {
      const ports = Array.isArray(c.container.ports) ? c.container.ports : [];
      ports.forEach((p, i) => {
        if (isObject(p) && p.hostPort !== undefined && p.hostPort !== null && p.hostPort !== 0) {
          out.push({ path: [...c.path, 'ports', i, 'hostPort'], detail: `${label(c)} binds hostPort ${String(p.hostPort)}` });
        }
      });
    }),
};

function appArmorTypeAllowed(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

const appArmorProfile: PssControl = {
  id: 'appArmorProfile',
  level: 'baseline',
  severity: 'medium',
  title: 'AppArmor profile overridden to unconfined or an unknown profile',
  remediation: 'leave the AppArmor profile unset, or use RuntimeDefault or a Localhost profile',
  check(pod) {
    const out: Violation[] = [];
    const annotations = isObject(pod.metadata.annotations) ? pod.metadata.annotations : {};
    for (const [key, value] of Object.entries(annotations)) {
      if (!key.startsWith(APPARMOR_ANNOTATION)) continue;
      const v = typeof value === 'string' ? value : String(value);
      if (v === '' || v === 'runtime/default' || v.startsWith('localhost/')) continue;
      out.push({ path: [...pod.metadataPath, 'annotations', key], detail: `annotation ${key}=${JSON.stringify(v)}` });
    }
    const psc = podSecurityContext(pod);
    if (isObject(psc?.appArmorProfile) && !appArmorTypeAllowed(psc.appArmorProfile.type)) {
      out.push({ path: podScPath(pod, 'appArmorProfile', 'type'), detail: `pod sets appArmorProfile.type=${JSON.stringify(psc.appArmorProfile.type)}` });
    }
    return out.concat(
      eachContainer(pod, (c, acc) => {
        const sc = containerSecurityContext(c);
        if (isObject(sc?.appArmorProfile) && !appArmorTypeAllowed(sc.appArmorProfile.type)) {
          acc.push({ path: containerScPath(c, 'appArmorProfile', 'type'), detail: `${label(c)} sets appArmorProfile.type=${JSON.stringify(sc.appArmorProfile.type)}` });
        }
      }),
    );
  },
};

function seLinuxViolations(opts: unknown, where: string, path: (string | number)[]): Violation[] {
  if (!isObject(opts)) return [];
  const out: Violation[] = [];
  const type = opts.type ?? '';
  if (typeof type !== 'string' || !SELINUX_TYPES.has(type)) out.push({ path: [...path, 'type'], detail: `${where} sets seLinuxOptions.type=${JSON.stringify(type)}` });
  for (const field of ['user', 'role'] as const) {
    const v = opts[field];
    if (v !== undefined && v !== null && v !== '') out.push({ path: [...path, field], detail: `${where} sets seLinuxOptions.${field}=${JSON.stringify(v)}` });
  }
  return out;
}

const seLinuxOptions: PssControl = {
  id: 'seLinuxOptions',
  level: 'baseline',
  severity: 'medium',
  title: 'Custom SELinux user, role or type',
  remediation: 'leave seLinuxOptions.user and role unset and use a container_* type (or none)',
  check(pod) {
    const out = seLinuxViolations(podSecurityContext(pod)?.seLinuxOptions, 'pod', podScPath(pod, 'seLinuxOptions'));
    return out.concat(eachContainer(pod, (c, acc) => acc.push(...seLinuxViolations(containerSecurityContext(c)?.seLinuxOptions, label(c), containerScPath(c, 'seLinuxOptions')))));
  },
};

/** Containers that set a procMount other than Default (shared by baseline and restricted). */
export function unmaskedProcMounts(pod: PodView): Violation[] {
  return eachContainer(pod, (c, out) => {
    const pm = containerSecurityContext(c)?.procMount;
    if (pm !== undefined && pm !== null && pm !== 'Default') out.push({ path: containerScPath(c, 'procMount'), detail: `${label(c)} sets procMount=${JSON.stringify(pm)}` });
  });
}

const procMount: PssControl = {
  id: 'procMount',
  level: 'baseline',
  severity: 'medium',
  title: 'Unmasked /proc mount',
  remediation: 'remove securityContext.procMount or set it to Default (or run the pod with hostUsers: false)',
  check: (pod) => (inUserNamespace(pod) ? [] : unmaskedProcMounts(pod)),
};

const seccompProfileBaseline: PssControl = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  severity: 'medium',
  title: 'Seccomp explicitly disabled (Unconfined)',
  remediation: 'set seccompProfile.type to RuntimeDefault or Localhost',
  check(pod) {
    const out: Violation[] = [];
    const psc = podSecurityContext(pod);
    if (isObject(psc?.seccompProfile) && psc.seccompProfile.type === 'Unconfined') out.push({ path: podScPath(pod, 'seccompProfile', 'type'), detail: 'pod sets seccompProfile.type=Unconfined' });
    return out.concat(
      eachContainer(pod, (c, acc) => {
        const sc = containerSecurityContext(c);
        if (isObject(sc?.seccompProfile) && sc.seccompProfile.type === 'Unconfined') acc.push({ path: containerScPath(c, 'seccompProfile', 'type'), detail: `${label(c)} sets seccompProfile.type=Unconfined` });
      }),
    );
  },
};

const sysctls: PssControl = {
  id: 'sysctls',
  level: 'baseline',
  severity: 'medium',
  title: 'Unsafe sysctl',
  remediation: `set only the safe sysctls (${[...SAFE_SYSCTLS].join(', ')})`,
  check(pod) {
    const list = podSecurityContext(pod)?.sysctls;
    const out: Violation[] = [];
    if (!Array.isArray(list)) return out;
    list.forEach((s, i) => {
      const name = isObject(s) ? s.name : undefined;
      if (typeof name !== 'string' || !SAFE_SYSCTLS.has(name)) out.push({ path: podScPath(pod, 'sysctls', i, 'name'), detail: `pod sets sysctl ${JSON.stringify(name)}` });
    });
    return out;
  },
};

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HOOKS = ['postStart', 'preStop'] as const;

/** Probes and lifecycle hooks with a `host` let a pod make the kubelet connect anywhere (PSS v1.34). */
const hostProbesAndHostLifecycle: PssControl = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  severity: 'medium',
  title: 'Probe or lifecycle hook targets another host',
  remediation: 'remove httpGet.host / tcpSocket.host from probes and lifecycle hooks (they default to the pod IP)',
  check: (pod) =>
    eachContainer(pod, (c, out) => {
      const handlers: [unknown, (string | number)[]][] = [
        ...PROBES.map((p): [unknown, (string | number)[]] => [c.container[p], [p]]),
        ...HOOKS.map((h): [unknown, (string | number)[]] => [isObject(c.container.lifecycle) ? c.container.lifecycle[h] : undefined, ['lifecycle', h]]),
      ];
      for (const [handler, at] of handlers) {
        if (!isObject(handler)) continue;
        for (const action of ['httpGet', 'tcpSocket'] as const) {
          const a = handler[action];
          if (isObject(a) && a.host !== undefined && a.host !== null && a.host !== '') {
            out.push({ path: [...c.path, ...at, action, 'host'], detail: `${label(c)} ${at.join('.')}.${action}.host=${JSON.stringify(a.host)}` });
          }
        }
      }
    }),
};

export const BASELINE_CONTROLS: PssControl[] = [
  hostProbesAndHostLifecycle,
  windowsHostProcess,
  hostNamespaces,
  privileged,
  capabilitiesBaseline,
  hostPathVolumes,
  hostPorts,
  appArmorProfile,
  seLinuxOptions,
  procMount,
  seccompProfileBaseline,
  sysctls,
];
