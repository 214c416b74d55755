/**
 * Runs a reference implementation once over a whole batch (one process, input on stdin or in a temp
 * file) for the version-scheme differential tests. A missing tool fails the test with the Debian
 * package that provides it, never skips.
 */
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import type { Ordering } from '../scheme.js';

export interface RunOptions {
  /** Debian package(s) to name when the tool is missing or fails. */
  debianPackage: string;
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs `cmd args`, returns stdout; fails the test (naming the package) on any error. */
export function runReference(cmd: string, args: string[], opts: RunOptions): string {
  const res = spawnSync(cmd, args, {
    input: opts.input,
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (res.error) {
    assert.fail(`reference tool ${cmd} could not run (${res.error.message}); install Debian package ${opts.debianPackage}`);
  }
  if (res.status !== 0) {
    assert.fail(
      `reference tool ${cmd} exited ${res.status}; install Debian package ${opts.debianPackage}\n${res.stderr.slice(0, 2000)}`,
    );
  }
  return res.stdout;
}

/** Parses one `-1`/`0`/`1` (or any signed integer: its sign) per line. */
export function parseOrderings(out: string, expected: number): Ordering[] {
  const lines = out.split('\n').filter((l) => l.length > 0);
  assert.equal(lines.length, expected, `reference printed ${lines.length} results for ${expected} inputs`);
  return lines.map((l) => {
    const n = Number(l.trim());
    assert.ok(Number.isFinite(n), `reference printed "${l}" where a number was expected`);
    return n < 0 ? -1 : n > 0 ? 1 : 0;
  });
}

/**
 * Compares our orderings with the reference's and fails listing the first disagreements: the pair, our
 * answer and the reference's, plus the seed to replay them.
 */
export function assertAgreement(
  scheme: string,
  seed: number,
  pairs: ReadonlyArray<readonly [string, string]>,
  ours: (a: string, b: string) => number,
  reference: readonly number[],
): number {
  const bad: string[] = [];
  let agreed = 0;
  pairs.forEach(([a, b], k) => {
    const o = ours(a, b);
    if (o === reference[k]) agreed++;
    else if (bad.length < 20) bad.push(`  compare(${JSON.stringify(a)}, ${JSON.stringify(b)}): ours ${o}, reference ${reference[k]}`);
  });
  if (bad.length > 0) {
    assert.fail(
      `${scheme}: ${pairs.length - agreed} of ${pairs.length} pairs disagree with the reference ` +
        `(replay with VERSIONS_SEED=${seed}):\n${bad.join('\n')}`,
    );
  }
  return agreed;
}
