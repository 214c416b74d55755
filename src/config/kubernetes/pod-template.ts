import { isObject, type FieldPath, type Manifest } from './manifest-source.js';

/**
 * Where each workload kind keeps the pod it runs (the Pod Security Standards apply to "Pod and every
 * object with a pod template": Kubernetes API reference, workloads resources).
 */
const POD_TEMPLATE_PATHS: Record<string, FieldPath> = {
  Pod: [],
  PodTemplate: ['template'],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export const WORKLOAD_KINDS = Object.keys(POD_TEMPLATE_PATHS);

export type ContainerList = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerView {
  list: ContainerList;
  index: number;
  name: string;
  container: Record<string, unknown>;
  /** Path of the container inside the manifest object. */
  path: FieldPath;
}

/** The pod a manifest runs: its metadata and spec as plain data, and their paths in the object. */
export interface PodView {
  manifest: Manifest;
  /** `Kind/namespace/name` (namespace `default` when unset). */
  resource: string;
  namespace: string;
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
  metadataPath: FieldPath;
  specPath: FieldPath;
  containers: ContainerView[];
}

/** The pod template of a workload object, or undefined for other kinds or a template without spec. */
export function podViewOf(manifest: Manifest): PodView | undefined {
  const kind = manifest.object.kind as string;
  const base = POD_TEMPLATE_PATHS[kind];
  if (!base) return undefined;
  const template = dig(manifest.object, base);
  if (!isObject(template)) return undefined;
  const spec = template.spec;
  if (!isObject(spec)) return undefined;
  const metadata = isObject(template.metadata) ? template.metadata : {};
  const specPath = [...base, 'spec'];
  const containers: ContainerView[] = [];
  for (const list of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    items.forEach((container, index) => {
      if (!isObject(container)) return;
      const name = typeof container.name === 'string' ? container.name : `${list}[${index}]`;
      containers.push({ list, index, name, container, path: [...specPath, list, index] });
    });
  }
  return {
    manifest,
    resource: resourceName(manifest),
    namespace: namespaceOf(manifest),
    metadata,
    spec,
    metadataPath: [...base, 'metadata'],
    specPath,
    containers,
  };
}

export function namespaceOf(manifest: Manifest): string {
  const meta = manifest.object.metadata;
  const ns = isObject(meta) ? meta.namespace : undefined;
  return typeof ns === 'string' && ns !== '' ? ns : 'default';
}

export function resourceName(manifest: Manifest): string {
  const meta = manifest.object.metadata;
  const name = isObject(meta) && typeof meta.name === 'string' ? meta.name : '(unnamed)';
  return `${String(manifest.object.kind)}/${namespaceOf(manifest)}/${name}`;
}

/** Value at `path` in plain data, undefined when any step is missing. */
export function dig(value: unknown, path: FieldPath): unknown {
  let v = value;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(v)) return undefined;
      v = v[segment];
    } else {
      if (!isObject(v)) return undefined;
      v = v[segment];
    }
  }
  return v;
}

/** `spec.containers[0].securityContext` style text for a path, as kubectl explains fields. */
export function fieldText(path: FieldPath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
