import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRuntimeConfig } from '../config/schema.js';
import { forkBombDetector } from './fork-bomb.js';
import { durationMs } from './duration.js';
import { container, obs } from './test-observations.js';

const config = defaultRuntimeConfig().detectors.forkBomb;
const windowMs = durationMs(config.window);
const t0 = 1_700_000_000_000;

/** A bash-style bomb: every child forks again; pid 3000 (the first) forks most. */
function bomb(start: number, count: number, spacingMs: number) {
  const forks = [];
  let next = 3001;
  const procs = [3000];
  for (let i = 0; i < count; i++) {
    const parent = i % 3 === 0 ? 3000 : procs[i % procs.length]!;
    const child = next++;
    procs.push(child);
    forks.push(obs('fork', { pid: parent, childPid: child, timeMs: start + i * spacingMs, comm: 'bash' }));
  }
  return forks;
}

test('forks reaching the threshold within the window: one critical detection naming the whole family', () => {
  const d = forkBombDetector(config);
  const forks = bomb(t0, config.forks * 2, Math.floor(windowMs / (config.forks * 2)));
  const out = forks.flatMap((f) => d.observe(f));
  assert.equal(out.length, 1);
  const det = out[0]!;
  assert.equal(det.severity, 'critical');
  assert.equal(det.response, config.response);
  const window = forks.slice(0, config.forks);
  const counts = new Map<number, number>();
  for (const f of window) counts.set(f.pid, (counts.get(f.pid) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  assert.equal(det.pid, top);
  const family = new Set(window.flatMap((f) => [f.pid, f.childPid]));
  family.delete(top);
  assert.deepEqual(new Set(det.extraPids), family);
});

test('the same number of forks spread over more than the window is no bomb', () => {
  const d = forkBombDetector(config);
  const spacing = Math.ceil(windowMs / (config.forks - 1)) + 1;
  assert.equal(bomb(t0, config.forks * 2, spacing).flatMap((f) => d.observe(f)).length, 0);
});

test('the container first process is not in extraPids; a quiet window re-arms', () => {
  const d = forkBombDetector({ ...config, forks: 4 });
  const c = container({ pid: 1 });
  const shellFork = obs('fork', { container: c, pid: 1, childPid: 50, timeMs: t0 });
  const rest = [51, 52, 53].map((child, i) => obs('fork', { container: c, pid: 50, childPid: child, timeMs: t0 + 1 + i }));
  const out = [shellFork, ...rest].flatMap((f) => d.observe(f));
  assert.equal(out.length, 1);
  assert.equal(out[0]!.pid, 50);
  assert.deepEqual(out[0]!.extraPids!.sort(), [51, 52, 53]);
  assert.equal(d.observe(obs('fork', { container: c, pid: 50, childPid: 54, timeMs: t0 + 10 })).length, 0);
  const later = t0 + 10 + windowMs;
  const second = [60, 61, 62, 63].flatMap((child, i) => d.observe(obs('fork', { container: c, pid: 50, childPid: child, timeMs: later + i })));
  assert.equal(second.length, 1);
});
