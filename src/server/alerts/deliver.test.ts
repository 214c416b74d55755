import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postJson, withRetry } from './deliver.js';

let server: Server;
let base: string;
const hits: Record<string, number> = {};
const bodies: unknown[] = [];

before(async () => {
  // /flaky answers 503 twice, then 200; /gone always 404; /down always 500
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const path = req.url ?? '/';
      hits[path] = (hits[path] ?? 0) + 1;
      bodies.push(JSON.parse(body));
      res.statusCode = path === '/flaky' ? (hits[path]! < 3 ? 503 : 200) : path === '/gone' ? 404 : path === '/down' ? 500 : 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test('retries a 5xx and succeeds on the third attempt', async () => {
  const outcome = await withRetry(() => postJson(`${base}/flaky`, { a: 1 }), { baseDelayMs: 10 });
  assert.equal(outcome.ok, true);
  assert.equal(outcome.attempts, 3);
  assert.equal(outcome.status, 200);
  assert.equal(hits['/flaky'], 3);
  assert.deepEqual(bodies.at(-1), { a: 1 });
});

test('gives up after three attempts and records the last status', async () => {
  const outcome = await withRetry(() => postJson(`${base}/down`, {}), { baseDelayMs: 10 });
  assert.deepEqual([outcome.ok, outcome.attempts, outcome.status], [false, 3, 500]);
});

test('a 404 is final: no retry', async () => {
  const outcome = await withRetry(() => postJson(`${base}/gone`, {}), { baseDelayMs: 10 });
  assert.deepEqual([outcome.ok, outcome.attempts, outcome.status], [false, 1, 404]);
  assert.equal(hits['/gone'], 1);
});

test('a refused connection is retried, then reported', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const outcome = await withRetry(() => postJson(`http://127.0.0.1:${port}/`, {}), { baseDelayMs: 10 });
  assert.deepEqual([outcome.ok, outcome.attempts], [false, 3]);
  assert.ok(outcome.error);
});
