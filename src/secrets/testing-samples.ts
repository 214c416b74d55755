import { execFileSync } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * Test-time generators of credentials in each provider's documented format: random characters of
 * the right alphabet and length (with GitHub's and npm's CRC32 base62 checksum), and real keys made
 * by Node's crypto, OpenSSL and ssh-keygen. Nothing here is a real credential; nothing is committed.
 */

export const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const HEX = '0123456789abcdef';
const B64URL = `${B62}-_`;
const B64 = `${B62}+/`;
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER_DIGITS = 'abcdefghijklmnopqrstuvwxyz0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';

export function rand(alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** Base62 (0-9A-Za-z) of the CRC32 of the random part, six characters: GitHub and npm tokens. */
function checksummed(prefix: string, randomLength: number): string {
  const body = rand(B62, randomLength);
  let n = crc32(body);
  const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let sum = '';
  while (n > 0) {
    sum = digits[n % 62] + sum;
    n = Math.floor(n / 62);
  }
  return `${prefix}${body}${sum.padStart(6, '0')}`;
}

/** A password-like value: mixed characters, a digit and a symbol, no dictionary words. */
export function password(): string {
  return `${rand('ABCDEFGHJKLMNPQRSTUVWXYZ', 3)}${rand('0123456789', 3)}${rand('abcdefghijkmnpqrstuvwxyz', 3)}${rand('!#%&*+', 2)}${rand(B62, 5)}`;
}

export interface Sample {
  text: string;
  secret: string;
  path?: string;
}

const wrap = (secret: string, before = 'TOKEN=', after = '\n'): Sample => ({ text: `# config\n${before}${secret}${after}`, secret });

interface KeyPems {
  rsa: string;
  rsaEncrypted: string;
  ec: string;
  pkcs8: string;
  encrypted: string;
  dsa: string;
  openssh: string;
}

let cachedKeys: KeyPems | undefined;

/** Private keys made once per run: Node crypto, `openssl pkey` for the traditional DSA form, ssh-keygen for OpenSSH. */
export function realKeys(): KeyPems {
  if (cachedKeys) return cachedKeys;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-keys-'));
  try {
    let dsa: string;
    let openssh: string;
    try {
      // OpenSSL 3 writes PKCS#8 by default; `-traditional` gives the "DSA PRIVATE KEY" form.
      const pkcs8 = generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
      dsa = execFileSync('openssl', ['pkey', '-traditional'], { input: pkcs8, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      throw new Error(`openssl is needed to make a DSA key (Debian package openssl): ${(e as Error).message}`);
    }
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test', '-f', join(dir, 'id')], { stdio: 'ignore' });
      openssh = readFileSync(join(dir, 'id'), 'utf8');
    } catch (e) {
      throw new Error(`ssh-keygen is needed to make an OpenSSH key (Debian package openssh-client): ${(e as Error).message}`);
    }
    cachedKeys = {
      rsa: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
      rsaEncrypted: rsa.privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' }) as string,
      ec: ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string,
      pkcs8: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      encrypted: ec.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string,
      dsa,
      openssh,
    };
    return cachedKeys;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The base64 body of a PEM block: what the key rules report as the secret. */
export function pemBody(pem: string): string {
  const all = pem.trim().split('\n');
  const begin = all.findIndex((l) => /^-----BEGIN .*PRIVATE KEY/u.test(l));
  const end = all.findIndex((l, i) => i > begin && l.startsWith('-----END'));
  const lines = all.slice(begin + 1, end);
  const first = lines.findIndex((l) => !l.includes(':') && l.trim() !== '');
  return lines.slice(first).join('\n') + '\n';
}

/** RFC 4880 section 6.1 CRC-24 of the armoured data. */
function crc24(data: Buffer): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

function jwt(): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: rand(B62, 10), iat: 1700000000 })}`;
  return `${head}.${createHmac('sha256', randomBytes(32)).update(head).digest('base64url')}`;
}

/** One generator per built-in rule id. */
export const SAMPLES: Record<string, () => Sample> = {
  'aws-access-key-id': () => wrap(`AKIA${rand('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`, 'AWS_ACCESS_KEY_ID='),
  'aws-secret-access-key': () => wrap(rand(B64, 40), 'aws_secret_access_key = '),
  'gcp-service-account-key': () => {
    const key = realKeys().pkcs8;
    const json = JSON.stringify({ type: 'service_account', project_id: 'p', private_key_id: rand(HEX, 40), private_key: key }, null, 2);
    return { text: json, secret: JSON.stringify(key.trimEnd()).slice(1, -1) };
  },
  'gcp-api-key': () => wrap(`AIza${rand(B64URL, 35)}`, 'key: '),
  'gcp-oauth-client-secret': () => wrap(`GOCSPX-${rand(B64URL, 28)}`),
  'azure-storage-account-key': () => wrap(randomBytes(64).toString('base64'), 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=', ';EndpointSuffix=core.windows.net\n'),
  'azure-shared-access-key': () => wrap(randomBytes(32).toString('base64'), 'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey='),
  'azure-sas-token': () => wrap(encodeURIComponent(randomBytes(32).toString('base64')), 'https://a.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&spr=https&sig='),
  'azure-client-secret': () => wrap(`${rand(B62, 3)}${randomInt(10)}Q~${rand(`${B62}_~.-`, 30)}${rand(B62, 4)}`, 'AZURE_CLIENT_SECRET='),
  'alibaba-access-key-id': () => wrap(`LTAI${rand(B62, 20)}`),
  'tencent-secret-id': () => wrap(`AKID${rand(B62, 32)}`),
  'digitalocean-token': () => wrap(`dop_v1_${rand(HEX, 64)}`),
  'cloudflare-origin-ca-key': () => wrap(`v1.0-${rand(HEX, 24)}-${rand(HEX, 146)}`),
  'cloudflare-api-token': () => wrap(rand(B62, 40), 'CLOUDFLARE_API_TOKEN='),
  'heroku-api-key': () => wrap(`HRKU-AA${rand(B64URL, 58)}`),
  'vault-token': () => wrap(`hvs.${rand(B64URL, 90)}`),
  'terraform-cloud-token': () => wrap(`${rand(B62, 14)}.atlasv1.${rand(B62, 67)}`),
  'databricks-token': () => wrap(`dapi${rand(HEX, 32)}`),
  'pulumi-access-token': () => wrap(`pul-${rand(HEX, 40)}`),
  'doppler-token': () => wrap(`dp.pt.${rand(B62, 43)}`),
  'okta-api-token': () => wrap(`00${rand(B62, 40)}`, 'OKTA_API_TOKEN='),
  'artifactory-api-key': () => wrap(`AKCp${rand(B62, 69)}`),
  'artifactory-reference-token': () => wrap(`cmVmdGtu${rand(B62, 56)}`),
  'tailscale-key': () => wrap(`tskey-auth-${rand(B62, 12)}-${rand(B62, 30)}`),
  'supabase-token': () => wrap(`sbp_${rand(HEX, 40)}`),
  'flyio-token': () => wrap(`fm2_${rand(B64, 120)}`, 'FLY_API_TOKEN="FlyV1 ', '"\n'),
  'planetscale-token': () => wrap(`pscale_tkn_${rand(B62, 43)}`),
  'netlify-token': () => wrap(`nfp_${rand(B62, 36)}`),
  'github-pat': () => wrap(checksummed('ghp_', 30), 'GITHUB_TOKEN='),
  'github-oauth-token': () => wrap(checksummed('gho_', 30)),
  'github-user-to-server-token': () => wrap(checksummed('ghu_', 30)),
  'github-server-to-server-token': () => wrap(checksummed('ghs_', 30)),
  'github-refresh-token': () => wrap(checksummed('ghr_', 30)),
  'github-fine-grained-pat': () => wrap(`github_pat_${rand(B62, 22)}_${rand(B62, 59)}`),
  'gitlab-pat': () => wrap(`glpat-${rand(B62, 20)}`),
  'gitlab-runner-token': () => wrap(`glrt-${rand(B62, 20)}`),
  'gitlab-runner-registration-token': () => wrap(`GR1348941${rand(B62, 20)}`),
  'gitlab-deploy-token': () => wrap(`gldt-${rand(B62, 20)}`),
  'gitlab-pipeline-trigger-token': () => wrap(`glptt-${rand(HEX, 40)}`),
  'gitlab-other-token': () => wrap(`glcbt-${rand(B62, 20)}`),
  'npm-access-token': () => wrap(checksummed('npm_', 30), 'NPM_TOKEN='),
  'pypi-upload-token': () => wrap(`pypi-AgEIcHlwaS5vcmc${rand(B64URL, 150)}`),
  'dockerhub-token': () => wrap(`dckr_pat_${rand(B62, 27)}`),
  'rubygems-api-key': () => wrap(`rubygems_${rand(HEX, 48)}`),
  'nuget-api-key': () => wrap(`oy2${rand(LOWER_DIGITS, 43)}`),
  'atlassian-api-token': () => wrap(`ATATT3${rand(B62, 186)}`),
  'linear-api-key': () => wrap(`lin_api_${rand(B62, 40)}`),
  'postman-api-key': () => wrap(`PMAK-${rand(HEX, 24)}-${rand(HEX, 34)}`),
  'buildkite-token': () => wrap(`bkua_${rand(HEX, 40)}`),
  'circleci-token': () => wrap(`CCIPAT_${rand(B62, 22)}_${rand(HEX, 40)}`),
  'sourcegraph-token': () => wrap(`sgp_${rand(HEX, 16)}_${rand(HEX, 40)}`),
  'figma-token': () => wrap(`figd_${rand(B62, 40)}`),
  'prefect-api-key': () => wrap(`pnu_${rand(B62, 36)}`),
  'slack-bot-token': () => wrap(`xoxb-${rand('0123456789', 11)}-${rand('0123456789', 12)}-${rand(B62, 24)}`),
  'slack-user-token': () => wrap(`xoxp-${rand('0123456789', 11)}-${rand('0123456789', 11)}-${rand('0123456789', 12)}-${rand(HEX, 32)}`),
  'slack-legacy-token': () => wrap(`xoxr-${rand(B62, 40)}`),
  'slack-app-token': () => wrap(`xapp-1-A${rand(UPPER_DIGITS, 10)}-${rand('0123456789', 13)}-${rand(HEX, 64)}`),
  'slack-webhook': () => wrap(`https://hooks.slack.com/services/T${rand(UPPER_DIGITS, 8)}/B${rand(UPPER_DIGITS, 10)}/${rand(B62, 24)}`),
  'stripe-secret-key': () => wrap(`sk_live_${rand(B62, 99)}`),
  'stripe-restricted-key': () => wrap(`rk_live_${rand(B62, 99)}`),
  'stripe-webhook-secret': () => wrap(`whsec_${rand(B62, 32)}`),
  'twilio-api-key': () => wrap(`SK${rand(HEX, 32)}`),
  'twilio-auth-token': () => wrap(rand(HEX, 32), 'TWILIO_AUTH_TOKEN='),
  'sendgrid-api-key': () => wrap(`SG.${rand(B62, 22)}.${rand(B62, 43)}`),
  'brevo-api-key': () => wrap(`xkeysib-${rand(HEX, 64)}-${rand(B62, 16)}`),
  'mailgun-api-key': () => wrap(`key-${rand(HEX, 32)}`),
  'mailchimp-api-key': () => wrap(`${rand(HEX, 32)}-us${randomInt(1, 21)}`),
  'shopify-token': () => wrap(`shpat_${rand(HEX, 32)}`),
  'square-token': () => wrap(`sq0atp-${rand(B62, 22)}`),
  'square-access-token': () => wrap(`EAAA${rand(B64URL, 60)}`),
  'braintree-access-token': () => wrap(`access_token$production$${rand(LOWER_DIGITS, 16)}$${rand(HEX, 32)}`),
  'newrelic-api-key': () => wrap(`NRAK-${rand(UPPER_DIGITS, 27)}`),
  'datadog-api-key': () => wrap(rand(HEX, 32), 'DD_API_KEY='),
  'sentry-dsn': () => wrap(rand(HEX, 32), 'SENTRY_DSN=https://', `@o${randomInt(100000, 999999)}.ingest.sentry.io/${randomInt(1000, 9999999)}\n`),
  'sentry-auth-token': () => wrap(`sntrys_${rand(B62, 80)}`),
  'dynatrace-token': () => wrap(`dt0c01.${rand(UPPER_DIGITS, 24)}.${rand(UPPER_DIGITS, 64)}`),
  'grafana-cloud-token': () => wrap(`glc_${rand(B62, 80)}`),
  'grafana-service-account-token': () => wrap(`glsa_${rand(B62, 32)}_${rand(HEX, 8)}`),
  'discord-webhook': () => wrap(`https://discord.com/api/webhooks/${rand('0123456789', 18)}/${rand(B62, 68)}`),
  'discord-bot-token': () => wrap(`M${rand(B62, 23)}.${rand(B62, 6)}.${rand(B62, 27)}`, 'DISCORD_BOT_TOKEN='),
  'telegram-bot-token': () => wrap(`${randomInt(10000000, 999999999)}:AA${rand(B62, 33)}`),
  'openai-api-key': () => wrap(`sk-proj-${rand(B62, 40)}T3BlbkFJ${rand(B62, 40)}`),
  'anthropic-api-key': () => wrap(`sk-ant-api03-${rand(B62, 93)}AA`),
  'huggingface-token': () => wrap(`hf_${rand(LETTERS, 34)}`),
  'groq-api-key': () => wrap(`gsk_${rand(B62, 52)}`),
  'perplexity-api-key': () => wrap(`pplx-${rand(B62, 48)}`),
  'xai-api-key': () => wrap(`xai-${rand(B62, 80)}`),
  'replicate-api-token': () => wrap(`r8_${rand(B62, 37)}`),
  'mapbox-secret-token': () => wrap(`sk.eyJ1Ijoi${rand(B62, 40)}.${rand(B62, 22)}`),
  'notion-token': () => wrap(`ntn_${rand(B62, 46)}`),
  'private-key-rsa': () => ({ text: realKeys().rsa, secret: pemBody(realKeys().rsa), path: 'root/.ssh/id_rsa' }),
  'private-key-ec': () => ({ text: realKeys().ec, secret: pemBody(realKeys().ec) }),
  'private-key-dsa': () => ({ text: realKeys().dsa, secret: pemBody(realKeys().dsa) }),
  'private-key-pkcs8': () => ({ text: `const key = ${JSON.stringify(realKeys().pkcs8)};\n`, secret: JSON.stringify(pemBody(realKeys().pkcs8)).slice(1, -1) }),
  'private-key-encrypted': () => ({ text: realKeys().encrypted, secret: pemBody(realKeys().encrypted) }),
  'private-key-openssh': () => ({ text: realKeys().openssh, secret: pemBody(realKeys().openssh), path: 'home/x/.ssh/id_ed25519' }),
  'pgp-private-key-block': () => {
    const data = randomBytes(600);
    const body = `${data.toString('base64').replace(/.{64}/gu, '$&\n')}\n=${Buffer.from([crc24(data) >> 16, (crc24(data) >> 8) & 255, crc24(data) & 255]).toString('base64')}\n`;
    return { text: `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${body}-----END PGP PRIVATE KEY BLOCK-----\n`, secret: body };
  },
  'private-key-putty': () => {
    const secret = `${randomBytes(48).toString('base64')}\n`;
    return {
      text: `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: test\nPublic-Lines: 2\n${randomBytes(48).toString('base64')}\n${randomBytes(3).toString('base64')}\nPrivate-Lines: 1\n${secret}Private-MAC: ${rand(HEX, 64)}\n`,
      secret,
    };
  },
  'age-secret-key': () => wrap(`AGE-SECRET-KEY-1${rand(BECH32, 58)}`, ''),
  'kubeconfig-client-key': () => wrap(Buffer.from(realKeys().ec).toString('base64'), 'users:\n- name: admin\n  user:\n    client-key-data: '),
  jwt: () => wrap(jwt(), 'Authorization: Bearer '),
  'docker-config-auth': () => {
    const secret = Buffer.from(`robot:${password()}`).toString('base64');
    return { text: JSON.stringify({ auths: { 'registry.internal:5000': { auth: secret } } }, null, '\t'), secret, path: 'root/.docker/config.json' };
  },
  'npmrc-auth-token': () => ({ ...wrap(rand(B62, 36), '//registry.internal/:_authToken='), path: 'home/x/.npmrc' }),
  'npmrc-auth': () => ({ ...wrap(Buffer.from(`me:${password()}`).toString('base64'), '_auth='), path: 'home/x/.npmrc' }),
  'npmrc-password': () => ({ ...wrap(Buffer.from(password()).toString('base64'), '//registry.internal/:_password='), path: 'home/x/.npmrc' }),
  'pypirc-password': () => ({ ...wrap(password(), '[pypi]\nusername = me\npassword = '), path: 'root/.pypirc' }),
  'git-credentials': () => ({ ...wrap(password().replace('!', ''), 'https://me:', '@git.internal.corp\n'), path: 'root/.git-credentials' }),
  'netrc-password': () => ({ ...wrap(password(), 'machine api.internal login bob password '), path: 'root/.netrc' }),
  'url-password': () => wrap(password(), 'DATABASE_URL=postgres://app:', '@db.internal:5432/app\n'),
  'generic-password': () => ({ ...wrap(password(), 'DB_PASSWORD='), path: 'app/.env' }),
  'generic-secret': () => ({ ...wrap(`${rand(B62, 30)}9`, 'jwt:\n  signing_secret: "', '"\n'), path: 'app/config.yaml' }),
  'generic-api-key': () => ({ ...wrap(`${rand(B62, 30)}9`, 'API_KEY = "', '"\n'), path: 'app/settings.py' }),
};
