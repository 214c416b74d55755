/**
 * scrypt hashes checked against an independent implementation: Python's hashlib.scrypt (OpenSSL),
 * run once for all cases. The parameters live in the stored text, so a hash made with other
 * parameters (by Python here) still verifies.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { hashSecret, verifySecret } from './password.js';

interface Case {
  secret: string;
  salt: string;
  n: number;
  r: number;
  p: number;
}

/** Python computes every case in one process; returns base64 keys. */
function pythonScrypt(cases: Case[]): string[] {
  const program = [
    'import sys, json, hashlib, base64',
    'out = []',
    'for c in json.load(sys.stdin):',
    "    k = hashlib.scrypt(c['secret'].encode(), salt=base64.b64decode(c['salt']), n=c['n'], r=c['r'], p=c['p'], dklen=32, maxmem=512*1024*1024)",
    "    out.append(base64.b64encode(k).decode())",
    'print(json.dumps(out))',
  ].join('\n');
  const result = spawnSync('python3', ['-c', program], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(`python3 (Debian package python3) is needed as the scrypt reference: ${result.error?.message ?? result.stderr}`);
  }
  return JSON.parse(result.stdout) as string[];
}

test('hashSecret stores scrypt$N$r$p$salt$hash and the key matches Python hashlib.scrypt', async () => {
  const secrets = ['correct horse battery staple', 'pässwörd ☃ with unicode', 'x'];
  const stored = await Promise.all(secrets.map((s) => hashSecret(s)));
  const cases: Case[] = stored.map((text, i) => {
    const [kind, n, r, p, salt, hash] = text.split('$');
    assert.equal(kind, 'scrypt');
    assert.equal(Buffer.from(salt!, 'base64').length, 16, 'a 16-byte salt');
    assert.equal(Buffer.from(hash!, 'base64').length, 32);
    assert.ok(Number(n) >= 2 ** 14 && Number(r) >= 8 && Number(p) >= 1, `parameters ${n}/${r}/${p} are not weak`);
    return { secret: secrets[i]!, salt: salt!, n: Number(n), r: Number(r), p: Number(p) };
  });
  // other parameters, made by the reference: verifySecret must read them from the text
  const foreign: Case = { secret: 'made elsewhere', salt: Buffer.from('0123456789abcdef').toString('base64'), n: 2 ** 12, r: 4, p: 2 };
  const keys = pythonScrypt([...cases, foreign]);
  stored.forEach((text, i) => assert.equal(text.split('$')[5], keys[i], `case ${i}`));
  const foreignText = ['scrypt', foreign.n, foreign.r, foreign.p, foreign.salt, keys[3]].join('$');
  assert.equal(await verifySecret('made elsewhere', foreignText), true);
  assert.equal(await verifySecret('made elsewhere!', foreignText), false);

  assert.equal(await verifySecret(secrets[0]!, stored[0]!), true);
  assert.equal(await verifySecret(secrets[1]!, stored[0]!), false);
  assert.notEqual(stored[0], await hashSecret(secrets[0]!), 'a new salt every time');
});

test('verifySecret refuses malformed stored text instead of throwing', async () => {
  for (const bad of ['', 'argon2$1$2$3$a$b', 'scrypt$32768$8$1$c2FsdA==', 'plain-text-password']) {
    assert.equal(await verifySecret('plain-text-password', bad), false, bad);
  }
});
