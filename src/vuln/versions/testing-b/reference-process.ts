/**
 * Runs a reference implementation once for a whole batch: input lines on stdin, one answer line per
 * input line on stdout. The reference tools are Debian packages; a missing one fails the test with
 * the package to install.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export function requireFile(path: string, debianPackage: string): void {
  if (!existsSync(path)) {
    throw new Error(`reference implementation missing: ${path} not found; install the Debian package "${debianPackage}"`);
  }
}

export async function runBatch(
  command: string,
  args: readonly string[],
  lines: readonly string[],
  debianPackage: string,
): Promise<string[]> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const exit = new Promise<number>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new Error(`reference implementation missing: "${command}" not found; install the Debian package "${debianPackage}"`)
          : e,
      ),
    );
    child.on('close', (code) => resolve(code ?? -1));
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(lines.map((l) => l + '\n').join(''));
  const code = await exit;
  if (code !== 0) throw new Error(`${command} exited with ${code}: ${Buffer.concat(err).toString().slice(0, 2000)}`);
  const answers = Buffer.concat(out).toString('utf8').split('\n');
  if (answers[answers.length - 1] === '') answers.pop();
  if (answers.length !== lines.length) {
    throw new Error(`${command} answered ${answers.length} lines for ${lines.length}: ${Buffer.concat(err).toString().slice(0, 2000)}`);
  }
  return answers;
}
