/**
 * The SMTP client against a real SMTP server: aiosmtpd (Debian package python3-aiosmtpd) on
 * loopback, whose default handler prints every received message to stdout. The message it prints
 * is compared with what was sent: dot-stuffed lines come back un-stuffed, headers intact.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import { newVulnerabilityAlert } from './alert.js';
import { emailMessage } from './email-message.js';
import { dataPayload, sendMail } from './smtp-client.js';

/** Debian's interpreter, where python3-aiosmtpd installs (not a pyenv or venv one first on PATH). */
const PYTHON = '/usr/bin/python3';
let smtpd: ChildProcess;
let url: string;
let output = '';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

before(async () => {
  const probe = spawnSync(PYTHON, ['-c', 'import aiosmtpd'], { encoding: 'utf8' });
  assert.equal(probe.status, 0, 'aiosmtpd is missing: apt-get install -y python3-aiosmtpd');
  const port = await freePort();
  smtpd = spawn(PYTHON, ['-u', '-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  smtpd.stdout!.setEncoding('utf8').on('data', (s: string) => (output += s));
  url = `smtp://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((r) => connect(port, '127.0.0.1').once('connect', function (this: import('node:net').Socket) { this.destroy(); r(true); }).once('error', () => r(false)));
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`aiosmtpd did not listen on ${port}`);
});
after(() => void smtpd?.kill());

async function received(marker: string): Promise<string> {
  for (let i = 0; i < 50 && !output.includes(marker); i++) await new Promise((r) => setTimeout(r, 100));
  const start = output.indexOf('---------- MESSAGE FOLLOWS ----------');
  assert.ok(output.includes(marker), `aiosmtpd printed the message:\n${output}`);
  return output.slice(start);
}

test('dot-stuffing: a leading dot is doubled, the end is CRLF.CRLF', () => {
  assert.equal(dataPayload('a\n.b\n..c\n'), 'a\r\n..b\r\n...c\r\n.\r\n');
});

test('delivers an alert email to a real SMTP server, lines with leading dots intact', async () => {
  const alert = newVulnerabilityAlert({ digest: 'sha256:' + 'b'.repeat(64), repository: 'registry.local/app', tags: ['2'] }, [
    { id: 'CVE-2020-8203', kind: 'vulnerability', severity: 'high', title: '.leading dot and ünïcode', target: { package: { name: 'lodash', version: '4.17.15', type: 'npm' } } },
  ]);
  const envelope = { from: 'bulkhead@example.test', to: ['sec@example.test', 'ops@example.test'] };
  const message = emailMessage(alert, envelope)+ '.\r\n.. two dots\r\n';
  await sendMail({ url, ...envelope, message });
  const text = await received('.. two dots');
  assert.match(text, /\nTo: sec@example\.test, ops@example\.test\n/u);
  assert.match(text, new RegExp(`X-Bulkhead-Alert: ${alert.id}`));
  // aiosmtpd un-stuffs: what arrives is what was sent
  assert.match(text, /\n\.\n\.\. two dots/u);
  const body = /\n\n([A-Za-z0-9+/=\n]+)\n\./u.exec(text.replace(/\r/gu, ''))![1]!;
  const decoded = Buffer.from(body.replace(/\n/gu, ''), 'base64').toString('utf8');
  assert.ok(decoded.includes('CVE-2020-8203 (high) lodash 4.17.15: no fix yet'));
  assert.ok(decoded.includes('.leading dot and ünïcode'));
});

test('a refused recipient is an error naming the server', async () => {
  await assert.rejects(sendMail({ url: 'smtp://127.0.0.1:1', from: 'a@b.test', to: ['c@d.test'], message: 'x' }), /smtp:\/\/127\.0\.0\.1:1/u);
  await assert.rejects(sendMail({ url, from: 'a@b.test', to: ['bad\r\nRCPT TO:<x@y>'], message: 'x' }), /not a plain mailbox/u);
});
