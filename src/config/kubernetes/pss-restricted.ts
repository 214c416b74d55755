import { isObject } from './manifest-source.js';
import type { PodView } from './pod-template.js';
import { unmaskedProcMounts } from './pss-baseline.js';
import {
  containerScPath,
  containerSecurityContext,
  inUserNamespace,
  isWindowsPod,
  label,
  podScPath,
  podSecurityContext,
  type PssControl,
  type Violation,
} from './pss-types.js';

/**
 * The Restricted level of the Pod Security Standards
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted), as of v1.37.
 * Restricted includes every Baseline control; these are the ones it adds.
 */

/** Restricted "Volume Types": the only inline volume sources allowed. */
const ALLOWED_VOLUME_SOURCES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret', 'image']);

const restrictedVolumes: PssControl = {
  id: 'restrictedVolumes',
  level: 'restricted',
  severity: 'medium',
  title: 'Volume type not allowed by the restricted level',
  remediation: `use only ${[...ALLOWED_VOLUME_SOURCES].join(', ')} volumes (put other storage behind a persistent volume claim)`,
  check(pod) {
    const volumes = Array.isArray(pod.spec.volumes) ? pod.spec.volumes : [];
    const out: Violation[] = [];
    volumes.forEach((v, i) => {
      if (!isObject(v)) return;
      // anything but the name and an allowed source is a volume source the standard forbids
      for (const [key, value] of Object.entries(v)) {
        if (key === 'name' || ALLOWED_VOLUME_SOURCES.has(key) || value === null || value === undefined) continue;
        out.push({ path: [...pod.specPath, 'volumes', i, key], detail: `volume "${String(v.name)}" uses ${key}` });
      }
    });
    return out;
  },
};

const allowPrivilegeEscalation: PssControl = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  severity: 'medium',
  title: 'Privilege escalation not disabled (allowPrivilegeEscalation is not false)',
  remediation: 'set securityContext.allowPrivilegeEscalation: false on every container',
  check(pod) {
    if (isWindowsPod(pod)) return [];
    const out: Violation[] = [];
    for (const c of pod.containers) {
      if (containerSecurityContext(c)?.allowPrivilegeEscalation !== false) {
        out.push({ path: containerScPath(c, 'allowPrivilegeEscalation'), detail: `${label(c)} must set allowPrivilegeEscalation=false` });
      }
    }
    return out;
  },
};

/**
 * Restricted "Running as Non-root" and "Seccomp" share a shape: the pod may set a good value for all
 * containers, a container may override it, and a bad value anywhere fails.
 */
function podOrEveryContainer(
  pod: PodView,
  field: string,
  read: (sc: Record<string, unknown> | undefined) => { set: boolean; good: boolean; shown: string },
  must: string,
): Violation[] {
  const out: Violation[] = [];
  const podValue = read(podSecurityContext(pod));
  if (podValue.set && !podValue.good) out.push({ path: podScPath(pod, field), detail: `pod sets ${field} ${podValue.shown}` });
  const podGood = podValue.set && podValue.good;
  for (const c of pod.containers) {
    const v = read(containerSecurityContext(c));
    if (v.set && !v.good) out.push({ path: containerScPath(c, field), detail: `${label(c)} sets ${field} ${v.shown}` });
    else if (!v.set && !podGood) out.push({ path: containerScPath(c, field), detail: `pod or ${label(c)} must set ${must}` });
  }
  return out;
}

const runAsNonRoot: PssControl = {
  id: 'runAsNonRoot',
  level: 'restricted',
  severity: 'medium',
  title: 'Containers may run as root (runAsNonRoot is not true)',
  remediation: 'set securityContext.runAsNonRoot: true on the pod (and not false on any container)',
  check(pod) {
    if (inUserNamespace(pod)) return [];
    return podOrEveryContainer(
      pod,
      'runAsNonRoot',
      (sc) => {
        const v = sc?.runAsNonRoot;
        return { set: v !== undefined && v !== null, good: v === true, shown: `=${String(v)}` };
      },
      'runAsNonRoot=true',
    );
  },
};

const runAsUser: PssControl = {
  id: 'runAsUser',
  level: 'restricted',
  severity: 'medium',
  title: 'Runs as user 0 (root)',
  remediation: 'set runAsUser to a non-zero UID or leave it unset with runAsNonRoot: true',
  check(pod) {
    if (inUserNamespace(pod)) return [];
    const out: Violation[] = [];
    if (podSecurityContext(pod)?.runAsUser === 0) out.push({ path: podScPath(pod, 'runAsUser'), detail: 'pod sets runAsUser=0' });
    for (const c of pod.containers) {
      if (containerSecurityContext(c)?.runAsUser === 0) out.push({ path: containerScPath(c, 'runAsUser'), detail: `${label(c)} sets runAsUser=0` });
    }
    return out;
  },
};

const seccompProfileRestricted: PssControl = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  severity: 'medium',
  title: 'Seccomp profile not set to RuntimeDefault or Localhost',
  remediation: 'set securityContext.seccompProfile.type: RuntimeDefault on the pod',
  check(pod) {
    // Windows has no seccomp; the API rejects the field there (PSS "Restricted": Seccomp)
    if (isWindowsPod(pod)) return [];
    return podOrEveryContainer(
      pod,
      'seccompProfile',
      (sc) => {
        const p = sc?.seccompProfile;
        if (p === undefined || p === null) return { set: false, good: false, shown: '' };
        const type = isObject(p) ? p.type : undefined;
        return { set: true, good: type === 'RuntimeDefault' || type === 'Localhost', shown: `type=${JSON.stringify(type ?? '')}` };
      },
      'seccompProfile.type RuntimeDefault or Localhost',
    );
  },
};

const capabilitiesRestricted: PssControl = {
  id: 'capabilities_restricted',
  level: 'restricted',
  severity: 'medium',
  title: 'Capabilities not dropped (drop ALL, add only NET_BIND_SERVICE)',
  remediation: 'set securityContext.capabilities.drop: ["ALL"] and add at most NET_BIND_SERVICE',
  check(pod) {
    if (isWindowsPod(pod)) return [];
    const out: Violation[] = [];
    for (const c of pod.containers) {
      const caps = containerSecurityContext(c)?.capabilities;
      const drop = isObject(caps) && Array.isArray(caps.drop) ? caps.drop : [];
      if (!drop.includes('ALL')) out.push({ path: containerScPath(c, 'capabilities', 'drop'), detail: `${label(c)} must drop ALL capabilities` });
      const add = isObject(caps) && Array.isArray(caps.add) ? caps.add : [];
      add.forEach((cap, i) => {
        if (cap !== 'NET_BIND_SERVICE') out.push({ path: containerScPath(c, 'capabilities', 'add', i), detail: `${label(c)} adds ${JSON.stringify(cap)}` });
      });
    }
    return out;
  },
};

const procMountRestricted: PssControl = {
  id: 'procMount_restricted',
  level: 'restricted',
  severity: 'medium',
  title: 'Unmasked /proc mount (restricted: even in a user namespace)',
  remediation: 'remove securityContext.procMount or set it to Default',
  check: unmaskedProcMounts,
};

export const RESTRICTED_CONTROLS: PssControl[] = [
  restrictedVolumes,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
  capabilitiesRestricted,
  procMountRestricted,
];
