import type { Finding } from '../../findings/types.js';
import type { IndexedFile } from '../../image/file-index.js';
import type { CheckContext, ImageCheck } from './types.js';

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;
const S_IWOTH = 0o002;

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function isRegular(f: IndexedFile): boolean {
  return f.type === 'file' || f.type === 'hardlink';
}

function isSetId(f: IndexedFile): boolean {
  return isRegular(f) && (f.mode & (S_ISUID | S_ISGID)) !== 0;
}

/** One evidence line per file: enough to find it and to see why it was listed. */
function describe(f: IndexedFile): string {
  const bits = [f.mode & S_ISUID ? 'setuid' : '', f.mode & S_ISGID ? 'setgid' : ''].filter(Boolean).join('+');
  return `${f.path} mode=${octal(f.mode)}${bits ? ` (${bits})` : ''} uid=${f.uid} gid=${f.gid} layer=${f.layerIndex}`;
}

function byPath(a: IndexedFile, b: IndexedFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.layerIndex - b.layerIndex;
}

/** The layer that brought most of a group of files, for the finding's target. */
function mainLayer(files: readonly IndexedFile[]): number | undefined {
  const weight = new Map<number, number>();
  for (const f of files) weight.set(f.layerIndex, (weight.get(f.layerIndex) ?? 0) + 1 + f.size);
  return [...weight].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function listFinding(ctx: CheckContext, files: IndexedFile[], spec: { id: string; cis?: string; severity: Finding['severity']; title: string; remediation: string }): Finding[] {
  if (files.length === 0) return [];
  files.sort(byPath);
  const only = files.length === 1 ? files[0] : undefined;
  return [
    ctx.finding({
      ...spec,
      title: `${spec.title} (${files.length})`,
      evidence: { count: String(files.length), files: files.map(describe).join('\n') },
      ...(only ? { path: only.path, layerIndex: only.layerIndex } : {}),
    }),
  ];
}

/**
 * BH-IMG-003 / BH-IMG-004, CIS 4.8 "Ensure setuid and setgid permissions are removed": every setuid
 * or setgid file of the final file system (003), and separately those that only a lower layer
 * carries (004): deleted or replaced later, but still shipped in the image's layers.
 */
const setIdFiles: ImageCheck = (ctx) => {
  const index = ctx.analysis.files;
  if (!index) return [];
  const visible = [...index.all()].filter(isSetId);
  const visiblePaths = new Set(visible.map((f) => f.path));
  const hidden = index.hidden.filter((f) => isSetId(f) && !visiblePaths.has(f.path));
  return [
    ...listFinding(ctx, visible, {
      id: 'BH-IMG-003',
      cis: '4.8',
      severity: 'low',
      title: 'Setuid/setgid files in the image',
      remediation: 'Remove the bits where not needed: RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + (keep the few the workload needs).',
    }),
    ...listFinding(ctx, hidden, {
      id: 'BH-IMG-004',
      cis: '4.8',
      severity: 'low',
      title: 'Setuid/setgid files in lower layers only (deleted or replaced later)',
      remediation: 'Remove the bits in the same RUN step that installs the files, or squash/multi-stage the build: deleted files still ship in lower layers.',
    }),
  ];
};

const SSH_PACKAGES = new Set(['openssh-server', 'dropbear', 'dropbear-bin', 'tinyssh']);
const SSH_DAEMONS = ['usr/sbin/sshd', 'usr/sbin/dropbear', 'usr/sbin/tinysshd'];

/** BH-IMG-005: an SSH server in a container is a second way in that bypasses the orchestrator. */
const sshServer: ImageCheck = (ctx) => {
  const evidence: Record<string, string> = {};
  const packages = ctx.analysis.packages.filter((p) => SSH_PACKAGES.has(p.name));
  if (packages.length > 0) evidence.packages = packages.map((p) => `${p.name} ${p.version}`).join(', ');
  const index = ctx.analysis.files;
  let daemon: IndexedFile | undefined;
  for (const path of SSH_DAEMONS) {
    // usr-merged images reach usr/sbin through a sbin symlink and vice versa
    const resolved = index?.resolve(path);
    const f = resolved === undefined ? undefined : index?.get(resolved);
    if (f && isRegular(f)) {
      daemon ??= f;
      evidence.daemon = [evidence.daemon, resolved].filter(Boolean).join(', ');
    }
  }
  const ports = Object.keys(ctx.analysis.image.config?.config?.ExposedPorts ?? {}).filter((p) => p.split('/')[0] === '22');
  if (ports.length > 0) evidence.exposedPorts = ports.join(', ');
  if (Object.keys(evidence).length === 0) return [];
  return [
    ctx.finding({
      id: 'BH-IMG-005',
      severity: packages.length > 0 || daemon ? 'medium' : 'low',
      title: packages.length > 0 || daemon ? 'SSH server installed in the image' : 'Image exposes port 22 (SSH)',
      remediation: 'Remove the SSH server and EXPOSE 22; use docker exec / kubectl exec for access.',
      evidence,
      ...(daemon ? { path: daemon.path, layerIndex: daemon.layerIndex } : {}),
    }),
  ];
};

const HOST_KEY = /^etc\/ssh\/ssh_host_[a-z0-9]+_key$/;

/**
 * SSH host private keys generated at build time (openssh-server's postinst makes them) ship in the
 * image: every container started from it has the same host identity, and anyone with the image has
 * the private keys. One finding lists them; the secret scanner leaves these paths to this check.
 */
const sshHostKeys: ImageCheck = (ctx) => {
  const index = ctx.analysis.files;
  if (!index) return [];
  const keys = [...index.all()].filter((f) => f.type === 'file' && HOST_KEY.test(f.path)).sort((a, b) => a.path.localeCompare(b.path));
  if (keys.length === 0) return [];
  return [
    ctx.finding({
      id: 'BH-IMG-018',
      severity: 'high',
      title: `SSH host private keys baked into the image (${keys.length})`,
      remediation: 'Delete etc/ssh/ssh_host_*_key in the build and generate host keys when the container starts (ssh-keygen -A), or drop the SSH server.',
      evidence: { files: keys.map((k) => `/${k.path} (layer ${k.layerIndex})`).join('\n') },
      path: keys[0]!.path,
      layerIndex: keys[0]!.layerIndex,
    }),
  ];
};

interface CacheKind {
  name: string;
  dir: string;
  matches(f: IndexedFile): boolean;
  cleanup: string;
}

const CACHES: readonly CacheKind[] = [
  { name: 'apt archives', dir: 'var/cache/apt/archives', matches: (f) => f.path.endsWith('.deb'), cleanup: 'apt-get clean' },
  { name: 'apt lists', dir: 'var/lib/apt/lists', matches: (f) => !f.path.endsWith('/lock'), cleanup: 'rm -rf /var/lib/apt/lists/*' },
  { name: 'apk cache', dir: 'var/cache/apk', matches: () => true, cleanup: 'apk add --no-cache' },
  { name: 'npm cache', dir: 'root/.npm', matches: () => true, cleanup: 'npm cache clean --force' },
  { name: 'pip cache', dir: 'root/.cache/pip', matches: () => true, cleanup: 'pip install --no-cache-dir' },
  { name: 'yum cache', dir: 'var/cache/yum', matches: () => true, cleanup: 'yum clean all' },
  { name: 'dnf cache', dir: 'var/cache/dnf', matches: () => true, cleanup: 'dnf clean all' },
];

/** BH-IMG-010: package-manager downloads and indexes left in the image: size, and stale metadata. */
const packageCaches: ImageCheck = (ctx) => {
  const index = ctx.analysis.files;
  if (!index) return [];
  const found = new Map<CacheKind, IndexedFile[]>();
  for (const f of index.all()) {
    if (!isRegular(f)) continue;
    const kind = CACHES.find((c) => f.path.startsWith(c.dir + '/') && c.matches(f));
    if (!kind) continue;
    const list = found.get(kind);
    if (list) list.push(f);
    else found.set(kind, [f]);
  }
  return [...found].map(([kind, files]) => {
    const layerIndex = mainLayer(files);
    return ctx.finding({
      id: 'BH-IMG-010',
      severity: 'low',
      title: `Package manager cache left in the image (${kind.name})`,
      remediation: `Clean up in the same RUN step that installs (${kind.cleanup}), or use a cache mount.`,
      evidence: {
        cache: kind.name,
        files: String(files.length),
        bytes: String(files.reduce((n, f) => n + f.size, 0)),
        examples: files.sort(byPath).slice(0, 5).map((f) => f.path).join('\n'),
      },
      path: kind.dir,
      ...(layerIndex !== undefined ? { layerIndex } : {}),
    });
  });
};

const SYSTEM_ROOTS = new Set(['usr', 'etc', 'bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32', 'boot']);

/**
 * BH-IMG-012: world-writable directories without the sticky bit let any user replace others' files
 * (tmp-style directories carry mode 1777); BH-IMG-013: world-writable files in system paths let any
 * user change binaries, libraries or configuration that root runs.
 */
const worldWritable: ImageCheck = (ctx) => {
  const index = ctx.analysis.files;
  if (!index) return [];
  const dirs: IndexedFile[] = [];
  const files: IndexedFile[] = [];
  for (const f of index.all()) {
    if ((f.mode & S_IWOTH) === 0) continue;
    if (f.type === 'dir' && (f.mode & S_ISVTX) === 0) dirs.push(f);
    else if (isRegular(f) && SYSTEM_ROOTS.has(f.path.split('/')[0]!)) files.push(f);
  }
  return [
    ...listFinding(ctx, dirs, {
      id: 'BH-IMG-012',
      severity: 'medium',
      title: 'World-writable directories without the sticky bit',
      remediation: 'chmod o-w the directories, or chmod +t where every user must write (as /tmp).',
    }),
    ...listFinding(ctx, files, {
      id: 'BH-IMG-013',
      severity: 'high',
      title: 'World-writable files in system paths',
      remediation: 'chmod o-w the files; nothing under usr, etc, bin, sbin or lib should be writable by every user.',
    }),
  ];
};

export const fileChecks: readonly ImageCheck[] = [setIdFiles, sshServer, sshHostKeys, packageCaches, worldWritable];
