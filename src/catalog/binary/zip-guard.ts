import type { Entry, ZipFile } from 'yauzl';

/** Inflated bytes still allowed for one archive tree; shared by every nested archive in it. */
export interface ExpansionBudget {
  remaining: number;
}

export type MemberRead =
  | { ok: true; data: Buffer }
  /** `exhausted`: the archive's budget is spent, stop reading it. */
  | { ok: false; reason: string; exhausted: boolean };

/**
 * Zip-bomb guard (APPNOTE.TXT 4.4.8/4.4.9 sizes are only claims): a member is refused when its
 * declared size is over the cap, its declared ratio over `maxRatio`, or the budget too small; while
 * it inflates, bytes are counted and the stream torn down as soon as the count passes the declared
 * size, so a lying header buys nothing.
 */
export function readMemberGuarded(
  zip: ZipFile,
  entry: Entry,
  cap: number,
  maxRatio: number,
  budget: ExpansionBudget,
): Promise<MemberRead> {
  const declared = entry.uncompressedSize;
  const compressed = entry.compressedSize;
  const refuse = (reason: string, exhausted = false): MemberRead => ({ ok: false, reason, exhausted });

  if (entry.isEncrypted()) return Promise.resolve(refuse('encrypted; not read'));
  if (!entry.canDecodeFileData()) return Promise.resolve(refuse(`compression method ${entry.compressionMethod} is not supported; not read`));
  if (declared > cap) return Promise.resolve(refuse(`declares ${declared} bytes uncompressed, over the ${cap}-byte cap; not inflated`));
  if (declared > 0 && (compressed === 0 || declared / compressed > maxRatio)) {
    return Promise.resolve(refuse(`declares ${declared} bytes from ${compressed} compressed, a ratio over ${maxRatio}; not inflated`));
  }
  if (declared > budget.remaining) {
    return Promise.resolve(refuse(`declares ${declared} bytes, over what is left of the archive's expansion budget; archive not read further`, true));
  }
  // The declared size has passed the cap, ratio and budget checks, so counting the inflated bytes
  // against it enforces all three: a header that understates the size is caught at the first
  // chunk past it.
  const limit = declared;

  return new Promise((resolve) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) {
        resolve(refuse(`unreadable (${err.message})`));
        return;
      }
      const chunks: Buffer[] = [];
      let count = 0;
      let settled = false;
      const finish = (result: MemberRead) => {
        if (settled) return;
        settled = true;
        budget.remaining -= count;
        resolve(result);
      };
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        count += chunk.length;
        if (count > limit) {
          stream.destroy();
          finish(refuse(`inflates past its declared ${declared} bytes (header is wrong); aborted after ${count} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', (e: Error) => finish(refuse(`corrupt (${e.message})`)));
      stream.on('end', () => {
        if (count !== declared) finish(refuse(`inflates to ${count} bytes, not the declared ${declared} (header is wrong)`));
        else finish({ ok: true, data: Buffer.concat(chunks, count) });
      });
    });
  });
}
