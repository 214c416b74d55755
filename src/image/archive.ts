import { BulkheadError } from '../errors.js';
import { openOuterTar } from './archive-outer.js';
import { openDockerSave } from './archive-docker-save.js';
import { openLayoutStore } from './oci-layout.js';
import { tarStore } from './oci-layout-store.js';
import type { OpenOptions } from './options.js';
import type { ImageSource } from './types.js';

/**
 * `docker-archive:PATH[:NAME:TAG|:@N]`: the output of `docker save` (or skopeo's docker-archive),
 * read in place through a header index of the tar, never extracted.
 */
export async function openDockerArchive(path: string, selector: string | undefined, options: OpenOptions): Promise<ImageSource> {
  const what = `docker-archive:${path}`;
  const reference = `${what}${selector !== undefined ? ':' + selector : ''}`;
  const outer = await openOuterTar(path, what, options);
  try {
    const store = tarStore(outer.index, what);
    if (!(await store.has('manifest.json'))) {
      // An OCI layout tarred without Docker's manifest.json is still an image archive.
      if (await store.has('index.json')) return await openLayoutStore(store, 'docker-archive', reference, selector, options, outer.close);
      throw new BulkheadError('INPUT_INVALID', `${what}: missing manifest.json, not a docker save archive`, { input: path });
    }
    return await openDockerSave(store, reference, selector, options, outer.close);
  } catch (e) {
    await outer.close();
    throw e;
  }
}

/** `oci-archive:PATH[:REF]`: a tar of an OCI image layout (image-layout.md), read in place. */
export async function openOciArchive(path: string, selector: string | undefined, options: OpenOptions): Promise<ImageSource> {
  const what = `oci-archive:${path}`;
  const reference = `${what}${selector !== undefined ? ':' + selector : ''}`;
  const outer = await openOuterTar(path, what, options);
  try {
    return await openLayoutStore(tarStore(outer.index, what), 'oci-archive', reference, selector, options, outer.close);
  } catch (e) {
    await outer.close();
    throw e;
  }
}
