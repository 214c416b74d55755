import type { FileIndex } from '../../image/file-index.js';
import type { ImageSource } from '../../image/types.js';
import { parsePasswd, passwdAnalyzer, type PasswdEntry } from '../../catalog/index.js';

/**
 * Reads the final file system's `etc/passwd` from an opened image: only the layer that holds the
 * visible copy is streamed, up to that entry. For callers whose analysis did not run `passwdAnalyzer`.
 * Returns undefined when the image has no `etc/passwd` (scratch and distroless images may not).
 */
export async function readEtcPasswd(source: ImageSource, files: FileIndex, signal?: AbortSignal): Promise<PasswdEntry[] | undefined> {
  // etc may be a symlink in odd images; resolve as the container would see it
  const path = files.resolve('etc/passwd');
  const file = path === undefined ? undefined : files.get(path);
  if (!path || !file || file.type !== 'file') return undefined;
  const layer = source.layers.find((l) => l.index === file.layerIndex);
  if (!layer) return undefined;
  for await (const entry of source.entries(layer, signal)) {
    if (entry.path !== path) continue;
    const content = await entry.read(passwdAnalyzer.maxBytes);
    return content === undefined ? undefined : parsePasswd(content.toString('utf8'));
  }
  return undefined;
}
