/**
 * Adapter around the `bpftrace` program (Debian package `bpftrace`): mounts tracefs when the
 * tracepoint folder is missing, runs the exec program with JSON output (`-f json`, one object per
 * line: {"type":"printf","data":...}), and hands every exec to a callback. Needs root.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { BulkheadError } from '../../errors.js';
import type { Reporter } from '../../progress.js';
import { eventProgram, parseProbeLine, type EventProgramOptions } from './event-program.js';
import { execProgram, parseExecLine, type ExecProgramOptions, type KernelExec } from './exec-program.js';
import type { EventProbe, ProbeEvent } from './probe-event.js';
import { releaseCompilerMemory } from './release-memory.js';
import { parseUsageMap } from '../usage/usage-program.js';

export const TRACEFS = '/sys/kernel/tracing';

export interface ExecProbe {
  /** True when this probe mounted tracefs itself. */
  mountedTracefs: boolean;
  stop(): Promise<void>;
}

export interface ExecProbeOptions extends ExecProgramOptions {
  onExec(exec: KernelExec): void;
  reporter: Reporter;
  /** Path of the bpftrace binary; found on PATH by default. */
  bpftrace?: string;
  /** Milliseconds to wait for the probe to attach. */
  attachTimeoutMs?: number;
}

/**
 * Mounts tracefs at /sys/kernel/tracing when its `events` folder is missing: bpftrace attaches
 * tracepoints through it. Returns true when a mount was made.
 */
export function ensureTracefs(reporter: Reporter): boolean {
  if (existsSync(`${TRACEFS}/events`)) return false;
  const result = spawnSync('mount', ['-t', 'tracefs', 'nodev', TRACEFS], { encoding: 'utf8' });
  if (result.status !== 0 || !existsSync(`${TRACEFS}/events`)) {
    throw new BulkheadError(
      'INTERNAL',
      `cannot mount tracefs at ${TRACEFS}: ${(result.stderr || result.error?.message || 'unknown error').trim()}`,
      { input: TRACEFS },
    );
  }
  reporter.warn(`mounted tracefs at ${TRACEFS} (its events folder was missing)`);
  return true;
}

/** Starts the exec probe and resolves once bpftrace reports its probe attached. */
export async function startExecProbe(options: ExecProbeOptions): Promise<ExecProbe> {
  return runBpftrace(execProgram(options), (line) => {
    const exec = parseExecLine(line);
    if (exec) options.onExec(exec);
  }, options);
}

export interface EventProbeOptions extends EventProgramOptions {
  onEvent(event: ProbeEvent): void;
  reporter: Reporter;
  bpftrace?: string;
  attachTimeoutMs?: number;
}

/** Starts the agent's whole program (exec, network, fork, write, setuid, ptrace probes). */
export async function startEventProbe(options: EventProbeOptions): Promise<EventProbe> {
  const probe = await runBpftrace(eventProgram(options), (line) => {
    const event = parseProbeLine(line);
    if (event) options.onEvent(event);
  }, {
    ...options,
    // the usage maps, printed on an interval (src/runtime/usage/usage-program.ts)
    onMap: (data) => {
      const counts = parseUsageMap(data);
      if (counts) options.onEvent({ kind: 'usage-counts', ...counts });
    },
  });
  return { source: 'bpftrace', mountedTracefs: probe.mountedTracefs, stop: probe.stop };
}

async function runBpftrace(
  program: string,
  onLine: (line: string) => void,
  options: { reporter: Reporter; bpftrace?: string; attachTimeoutMs?: number; onMap?: (data: unknown) => void },
): Promise<ExecProbe> {
  const mountedTracefs = ensureTracefs(options.reporter);
  const command = options.bpftrace ?? 'bpftrace';
  // --unsafe allows signal(); -B line flushes each event at once.
  // A burst (a fork bomb, a build) can outrun the default 64-page perf ring per CPU: 512 pages
  // (2 MiB per CPU) absorb a few seconds of it while user space catches up.
  const child = spawn(command, ['--unsafe', '-B', 'line', '-f', 'json', '-e', program], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BPFTRACE_PERF_RB_PAGES: process.env['BPFTRACE_PERF_RB_PAGES'] ?? '512' },
  });
  let lost = 0;
  let lostWarnedAt = 0;
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));

  const attached = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(probeError(`did not attach within ${options.attachTimeoutMs ?? 30_000} ms`, stderr)),
      options.attachTimeoutMs ?? 30_000,
    );
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint = e.code === 'ENOENT' ? ' (install the Debian package bpftrace)' : '';
      reject(probeError(`cannot start ${command}: ${e.message}${hint}`, ''));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(probeError(`exited before attaching (${code ?? signal})`, stderr));
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const message = parseJsonLine(line);
      if (!message) return;
      if (message.type === 'attached_probes') {
        clearTimeout(timer);
        resolve();
      } else if (message.type === 'printf' && typeof message.data === 'string') {
        for (const part of message.data.split('\n')) if (part) onLine(part);
      } else if (message.type === 'map') {
        options.onMap?.(message.data);
      } else if (message.type === 'lost_events') {
        // the kernel dropped events the ring could not hold: say so (at most once a minute)
        lost += Number((message.data as { events?: number } | undefined)?.events ?? 0);
        if (Date.now() - lostWarnedAt > 60_000) {
          options.reporter.warn(`probe: the kernel dropped ${lost} event(s) during a burst (perf ring full); some activity went unseen`);
          lostWarnedAt = Date.now();
          lost = 0;
        }
      }
    });
  });
  try {
    await attached;
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  child.removeAllListeners('exit');
  if (child.pid !== undefined) {
    const released = releaseCompilerMemory(child.pid);
    if ('error' in released) options.reporter.debug(`bpftrace compiler memory not released: ${released.error}`);
    else options.reporter.debug(`released ${Math.round(released.bytes / 1048576)} MiB of bpftrace compiler pages`);
  }
  child.on('exit', (code, signal) => {
    options.reporter.warn(`bpftrace probe exited (${code ?? signal})`, { stderr: stderr.slice(-500) });
  });
  return { mountedTracefs, stop: () => stopChild(child) };
}

function parseJsonLine(line: string): { type?: unknown; data?: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as { type?: unknown; data?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

function probeError(reason: string, stderr: string): BulkheadError {
  // The RLIMIT_MEMLOCK warning bpftrace prints on recent kernels is harmless; keep the rest.
  const tail = stderr
    .split('\n')
    .filter((l) => l.trim() && !l.includes('RLIMIT_MEMLOCK'))
    .slice(-5)
    .join(' | ');
  return new BulkheadError('INTERNAL', `bpftrace probe ${reason}${tail ? `: ${tail}` : ''}`, {
    input: 'bpftrace',
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.removeAllListeners('exit');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
}
