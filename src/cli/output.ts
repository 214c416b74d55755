import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BulkheadError } from '../errors.js';

/**
 * Writes a report to a file atomically (temporary file in the same directory, then rename), or to
 * stdout. A failed run never leaves a partial or truncated output file behind.
 */
export async function writeOutput(text: string, file: string | undefined): Promise<void> {
  if (!file || file === '-') {
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
    return;
  }
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { mode: 0o644 });
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    const reason = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new BulkheadError('OUTPUT_FAILED', `${file}: cannot write the output (${reason})`, { input: file, cause: e });
  }
}
