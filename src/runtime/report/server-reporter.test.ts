import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { RuntimeEvent } from '../events/types.js';
import { startServerReporter } from './server-reporter.js';

const dir = mkdtempSync(join(tmpdir(), 'bulkhead-reporter-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function event(n: number): RuntimeEvent {
  return { time: new Date().toISOString(), type: 'drift', severity: 'high', container: { id: 'c', name: 'c', image: 'i', imageDigest: 'd' }, process: { pid: n, path: '', cmdline: [] }, action: 'alerted', reason: `e${n}`, rule: 'BH-RT-100' };
}

test('an answer lost on the way back makes the agent resend; it forgets events only once acknowledged', async () => {
  const received: number[][] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url !== '/api/v1/agent/events') {
        res.setHeader('content-type', 'application/json');
        return res.end(req.url?.startsWith('/api/v1/agent/commands?') ? '{"profileModes":[]}' : '{}');
      }
      const seqs = (JSON.parse(body) as { events: Array<{ seq: number }> }).events.map((e) => e.seq);
      received.push(seqs);
      // the first batch is "stored" but the connection drops before the answer
      if (requests++ === 0) return req.socket.destroy();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ acked: Math.max(...seqs), stored: seqs.length }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const reporter = startServerReporter({ url, token: 't', spoolDir: dir, hostName: 'h', inventory: async () => [], onProfileMode: async () => {}, maxBackoffMs: 200, batchSize: 3 });
  try {
    for (let n = 1; n <= 7; n++) reporter.sink.write(event(n));
    await reporter.drained(10_000);
    const all = received.flat();
    assert.deepEqual([...new Set(all)].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7]);
    assert.ok(all.length > 7, 'the unanswered batch was sent again');
    for (const batch of received) assert.ok(batch.length <= 3);
  } finally {
    await reporter.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
