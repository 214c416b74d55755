import { BulkheadError } from '../errors.js';
import type { OpenOptions } from './options.js';
import { parseReference, type ImageReference } from './reference.js';
import type { ImageSource } from './types.js';
import { openRegistryImage } from './registry/index.js';
import { openDockerArchive, openOciArchive } from './archive.js';
import { openOciLayout } from './oci-layout.js';
import { openDaemonImage } from './daemon.js';
import { openDirectory } from './dir.js';

/** Opens any image reference except `sbom:` (which holds packages, not files). */
export async function openImage(reference: string | ImageReference, options: OpenOptions = {}): Promise<ImageSource> {
  const ref = typeof reference === 'string' ? parseReference(reference) : reference;
  switch (ref.transport) {
    case 'registry':
      return openRegistryImage(ref, options);
    case 'docker-archive':
      return openDockerArchive(ref.path, ref.selector, options);
    case 'oci-archive':
      return openOciArchive(ref.path, ref.selector, options);
    case 'oci':
      return openOciLayout(ref.path, ref.selector, options);
    case 'docker-daemon':
      return openDaemonImage(ref.name, options);
    case 'dir':
      return openDirectory(ref.path, options);
    case 'sbom':
      throw new BulkheadError('USAGE', `"sbom:${ref.path}" holds a bill of materials, not image files`, { input: ref.path });
  }
}
