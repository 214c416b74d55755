/**
 * Wall time and peak resident memory of a whole command, measured by GNU time (`%e %M`): the
 * numbers a user sees, including process start-up.
 */
import { requireCommand, runAllowFailure } from '../test/harness/exec.js';

export interface Sample {
  seconds: number;
  peakRssMiB: number;
}

export interface Measurement {
  label: string;
  samples: Sample[];
  /** Median wall time of the samples. */
  seconds: number;
  /** Largest peak RSS seen. */
  peakRssMiB: number;
}

export interface MeasureOptions {
  runs: number;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Runs before every sample, untimed (to empty caches). */
  prepare?: () => Promise<void> | void;
}

export async function measure(label: string, command: string, args: string[], options: MeasureOptions): Promise<Measurement> {
  const time = requireCommand('time', 'time', 'measuring wall time and peak RSS');
  const samples: Sample[] = [];
  for (let i = 0; i < options.runs; i++) {
    await options.prepare?.();
    const result = await runAllowFailure(time, ['-f', 'BENCH %e %M', command, ...args], {
      ...(options.env ? { env: options.env } : {}),
      ...(options.input !== undefined ? { input: options.input } : {}),
      timeoutMs: 600_000,
    });
    const line = result.stderr.trim().split('\n').reverse().find((l) => l.startsWith('BENCH '));
    if (result.code !== 0 || !line) {
      throw new Error(`${label}: ${command} ${args.join(' ')} failed (exit ${result.code}):\n${result.stderr.slice(-3000)}`);
    }
    const [, secs = '0', kib = '0'] = line.split(' ');
    samples.push({ seconds: Number(secs), peakRssMiB: Number(kib) / 1024 });
  }
  const sorted = samples.map((s) => s.seconds).sort((a, b) => a - b);
  return {
    label,
    samples,
    seconds: sorted[Math.floor(sorted.length / 2)] ?? 0,
    peakRssMiB: Math.max(...samples.map((s) => s.peakRssMiB)),
  };
}
