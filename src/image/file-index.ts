import type { AnalyzerResult } from './analyzer.js';
import type { FileRecord, LayerAnalysis } from './walk.js';

export interface IndexedFile extends FileRecord {
  layerIndex: number;
}

/**
 * The image's final file system, built by applying each layer's changeset in order
 * (OCI image spec, layer.md "Applying Changesets"), without extracting anything. Files that a later
 * layer deleted or replaced stay listed in `hidden`: they still ship in the image.
 */
export class FileIndex {
  private readonly files = new Map<string, IndexedFile>();
  /** Files present in some layer but not in the final view. */
  readonly hidden: IndexedFile[] = [];

  static build(layers: readonly LayerAnalysis[]): FileIndex {
    const index = new FileIndex();
    for (const layer of [...layers].sort((a, b) => a.layerIndex - b.layerIndex)) index.apply(layer);
    return index;
  }

  private apply(layer: LayerAnalysis): void {
    for (const dir of layer.opaqueDirs) this.removeChildren(dir);
    for (const path of layer.whiteouts) {
      this.remove(path);
      this.removeChildren(path);
    }
    for (const f of layer.files) {
      const previous = this.files.get(f.path);
      if (previous) {
        if (previous.type !== 'dir' || f.type !== 'dir') this.hidden.push(previous);
        // a non-directory replacing a directory hides everything below it
        if (previous.type === 'dir' && f.type !== 'dir') this.removeChildren(f.path);
      }
      this.files.set(f.path, { ...f, layerIndex: layer.layerIndex });
    }
  }

  private remove(path: string): void {
    const f = this.files.get(path);
    if (!f) return;
    this.files.delete(path);
    if (f.type !== 'dir') this.hidden.push(f);
  }

  private removeChildren(dir: string): void {
    const prefix = dir === '' ? '' : dir + '/';
    for (const [path, f] of this.files) {
      if (path.startsWith(prefix) && path !== dir) {
        this.files.delete(path);
        if (f.type !== 'dir') this.hidden.push(f);
      }
    }
  }

  get size(): number {
    return this.files.size;
  }

  get(path: string): IndexedFile | undefined {
    return this.files.get(path);
  }

  *all(): IterableIterator<IndexedFile> {
    yield* this.files.values();
  }

  /** True when the result describes the version of the file that is visible in the final image. */
  isVisible(result: Pick<AnalyzerResult, 'path' | 'layerIndex'>): boolean {
    return this.files.get(result.path)?.layerIndex === result.layerIndex;
  }

  /**
   * Resolves a path the way the kernel would inside the container: symlinks followed (at most 40, as
   * Linux does), `..` clamped at the root, so a link can never point outside the image.
   * Returns the final path, or undefined when a component does not exist.
   */
  resolve(path: string): string | undefined {
    let pending = path.split('/').filter((p) => p !== '' && p !== '.');
    const done: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '..') {
        done.pop();
        continue;
      }
      const candidate = [...done, part].join('/');
      const f = this.files.get(candidate);
      if (f?.type === 'symlink' && f.linkTarget !== undefined) {
        if (++hops > 40) return undefined;
        const target = f.linkTarget.split('/').filter((p) => p !== '' && p !== '.');
        if (f.linkTarget.startsWith('/')) done.length = 0;
        pending = [...target, ...pending];
        continue;
      }
      if (!f && !this.hasChildren(candidate)) return undefined;
      done.push(part);
    }
    return done.join('/');
  }

  private dirs?: Set<string>;

  /** Directories implied by deeper paths (layers need not carry an entry for every parent). */
  private hasChildren(dir: string): boolean {
    if (!this.dirs) {
      this.dirs = new Set();
      for (const path of this.files.keys()) {
        for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) this.dirs.add(path.slice(0, i));
      }
    }
    return this.dirs.has(dir);
  }
}
