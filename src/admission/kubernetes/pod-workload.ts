import type { DeploymentFacts } from '../../policy/index.js';

/**
 * Where each kind keeps the pod it runs (Kubernetes API reference, workloads resources: a Pod is
 * its own spec; controllers carry `spec.template`, a CronJob `spec.jobTemplate.spec.template`).
 * The path is a JSON Pointer (RFC 6901) prefix, so patches can address containers directly.
 */
const POD_TEMPLATE_PATHS: Record<string, string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export const ADMITTED_KINDS = Object.keys(POD_TEMPLATE_PATHS);

export type ContainerListName = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface WorkloadContainer {
  list: ContainerListName;
  index: number;
  name: string;
  image: string;
  /** JSON Pointer of the container's `image` field in the admitted object. */
  imagePointer: string;
  /** `container "web"`, `init container "setup"`: how reasons name it. */
  label: string;
  deployment: DeploymentFacts;
  /** `securityContext.runAsUser` of the container, else of the pod: what the kubelet runs as instead of the image USER. */
  runAsUser?: number;
}

export interface PodWorkload {
  kind: string;
  /** `Kind namespace/name` for messages. */
  resource: string;
  containers: WorkloadContainer[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The pod of an admitted object, or undefined when its kind runs none (or its template has no spec). */
export function podWorkloadOf(kind: string, object: Obj, namespace: string | undefined): PodWorkload | undefined {
  const base = POD_TEMPLATE_PATHS[kind];
  if (!base) return undefined;
  let template: unknown = object;
  for (const key of base) template = isObj(template) ? template[key] : undefined;
  const spec = isObj(template) ? template.spec : undefined;
  if (!isObj(spec)) return undefined;
  const meta = isObj(object.metadata) ? object.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? `${meta.generateName}*` : '(unnamed)';
  const ns = typeof meta.namespace === 'string' ? meta.namespace : (namespace ?? 'default');
  const podSc = isObj(spec.securityContext) ? spec.securityContext : {};
  const hostPaths = hostPathVolumes(spec);
  const containers: WorkloadContainer[] = [];
  for (const list of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    items.forEach((c: unknown, index) => {
      if (!isObj(c)) return;
      const cname = typeof c.name === 'string' ? c.name : `${list}[${index}]`;
      const sc = isObj(c.securityContext) ? c.securityContext : {};
      const mounts = Array.isArray(c.volumeMounts) ? c.volumeMounts.filter(isObj) : [];
      const deployment: DeploymentFacts = {
        name: cname,
        privileged: sc.privileged === true,
        hostPid: spec.hostPID === true,
        hostIpc: spec.hostIPC === true,
        hostNetwork: spec.hostNetwork === true,
        // only hostPath volumes reach the node's files; other volume types are not host mounts
        mounts: mounts.flatMap((m) => {
          const source = typeof m.name === 'string' ? hostPaths.get(m.name) : undefined;
          return source !== undefined && typeof m.mountPath === 'string' ? [{ source, target: m.mountPath }] : [];
        }),
      };
      const runAsUser = typeof sc.runAsUser === 'number' ? sc.runAsUser : typeof podSc.runAsUser === 'number' ? podSc.runAsUser : undefined;
      Object.assign(deployment, hardeningFacts(c, sc, podSc, appArmorAnnotations(template, cname)));
      // the kubelet runs the container as runAsUser when set, whatever the image USER says
      if (runAsUser !== undefined) deployment.user = String(runAsUser);
      containers.push({
        list,
        index,
        name: cname,
        image: typeof c.image === 'string' ? c.image : '',
        imagePointer: '/' + [...base, 'spec', list, String(index), 'image'].join('/'),
        label: `${list === 'containers' ? 'container' : list === 'initContainers' ? 'init container' : 'ephemeral container'} "${cname}"`,
        deployment,
        ...(runAsUser !== undefined ? { runAsUser } : {}),
      });
    });
  }
  return { kind, resource: `${kind} ${ns}/${name}`, containers };
}

function hostPathVolumes(spec: Obj): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) {
    if (isObj(v) && typeof v.name === 'string' && isObj(v.hostPath) && typeof v.hostPath.path === 'string') out.set(v.name, v.hostPath.path);
  }
  return out;
}

/**
 * The hardening facts of one container (Kubernetes API, SecurityContext and PodSecurityContext;
 * container settings win over the pod's). Defaults follow the API: unset `allowPrivilegeEscalation`
 * allows escalation, unset `readOnlyRootFilesystem` is writable, unset AppArmor is the runtime's
 * default profile. Unset seccomp is left unknown: the kubelet's `--seccomp-default` decides it.
 */
function hardeningFacts(c: Obj, sc: Obj, podSc: Obj, annotationAppArmor: string | undefined): DeploymentFacts {
  const caps = isObj(sc.capabilities) && Array.isArray(sc.capabilities.add) ? sc.capabilities.add.filter((x): x is string => typeof x === 'string') : [];
  const limits = isObj(c.resources) && isObj(c.resources.limits) ? c.resources.limits : {};
  const quantity = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' && !/^0+(?:\.0*)?[a-zA-Z]*$/u.test(v.trim())) || (typeof v === 'number' && v > 0) ? String(v) : null;
  const seccomp = profileType(sc.seccompProfile) ?? profileType(podSc.seccompProfile);
  const appArmor = profileType(sc.appArmorProfile) ?? profileType(podSc.appArmorProfile) ?? annotationAppArmor;
  const runAsNonRoot = typeof sc.runAsNonRoot === 'boolean' ? sc.runAsNonRoot : podSc.runAsNonRoot === true;
  const facts: DeploymentFacts = {
    // names as written (NET_ADMIN, CAP_NET_ADMIN): the policy rule normalises them
    capAdd: caps,
    readOnlyRootfs: sc.readOnlyRootFilesystem === true,
    limits: { memory: quantity(limits.memory), cpu: quantity(limits.cpu) },
    apparmorUnconfined: appArmor?.toLowerCase() === 'unconfined',
    noNewPrivileges: sc.allowPrivilegeEscalation === false,
    absentBecause: { pids: 'Kubernetes sets no per-container pids limit (the kubelet\'s podPidsLimit applies per node)' },
    ...(runAsNonRoot ? { runAsNonRoot: true } : {}),
  };
  if (seccomp !== undefined) facts.seccompUnconfined = seccomp.toLowerCase() === 'unconfined';
  else facts.absentBecause!.seccompUnconfined = 'seccompProfile is not set: the node decides (kubelet --seccomp-default); set seccompProfile.type RuntimeDefault';
  return facts;
}

function profileType(v: unknown): string | undefined {
  return isObj(v) && typeof v.type === 'string' ? v.type : undefined;
}

/** The AppArmor annotation before Kubernetes 1.30 (`container.apparmor.security.beta.kubernetes.io/NAME: unconfined`). */
function appArmorAnnotations(template: unknown, container: string): string | undefined {
  const meta = isObj(template) && isObj(template.metadata) ? template.metadata : {};
  const annotations = isObj(meta.annotations) ? meta.annotations : {};
  const v = annotations[`container.apparmor.security.beta.kubernetes.io/${container}`];
  return typeof v === 'string' ? v : undefined;
}
