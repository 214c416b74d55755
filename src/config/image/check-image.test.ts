import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageAnalysis } from '../../catalog/analysis.js';
import type { Package } from '../../catalog/types.js';
import type { Finding } from '../../findings/types.js';
import { FileIndex } from '../../image/file-index.js';
import type { ImageConfig } from '../../image/types.js';
import type { FileRecord, LayerAnalysis } from '../../image/walk.js';
import { checkImage } from './index.js';
import { parsePasswd } from '../../catalog/index.js';

function file(path: string, mode: number, extra: Partial<FileRecord> = {}): FileRecord {
  return { path, type: 'file', mode, size: 10, uid: 0, gid: 0, ...extra };
}
function dir(path: string, mode: number): FileRecord {
  return { path, type: 'dir', mode, size: 0, uid: 0, gid: 0 };
}
function layer(layerIndex: number, files: FileRecord[], whiteouts: string[] = []): LayerAnalysis {
  return { layerIndex, files, whiteouts, opaqueDirs: [], results: [], warnings: [], bytes: 0 };
}

/** An analysis in the shape analyzeImage returns, with `files` non-enumerable as it makes it. */
function analysis(opts: { config?: ImageConfig['config']; history?: ImageConfig['history']; layers?: LayerAnalysis[]; packages?: Partial<Package>[]; name?: string; created?: string }): ImageAnalysis {
  const layers = opts.layers ?? [layer(0, [])];
  const config: ImageConfig = { architecture: 'amd64', os: 'linux', config: opts.config ?? {}, history: opts.history ?? [], rootfs: { type: 'layers', diff_ids: [] } };
  if (opts.created) config.created = opts.created;
  const a: ImageAnalysis = {
    schemaVersion: 1,
    image: {
      reference: 'docker-archive:/tmp/x.tar',
      transport: 'docker-archive',
      ...(opts.name ? { name: opts.name } : {}),
      configDigest: 'sha256:' + 'c'.repeat(64),
      labels: opts.config?.Labels ?? {},
      layers: layers.map((l) => ({ index: l.layerIndex, digest: `sha256:${String(l.layerIndex).repeat(64)}`, mediaType: 'application/vnd.oci.image.layer.v1.tar', files: l.files.length, bytes: 0 })),
      config,
      ...(opts.created ? { created: opts.created } : {}),
    },
    packages: (opts.packages ?? []).map((p, i) => ({ id: `p${i}`, name: 'x', version: '1', type: 'deb', purl: 'pkg:deb/x@1', cataloger: 'dpkg', locations: [], ...p }) as Package),
    warnings: [],
    files: FileIndex.build(layers),
  };
  Object.defineProperty(a, 'files', { enumerable: false });
  return a;
}

const ids = (fs: Finding[]) => fs.map((f) => f.id);
const one = (fs: Finding[], id: string) => {
  const hits = fs.filter((f) => f.id === id);
  assert.equal(hits.length, 1, `one ${id} in ${JSON.stringify(ids(fs))}`);
  return hits[0]!;
};
const CLEAN_CONFIG = { User: '10001', Healthcheck: { Test: ['CMD', '/bin/true'] } };
const NOW = new Date('2025-01-01T00:00:00Z');

describe('BH-IMG-001 runs as root (CIS 4.1)', () => {
  // a passwd(5) file as Debian's base-passwd ships it, plus a renamed root account
  const passwd = parsePasswd('root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\ntoor:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
  const cases: [string | undefined, boolean][] = [
    [undefined, true],
    ['', true],
    ['0', true],
    ['0:0', true],
    ['root', true],
    ['root:app', true],
    ['toor', true],
    ['app', false],
    ['1000:0', false],
    ['daemon', false],
  ];
  for (const [user, root] of cases) {
    test(`USER ${JSON.stringify(user)} → ${root ? 'root' : 'not root'}`, () => {
      const fs = checkImage(analysis({ config: { ...(user !== undefined ? { User: user } : {}) } }), { passwd });
      assert.equal(ids(fs).includes('BH-IMG-001'), root);
      if (root) assert.equal(one(fs, 'BH-IMG-001').evidence?.cis, '4.1');
    });
  }
  test('a name without etc/passwd is not guessed to be root', () => {
    assert.ok(!ids(checkImage(analysis({ config: { User: 'toor' } }))).includes('BH-IMG-001'));
  });
});

test('BH-IMG-002: no HEALTHCHECK, HEALTHCHECK NONE, and a real one', () => {
  assert.equal(one(checkImage(analysis({ config: {} })), 'BH-IMG-002').evidence?.cis, '4.6');
  assert.match(one(checkImage(analysis({ config: { Healthcheck: { Test: ['NONE'] } } })), 'BH-IMG-002').title, /disables/);
  assert.ok(!ids(checkImage(analysis({ config: { Healthcheck: { Test: ['CMD-SHELL', 'curl -f http://localhost/'] } } }))).includes('BH-IMG-002'));
});

test('BH-IMG-003/004: every setuid/setgid file listed, hidden ones apart', () => {
  const a = analysis({
    config: CLEAN_CONFIG,
    layers: [
      layer(0, [dir('usr', 0o755), file('usr/bin/passwd', 0o104755), file('usr/bin/chage', 0o102755), file('usr/bin/su', 0o104755), file('usr/bin/mount', 0o104755), file('usr/bin/ls', 0o100755)]),
      // layer 1 replaces su without the bit and deletes mount: both still ship in layer 0
      layer(1, [file('usr/bin/su', 0o100755), file('opt/tool', 0o106750, { uid: 1000 })], ['usr/bin/mount']),
    ],
  });
  const fs = checkImage(a);
  const visible = one(fs, 'BH-IMG-003');
  assert.equal(visible.evidence?.cis, '4.8');
  assert.equal(visible.evidence?.count, '3');
  const lines = visible.evidence!.files!.split('\n');
  assert.deepEqual(lines.map((l) => l.split(' ')[0]), ['opt/tool', 'usr/bin/chage', 'usr/bin/passwd']);
  assert.match(lines[0]!, /mode=6750 \(setuid\+setgid\) uid=1000 gid=0 layer=1/);
  const hidden = one(fs, 'BH-IMG-004');
  assert.deepEqual(hidden.evidence!.files!.split('\n').map((l) => l.split(' ')[0]), ['usr/bin/mount', 'usr/bin/su']);
  assert.ok(!ids(checkImage(analysis({ config: CLEAN_CONFIG, layers: [layer(0, [file('usr/bin/ls', 0o755)])] }))).includes('BH-IMG-003'));
});

test('BH-IMG-005: sshd by package, by file through a usr-merge symlink, or port 22', () => {
  const byPackage = one(checkImage(analysis({ packages: [{ name: 'openssh-server', version: '1:9.2p1-2' }] })), 'BH-IMG-005');
  assert.match(byPackage.evidence!.packages!, /openssh-server 1:9.2p1-2/);
  const merged = [layer(0, [{ path: 'sbin', type: 'symlink', mode: 0o777, size: 0, uid: 0, gid: 0, linkTarget: 'usr/sbin' }, file('usr/sbin/sshd', 0o755)])];
  assert.equal(one(checkImage(analysis({ layers: merged })), 'BH-IMG-005').target.path, 'usr/sbin/sshd');
  const port = one(checkImage(analysis({ config: { ExposedPorts: { '22/tcp': {}, '8080/tcp': {} } } })), 'BH-IMG-005');
  assert.equal(port.evidence!.exposedPorts, '22/tcp');
  assert.equal(port.severity, 'low');
  assert.ok(!ids(checkImage(analysis({ config: { ExposedPorts: { '8080/tcp': {} } } }))).includes('BH-IMG-005'));
});

describe('history checks', () => {
  // created_by strings as the classic builder and BuildKit write them
  const history = [
    { created_by: '/bin/sh -c #(nop) ADD file:6b7e8f5a1c in / ' },
    { created_by: '/bin/sh -c #(nop)  CMD ["bash"]', empty_layer: true },
    { created_by: 'ADD https://example.com/tool.tgz /opt/ # buildkit' },
    { created_by: 'ADD --checksum=sha256:abcd https://example.com/x /x # buildkit' },
    { created_by: '/bin/sh -c #(nop) ADD file:0123abcd in /app/config.json ' },
    { created_by: 'ADD rootfs.tar.xz /srv # buildkit' },
    { created_by: '/bin/sh -c apt-get update' },
    { created_by: '/bin/sh -c apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*' },
    { created_by: 'RUN /bin/sh -c apt-get -y upgrade # buildkit' },
    { created_by: '/bin/sh -c curl -fsSL https://get.example.sh | sh' },
    { created_by: 'RUN |1 INSTALL_TOKEN=s3cr3tvalue /bin/sh -c bash -c "$(wget -qO- https://example.com/i.sh)" # buildkit' },
    { created_by: '/bin/sh -c apk add --no-cache ca-certificates' },
  ];
  const layerCount = history.filter((h) => !h.empty_layer).length;
  const a = analysis({ config: CLEAN_CONFIG, history, layers: Array.from({ length: layerCount }, (_, i) => layer(i, [])) });
  const fs = checkImage(a);

  test('ADD from a URL (006), pinned with --checksum at lower severity; ADD of a local file (007); base rootfs and archives exempt', () => {
    const remote = fs.filter((f) => f.id === 'BH-IMG-006');
    assert.deepEqual(remote.map((f) => [f.target.layerIndex, f.severity, f.evidence?.checksum]), [[1, 'medium', 'none'], [2, 'low', 'pinned']]);
    assert.equal(remote[0]!.evidence?.cis, '4.9');
    const local = fs.filter((f) => f.id === 'BH-IMG-007');
    assert.deepEqual(local.map((f) => f.target.layerIndex), [3]);
  });
  test('update alone (014, CIS 4.7), upgrade (015), fetched script piped to a shell (016)', () => {
    assert.deepEqual(fs.filter((f) => f.id === 'BH-IMG-014').map((f) => f.target.layerIndex), [5]);
    assert.deepEqual(fs.filter((f) => f.id === 'BH-IMG-015').map((f) => f.target.layerIndex), [7]);
    assert.deepEqual(fs.filter((f) => f.id === 'BH-IMG-016').map((f) => f.target.layerIndex), [8, 9]);
  });
  test('a build argument with a secret-looking name is reported by name, its value nowhere', () => {
    const secret = one(fs, 'BH-IMG-008');
    assert.deepEqual([secret.evidence?.source, secret.evidence?.name, secret.evidence?.cis], ['ARG', 'INSTALL_TOKEN', '4.10']);
    assert.ok(!JSON.stringify(fs).includes('s3cr3tvalue'), 'no finding carries the value');
  });
  test('history that does not pair with the layers gives no layer index', () => {
    const b = analysis({ config: CLEAN_CONFIG, history, layers: [layer(0, [])] });
    assert.ok(checkImage(b).filter((f) => f.id === 'BH-IMG-006').every((f) => f.target.layerIndex === undefined));
  });
});

test('BH-IMG-008: ENV and LABEL names with literal values, never their values', () => {
  const fs = checkImage(
    analysis({
      config: {
        ...CLEAN_CONFIG,
        Env: ['PATH=/usr/bin', 'DB_PASSWORD=hunter2', 'DB_PASSWORD_FILE=/run/secrets/db', 'API_KEY=', 'GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D', 'githubToken=ghp_abc'],
        Labels: { 'com.example.admin-password': 'letmein', 'org.opencontainers.image.version': '1.0' },
      },
    }),
  );
  const names = fs.filter((f) => f.id === 'BH-IMG-008').map((f) => `${f.evidence?.source} ${f.evidence?.name}`);
  assert.deepEqual(names.sort(), ['ENV DB_PASSWORD', 'ENV githubToken', 'LABEL com.example.admin-password']);
  const text = JSON.stringify(fs);
  for (const v of ['hunter2', 'ghp_abc', 'letmein']) assert.ok(!text.includes(v), `${v} leaked`);
});

test('BH-IMG-009: latest or missing tag; version tags and digests pass', () => {
  assert.equal(one(checkImage(analysis({ name: 'example/app:latest' })), 'BH-IMG-009').evidence?.tag, 'latest');
  assert.equal(one(checkImage(analysis({ name: 'localhost:5000/app' })), 'BH-IMG-009').evidence?.tag, '(none)');
  for (const name of ['localhost:5000/app:1.2', 'example/app@sha256:' + 'a'.repeat(64)]) {
    assert.ok(!ids(checkImage(analysis({ name }))).includes('BH-IMG-009'), name);
  }
});

test('BH-IMG-010: package-manager caches, one finding per cache with counts and sizes', () => {
  const a = analysis({
    layers: [
      layer(0, [
        file('var/cache/apt/archives/curl_7.88.1-10_amd64.deb', 0o644, { size: 300 }),
        file('var/cache/apt/archives/lock', 0o640),
        file('var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease', 0o644, { size: 1000 }),
        file('var/lib/apt/lists/lock', 0o640),
        file('root/.cache/pip/http/a/b', 0o600, { size: 50 }),
        file('var/cache/debconf/config.dat', 0o644),
      ]),
    ],
  });
  const caches = checkImage(a).filter((f) => f.id === 'BH-IMG-010');
  assert.deepEqual(caches.map((f) => [f.evidence?.cache, f.evidence?.files, f.evidence?.bytes, f.target.path]).sort(), [
    ['apt archives', '1', '300', 'var/cache/apt/archives'],
    ['apt lists', '1', '1000', 'var/lib/apt/lists'],
    ['pip cache', '1', '50', 'root/.cache/pip'],
  ]);
});

test('BH-IMG-011: age against maxAgeDays; epoch timestamps of reproducible builds are not judged', () => {
  assert.equal(one(checkImage(analysis({ created: '2023-06-01T00:00:00Z' }), { now: NOW }), 'BH-IMG-011').evidence?.ageDays, '580');
  assert.ok(!ids(checkImage(analysis({ created: '2023-06-01T00:00:00Z' }), { now: NOW, maxAgeDays: 600 })).includes('BH-IMG-011'));
  assert.ok(!ids(checkImage(analysis({ created: '1970-01-01T00:00:00Z' }), { now: NOW })).includes('BH-IMG-011'));
});

test('BH-IMG-012/013: world-writable directories without sticky bit, world-writable system files', () => {
  const a = analysis({
    layers: [layer(0, [dir('tmp', 0o41777), dir('srv/drop', 0o40777), file('etc/app.conf', 0o100666), file('home/u/notes', 0o100666), { path: 'usr/bin/vi', type: 'symlink', mode: 0o777, size: 0, uid: 0, gid: 0, linkTarget: 'vim' }])],
  });
  const fs = checkImage(a);
  assert.equal(one(fs, 'BH-IMG-012').target.path, 'srv/drop');
  assert.equal(one(fs, 'BH-IMG-013').target.path, 'etc/app.conf');
});

test('BH-IMG-017: risky service ports and very broad EXPOSE ranges', () => {
  const ports = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`${9000 + i}/tcp`, {}]));
  const fs = checkImage(analysis({ config: { ExposedPorts: { '23/tcp': {}, '443/tcp': {}, ...ports } } }));
  assert.deepEqual(fs.filter((f) => f.id === 'BH-IMG-017').map((f) => f.title).sort(), ['Image exposes 42 ports', 'Image exposes port 23/tcp (Telnet (clear-text credentials))']);
});

test('a clean image gets none of the checks', () => {
  const a = analysis({
    config: { ...CLEAN_CONFIG, ExposedPorts: { '8080/tcp': {} }, Env: ['PATH=/usr/bin'] },
    name: 'example/app:1.0',
    created: '2024-12-01T00:00:00Z',
    layers: [layer(0, [dir('tmp', 0o41777), file('usr/bin/app', 0o755)])],
    history: [{ created_by: 'COPY app /usr/bin/app # buildkit' }],
  });
  assert.deepEqual(checkImage(a, { now: NOW }), []);
});
