import type { ImageAnalysis } from '../catalog/index.js';
import { openImage, parseReference, type OpenOptions } from '../image/index.js';

/**
 * Reads one file of the final image: streams only the layer that holds its visible version (the
 * file index knows which), so the cost is one layer, not the image. Used for the dpkg status, whose
 * dependency fields the catalog does not keep. Undefined when the image has no such file.
 */
export async function readImageFile(reference: string, analysis: ImageAnalysis, path: string, maxBytes: number, options: OpenOptions = {}): Promise<Buffer | undefined> {
  const resolved = analysis.files?.resolve(path);
  const entry = resolved ? analysis.files?.get(resolved) : undefined;
  if (!resolved || entry?.type !== 'file') return undefined;
  const source = await openImage(parseReference(reference), options);
  try {
    const layer = source.layers.find((l) => l.index === entry.layerIndex);
    if (!layer) return undefined;
    for await (const e of source.entries(layer)) {
      if (e.path === resolved) return await e.read(maxBytes);
    }
    return undefined;
  } finally {
    await source.close();
  }
}
