import { BulkheadError } from '../errors.js';
import type { OpenOptions } from './options.js';
import { parseReference, type ImageReference } from './reference.js';
import type { ImageSource } from './types.js';

/** Opens any image reference except `sbom:` (which holds packages, not files). */
export async function openImage(reference: string | ImageReference, options: OpenOptions = {}): Promise<ImageSource> {
  const ref = typeof reference === 'string' ? parseReference(reference) : reference;
  switch (ref.transport) {
    // transports load on demand: each command pays only for the one it uses
    case 'registry':
      return (await import('./registry/index.js')).openRegistryImage(ref, options);
    case 'docker-archive':
      return (await import('./archive.js')).openDockerArchive(ref.path, ref.selector, options);
    case 'oci-archive':
      return (await import('./archive.js')).openOciArchive(ref.path, ref.selector, options);
    case 'oci':
      return (await import('./oci-layout.js')).openOciLayout(ref.path, ref.selector, options);
    case 'docker-daemon':
      return (await import('./daemon.js')).openDaemonImage(ref.name, options);
    case 'dir':
      return (await import('./dir.js')).openDirectory(ref.path, options);
    case 'sbom':
      throw new BulkheadError('USAGE', `"sbom:${ref.path}" holds a bill of materials, not image files`, { input: ref.path });
  }
}
