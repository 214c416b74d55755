/**
 * The Debian fixture image (~530 MB of real Debian and npm files) with credentials, the EICAR test
 * file and risky settings seeded in: the image the secret, malware and image-configuration scanners
 * are measured on. Built FROM the Debian fixture with Docker; openssh-server comes from Debian.
 *
 * Seeded: cloud key pair, GCP service account, forge and package-registry tokens, chat and payment
 * keys, a password in a database URL, SSH and TLS private keys, a token in ENV, a Docker registry
 * login in a file a later layer deletes (it still ships), EICAR; no USER, no HEALTHCHECK, EXPOSE 22.
 * The reference facts (setuid/setgid files) come from `tar -tv` of `docker export`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDocker } from './docker.js';
import { requireCommand, run } from './exec.js';
import { cachedFixture } from './fixture-cache.js';
import { debianFixture, ensureFixtureInDaemon, FIXTURE_IMAGE } from './fixtures.js';
import { awsKeyPair, samples, type SecretSample } from './secret-samples.js';

export const SEEDED_VERSION = 'seeded-v1';
export const SEEDED_IMAGE = 'bulkhead-fixture/seeded:1';

/** The EICAR anti-virus test file (eicar.org), assembled here so no scanner flags this source file. */
export const EICAR = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join('');

export interface SeededSecret extends SecretSample {
  /** Image-root relative path, or `config:Env` for the image configuration. */
  path: string;
}

export interface SeededFixture {
  archivePath: string;
  secrets: SeededSecret[];
  eicarPath: string;
  /** Files with the setuid or setgid bit in the final file system, as tar lists them. */
  setuidFiles: string[];
}

let memo: Promise<SeededFixture> | undefined;

export function seededFixture(): Promise<SeededFixture> {
  memo ??= load().catch((e: unknown) => {
    memo = undefined;
    throw e;
  });
  return memo;
}

async function load(): Promise<SeededFixture> {
  const dir = await cachedFixture(SEEDED_VERSION, build);
  const facts = JSON.parse(readFileSync(join(dir, 'facts.json'), 'utf8')) as Omit<SeededFixture, 'archivePath'>;
  return { archivePath: join(dir, 'image.tar'), ...facts };
}

function file(root: string, path: string, content: string, mode = 0o644): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content, { mode });
}

async function build(out: string): Promise<void> {
  await ensureDocker();
  requireCommand('ssh-keygen', 'openssh-client', 'making the seeded SSH key');
  await ensureFixtureInDaemon(await debianFixture());
  const context = join(out, 'context');
  const root = join(context, 'seeded');
  mkdirSync(root, { recursive: true });
  const secrets: SeededSecret[] = [];
  const seed = (s: SecretSample, path: string): string => {
    secrets.push({ ...s, path });
    return s.value;
  };

  const aws = awsKeyPair();
  file(root, 'app/.env', [
    'NODE_ENV=production',
    `AWS_ACCESS_KEY_ID=${seed(aws.id, 'app/.env')}`,
    `AWS_SECRET_ACCESS_KEY=${seed(aws.secret, 'app/.env')}`,
    `STRIPE_SECRET_KEY=${seed(samples.stripe(), 'app/.env')}`,
    `SLACK_BOT_TOKEN=${seed(samples.slack(), 'app/.env')}`,
    `SENDGRID_API_KEY=${seed(samples.sendgrid(), 'app/.env')}`,
    '',
  ].join('\n'));
  const db = samples.dbPassword();
  file(root, 'app/config/database.yml', `production:\n  url: postgres://app:${seed(db, 'app/config/database.yml')}@db.internal:5432/app\n  pool: 5\n`);
  file(root, 'app/lib/notify.js', `'use strict';\nconst twilioApiKey = '${seed(samples.twilio(), 'app/lib/notify.js')}';\nmodule.exports = { twilioApiKey };\n`);
  file(root, 'home/dev/.npmrc', `//registry.npmjs.org/:_authToken=${seed(samples.npm(), 'home/dev/.npmrc')}\n`);
  file(root, 'root/.pypirc', `[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\npassword = ${seed(samples.pypi(), 'root/.pypirc')}\n`);
  file(root, 'root/.git-credentials', `https://dev:${seed(samples.github(), 'root/.git-credentials')}@github.com\n`, 0o600);

  // SSH private key (OpenSSH format) made by ssh-keygen; TLS key and service account key by Node
  const sshDir = join(out, 'ssh');
  mkdirSync(sshDir, { recursive: true });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'deploy@seeded', '-f', join(sshDir, 'id_ed25519')]);
  const sshKey = readFileSync(join(sshDir, 'id_ed25519'), 'utf8');
  file(root, 'root/.ssh/id_ed25519', sshKey, 0o600);
  secrets.push({ kind: 'ssh-private-key', value: sshKey.split('\n')[1]!, path: 'root/.ssh/id_ed25519' });
  const tls = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  file(root, 'app/certs/server.key', tls, 0o600);
  secrets.push({ kind: 'rsa-private-key', value: tls.split('\n')[1]!, path: 'app/certs/server.key' });
  const saKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  file(root, 'app/gcp-service-account.json', JSON.stringify({
    type: 'service_account',
    project_id: 'seeded-project',
    private_key_id: 'a'.repeat(8) + '0123456789abcdef0123456789abcdef',
    private_key: saKey,
    client_email: 'deployer@seeded-project.iam.gserviceaccount.com',
    client_id: '103' + '0'.repeat(18),
    token_uri: 'https://oauth2.googleapis.com/token',
  }, null, 2) + '\n');
  secrets.push({ kind: 'gcp-service-account', value: saKey.split('\n')[1]!, path: 'app/gcp-service-account.json' });

  // a registry login in a file the next layer deletes: still in the image's layers
  const hub = samples.dockerHub();
  const auth = Buffer.from(`deployer:${hub.value}`).toString('base64');
  file(root, 'tmp/build/.docker/config.json', JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth } } }, null, 2) + '\n');
  secrets.push({ kind: 'docker-config-auth', value: auth, path: 'tmp/build/.docker/config.json' });
  file(root, 'opt/samples/eicar.com', EICAR);

  const gitlab = samples.gitlab();
  secrets.push({ ...gitlab, path: 'config:Env' });
  writeFileSync(join(context, 'Dockerfile'), `FROM ${FIXTURE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server && rm -rf /var/lib/apt/lists/*
COPY seeded/ /
RUN rm -rf /tmp/build
ENV GITLAB_TOKEN=${gitlab.value}
EXPOSE 22
CMD ["/usr/sbin/sshd", "-D"]
`);
  await run('docker', ['build', '--network', 'host', '-t', SEEDED_IMAGE, context], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  await run('docker', ['save', '-o', join(out, 'image.tar'), SEEDED_IMAGE]);

  // reference: setuid/setgid regular files of the final file system, as tar shows them
  const cid = (await run('docker', ['create', '--network', 'none', SEEDED_IMAGE])).stdout.trim();
  let listing: string;
  try {
    listing = (await run('bash', ['-o', 'pipefail', '-c', 'docker export "$1" | tar -tvf -', 'list', cid])).stdout;
  } finally {
    await run('docker', ['rm', '-f', cid]);
  }
  const setuidFiles = listing
    .split('\n')
    .filter((l) => /^-..[sS]|^-.....[sS]/.test(l))
    .map((l) => l.slice(l.search(/\d\d:\d\d /) + 6).trim())
    .sort();
  writeFileSync(join(out, 'facts.json'), JSON.stringify({ secrets, eicarPath: 'opt/samples/eicar.com', setuidFiles }, null, 1));
}
