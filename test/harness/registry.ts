/**
 * Starts a real registry (Debian's `docker-registry`, CNCF Distribution) on 127.0.0.1 for tests,
 * with no auth, htpasswd Basic auth, or Bearer tokens from a small token server that signs ES256
 * JWTs with a self-signed certificate (distribution `docs/spec/auth/jwt.md`). Also builds small OCI
 * layouts from real tar files and pushes them with skopeo, so tests read what real tools wrote.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID, sign, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';

const run = promisify(execFile);

export type RegistryAuth = 'none' | 'htpasswd' | 'token';

export interface TokenRequestRecord {
  service: string | null;
  scopes: string[];
  /** The user named by the Basic header, or undefined for anonymous requests. */
  user?: string;
  granted: boolean;
}

export interface RunningRegistry {
  host: string;
  port: number;
  /** `127.0.0.1:PORT`, as a reference's registry part. */
  registry: string;
  storageDir: string;
  username: string;
  password: string;
  auth: RegistryAuth;
  /** The self-signed certificate (PEM) when the registry serves HTTPS. */
  tlsCertificate?: string;
  /** Token requests seen by the token server (auth 'token' only). */
  tokenRequests: TokenRequestRecord[];
  /** The registry's log so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

function requireTool(path: string, pkg: string): string {
  if (!existsSync(path)) throw new Error(`test harness: ${path} is missing; install the Debian package "${pkg}" (apt-get install -y ${pkg})`);
  return path;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A notification endpoint (distribution `docs/notifications.md`): where and with which static headers. */
export interface RegistryNotifications {
  url: string;
  headers?: Record<string, string[]>;
}

/**
 * `tls`: serve HTTPS with a self-signed certificate (for `--insecure` tests); `notifications`: send
 * push/pull events to an endpoint.
 */
export async function startRegistry(options: { auth?: RegistryAuth; tls?: boolean; notifications?: RegistryNotifications } = {}): Promise<RunningRegistry> {
  const auth = options.auth ?? 'none';
  const binary = requireTool('/usr/bin/docker-registry', 'docker-registry');
  const dir = await mkdtemp(join(tmpdir(), 'bulkhead-registry-'));
  const storageDir = join(dir, 'storage');
  await mkdir(storageDir);
  const username = 'bulkhead';
  const password = randomBytes(12).toString('hex');
  const port = await freePort();
  const tokenRequests: TokenRequestRecord[] = [];
  let tokenServer: http.Server | undefined;
  let tlsCertificate: string | undefined;

  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'info', formatter: 'text' },
    storage: { filesystem: { rootdirectory: storageDir }, delete: { enabled: true } },
    http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex') },
  };
  if (options.notifications) {
    config['notifications'] = {
      endpoints: [{ name: 'bulkhead-test', url: options.notifications.url, headers: options.notifications.headers ?? {}, timeout: '2s', threshold: 3, backoff: '1s' }],
    };
  }
  try {
    if (auth === 'htpasswd') {
      requireTool('/usr/bin/htpasswd', 'apache2-utils');
      const { stdout } = await run('/usr/bin/htpasswd', ['-Bbn', username, password]);
      await writeFile(join(dir, 'htpasswd'), stdout.trim() + '\n');
      config['auth'] = { htpasswd: { realm: 'bulkhead-test', path: join(dir, 'htpasswd') } };
    } else if (auth === 'token') {
      requireTool('/usr/bin/openssl', 'openssl');
      const keyFile = join(dir, 'token-key.pem');
      const certFile = join(dir, 'token-cert.pem');
      await run('/usr/bin/openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=bulkhead-test-token-issuer',
      ]);
      const service = 'bulkhead-test-registry';
      const issuer = 'bulkhead-test-issuer';
      const signer = { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8'), service, issuer };
      tokenServer = await startTokenServer(signer, { username, password }, tokenRequests);
      const { port: tokenPort } = tokenServer.address() as net.AddressInfo;
      config['auth'] = { token: { realm: `http://127.0.0.1:${tokenPort}/token`, service, issuer, rootcertbundle: certFile } };
    }
    if (options.tls) {
      requireTool('/usr/bin/openssl', 'openssl');
      const key = join(dir, 'tls-key.pem');
      const certificate = join(dir, 'tls-cert.pem');
      await run('/usr/bin/openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', certificate,
        '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      ]);
      (config['http'] as Record<string, unknown>)['tls'] = { certificate, key };
      tlsCertificate = await readFile(certificate, 'utf8');
    }
    const configFile = join(dir, 'config.yml');
    await writeFile(configFile, stringify(config));

    const child = spawn(binary, ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const append = (b: Buffer) => {
      log = (log + b.toString('utf8')).slice(-200_000);
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitReady(port, options.tls === true, child, exited, () => log);

    let stopped = false;
    return {
      host: '127.0.0.1', port, registry: `127.0.0.1:${port}`, storageDir, username, password, auth, tokenRequests,
      ...(tlsCertificate ? { tlsCertificate } : {}),
      log: () => log,
      async stop() {
        if (stopped) return;
        stopped = true;
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }
        await closeServer(tokenServer);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await closeServer(tokenServer);
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

async function waitReady(port: number, tls: boolean, child: ChildProcess, exited: Promise<number | null>, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c === null ? -1 : c));
  while (Date.now() < deadline) {
    if (exitCode !== undefined || child.exitCode !== null) {
      throw new Error(`test harness: docker-registry exited with ${exitCode ?? child.exitCode} before serving:\n${log().slice(-4000)}`);
    }
    const status = await new Promise<number>((resolve) => {
      const options = { host: '127.0.0.1', port, path: '/v2/', timeout: 1000, rejectUnauthorized: false };
      const req = (tls ? https : http).get(options, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.on('timeout', () => req.destroy());
    });
    if (status === 200 || status === 401) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`test harness: docker-registry did not answer on 127.0.0.1:${port} within 20 s:\n${log().slice(-4000)}`);
}

function closeServer(server: http.Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * A token server in the shape of distribution `docs/spec/auth/token.md`: anonymous callers get a
 * token with no access, the test user gets pull and push on what it asks for, wrong passwords get 401.
 */
async function startTokenServer(
  signer: { key: string; cert: string; service: string; issuer: string },
  user: { username: string; password: string },
  records: TokenRequestRecord[],
): Promise<http.Server> {
  const certDer = new X509Certificate(signer.cert).raw.toString('base64');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    const scopes = url.searchParams.getAll('scope');
    const header = req.headers.authorization ?? '';
    let name: string | undefined;
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      name = decoded.slice(0, colon);
      if (name !== user.username || decoded.slice(colon + 1) !== user.password) {
        records.push({ service: url.searchParams.get('service'), scopes, user: name, granted: false });
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="bulkhead-test-token"' });
        res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] }));
        return;
      }
    }
    records.push({ service: url.searchParams.get('service'), scopes, ...(name ? { user: name } : {}), granted: true });
    const access = name
      ? scopes.map((s) => s.split(':')).filter((p) => p.length >= 3).map((p) => ({
          type: p[0], name: p.slice(1, -1).join(':'),
          actions: p[p.length - 1]!.split(',').filter((a) => a === 'pull' || a === 'push' || (p[0] === 'registry' && a === '*')),
        }))
      : [];
    const now = Math.floor(Date.now() / 1000);
    const headerJson = { typ: 'JWT', alg: 'ES256', x5c: [certDer] };
    const claims = { iss: signer.issuer, sub: name ?? '', aud: signer.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const signingInput = `${base64url(JSON.stringify(headerJson))}.${base64url(JSON.stringify(claims))}`;
    // JWS ES256 signatures are r||s, not DER (RFC 7518 §3.4).
    const signature = sign('sha256', Buffer.from(signingInput), { key: signer.key, dsaEncoding: 'ieee-p1363' });
    const token = `${signingInput}.${base64url(signature)}`;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return server;
}

export interface TestImageSpec {
  /** Each layer's files: path → content. */
  layers: Array<Record<string, string>>;
  platform?: { os: string; architecture: string; variant?: string };
}

export interface BuiltImage {
  manifestDigest: string;
  configDigest: string;
  layerDigests: string[];
  diffIds: string[];
  createdBy: string[];
}

function sha256(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

async function writeBlob(layoutDir: string, data: Buffer | string): Promise<{ digest: string; size: number }> {
  const digest = sha256(data);
  await writeFile(join(layoutDir, 'blobs', 'sha256', digest.slice(7)), data);
  return { digest, size: Buffer.byteLength(data) };
}

/**
 * Builds an OCI image layout (image-spec `image-layout.md`) from real files: each layer is made by the
 * tar CLI and gzip, digests are computed here. Several images make an index (one per platform).
 * The tag is the `org.opencontainers.image.ref.name` skopeo reads.
 */
export async function buildOciLayout(layoutDir: string, tag: string, images: TestImageSpec[]): Promise<{ images: BuiltImage[]; indexDigest?: string }> {
  await mkdir(join(layoutDir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const built: BuiltImage[] = [];
  const descriptors: Array<Record<string, unknown>> = [];
  for (const [i, spec] of images.entries()) {
    const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
    const layerDescs = [];
    const diffIds: string[] = [];
    const createdBy: string[] = [];
    for (const [j, files] of spec.layers.entries()) {
      const root = await mkdtemp(join(tmpdir(), 'bulkhead-layer-'));
      try {
        for (const [path, content] of Object.entries(files)) {
          await mkdir(join(root, path, '..'), { recursive: true });
          await writeFile(join(root, path), content);
        }
        const tarFile = join(root, '..', `${root.split('/').pop()}.tar`);
        await run('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', root, '-cf', tarFile, '.']);
        const tar = await readFile(tarFile);
        await rm(tarFile);
        const compressed = await gzipFile(tar);
        diffIds.push(sha256(tar));
        const blob = await writeBlob(layoutDir, compressed);
        layerDescs.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...blob });
        createdBy.push(`COPY layer-${i}-${j} /`);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    }
    // An empty_layer entry between real ones checks that readers skip it when aligning history.
    const history = createdBy.flatMap((c, j) => (j === 0 ? [{ created_by: c }, { created_by: 'ENV A=1', empty_layer: true }] : [{ created_by: c }]));
    const configJson = JSON.stringify({ ...platform, config: { Env: ['PATH=/usr/bin'] }, rootfs: { type: 'layers', diff_ids: diffIds }, history });
    const configBlob = await writeBlob(layoutDir, configJson);
    const manifest = JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob }, layers: layerDescs,
    });
    const manifestBlob = await writeBlob(layoutDir, manifest);
    descriptors.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifestBlob, platform });
    built.push({ manifestDigest: manifestBlob.digest, configDigest: configBlob.digest, layerDigests: layerDescs.map((d) => d.digest), diffIds, createdBy });
  }
  const refName = { 'org.opencontainers.image.ref.name': tag };
  if (images.length === 1) {
    await writeFile(join(layoutDir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ ...descriptors[0], annotations: refName }] }));
    return { images: built };
  }
  const index = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: descriptors });
  const indexBlob = await writeBlob(layoutDir, index);
  await writeFile(join(layoutDir, 'index.json'), JSON.stringify({
    schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...indexBlob, annotations: refName }],
  }));
  return { images: built, indexDigest: indexBlob.digest };
}

async function gzipFile(data: Buffer): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'bulkhead-gz-'));
  try {
    await writeFile(join(dir, 'layer.tar'), data);
    await run('gzip', ['-n', '-9', join(dir, 'layer.tar')]);
    return await readFile(join(dir, 'layer.tar.gz'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pushes `oci:LAYOUT:TAG` to `REGISTRY/REPOSITORY:TAG` with skopeo (all platforms of an index). */
export async function pushLayout(registry: RunningRegistry, layoutDir: string, tag: string, target: string): Promise<void> {
  requireTool('/usr/bin/skopeo', 'skopeo');
  const args = ['copy', '--all', '--dest-tls-verify=false'];
  if (registry.auth !== 'none') args.push('--dest-creds', `${registry.username}:${registry.password}`);
  args.push(`oci:${layoutDir}:${tag}`, `docker://${registry.registry}/${target}`);
  try {
    await run('/usr/bin/skopeo', args);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`test harness: skopeo copy to ${registry.registry}/${target} failed: ${err.stderr ?? err.message}\nregistry log:\n${registry.log().slice(-3000)}`);
  }
}

/** Where the registry's filesystem driver keeps a blob (distribution `registry/storage/paths.go`). */
export function blobDataPath(registry: RunningRegistry, digest: string): string {
  const hex = digest.slice('sha256:'.length);
  return join(registry.storageDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
}
