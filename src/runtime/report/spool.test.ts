import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RuntimeEvent } from '../events/types.js';
import { EventSpool } from './spool.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempSpool(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-spool-'));
  dirs.push(dir);
  return join(dir, 'server-spool.db');
}

function event(n: number): RuntimeEvent {
  return {
    time: new Date(1_700_000_000_000 + n * 1000).toISOString(),
    type: 'drift',
    severity: 'high',
    container: { id: `c${n}`, name: 'web', image: 'web:1', imageDigest: 'sha256:00' },
    process: { pid: n, path: '/bin/x', cmdline: ['x'] },
    action: 'alerted',
    reason: `event ${n}`,
    rule: 'BH-RT-100',
  };
}

describe('EventSpool', () => {
  it('numbers events in order, returns them oldest first and forgets only what was acknowledged', () => {
    const spool = new EventSpool(tempSpool());
    const seqs = [1, 2, 3, 4, 5].map((n) => spool.append(event(n)));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    assert.equal(new Set(seqs).size, 5);
    assert.deepEqual(spool.peek(3).map((e) => e.event.reason), ['event 1', 'event 2', 'event 3']);
    spool.acknowledge(seqs[1]!);
    assert.deepEqual(spool.peek(10).map((e) => e.seq), seqs.slice(2));
    assert.equal(spool.pending(), 3);
    spool.close();
  });

  it('keeps the host id and never reuses a sequence number after a restart, even once empty', () => {
    const path = tempSpool();
    const first = new EventSpool(path);
    const a = first.append(event(1));
    const b = first.append(event(2));
    first.acknowledge(b);
    assert.equal(first.pending(), 0);
    const hostId = first.hostId;
    first.close();
    const second = new EventSpool(path);
    assert.equal(second.hostId, hostId);
    const c = second.append(event(3));
    assert.ok(c > b && b > a, `sequence went ${a}, ${b}, then ${c}`);
    second.close();
  });

  it('loses no event a killed agent had appended, and resends what was sent but not acknowledged', async () => {
    const path = tempSpool();
    // a real process appends and is SIGKILLed mid-stream: no chance to flush or close anything
    const script = `
      const { EventSpool } = await import(${JSON.stringify(fileURLToPath(new URL('./spool.ts', import.meta.url)))});
      const spool = new EventSpool(${JSON.stringify(path)});
      // pretend the first 10 went out and the server answered for 5 only before the crash
      for (let n = 1; ; n++) {
        const seq = spool.append({ time: new Date().toISOString(), type: 'drift', severity: 'high', container: { id: 'c', name: 'c', image: 'i', imageDigest: 'd' }, process: { pid: n, path: '', cmdline: [] }, action: 'alerted', reason: 'e' + n, rule: 'BH-RT-100' });
        if (n === 10) spool.acknowledge(5);
        process.stdout.write(seq + '\\n');
      }
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.split('\n').length > 200) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', () => reject(new Error(`writer exited early: ${err}`)));
    });
    await exited;
    const reported = out.split('\n').filter((l) => /^\d+$/u.test(l)).map(Number);
    const spool = new EventSpool(path);
    const kept = spool.peek(100_000);
    spool.close();
    const keptSeqs = new Set(kept.map((e) => e.seq));
    // every append that returned (and was printed) before the kill is on disk, apart from the acknowledged 1-5
    for (const seq of reported) if (seq > 5) assert.ok(keptSeqs.has(seq), `event ${seq} was appended but is gone after the kill`);
    assert.ok(!keptSeqs.has(5) && keptSeqs.has(6), 'acknowledged events are gone, unacknowledged ones (6-10) are resent');
    const ordered = kept.map((e) => e.seq);
    assert.deepEqual(ordered, [...ordered].sort((a, b) => a - b));
    assert.deepEqual(kept.slice(0, 3).map((e) => e.event.reason), ['e6', 'e7', 'e8']);
  });
});
