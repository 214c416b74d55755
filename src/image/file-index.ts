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
  /** Directory → names directly below it (explicit or implied), for subtree removal without a scan. */
  private readonly children = new Map<string, Set<string>>();
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
      this.link(f.path);
    }
  }

  /** Records a path under each of its ancestors, creating implied directories as needed. */
  private link(path: string): void {
    let child = path;
    for (;;) {
      const slash = child.lastIndexOf('/');
      const parent = slash < 0 ? '' : child.slice(0, slash);
      const name = slash < 0 ? child : child.slice(slash + 1);
      let set = this.children.get(parent);
      const known = set !== undefined;
      if (!set) this.children.set(parent, (set = new Set()));
      if (set.has(name)) return;
      set.add(name);
      if (parent === '' || known) return;
      child = parent;
    }
  }

  private remove(path: string): void {
    const slash = path.lastIndexOf('/');
    this.children.get(slash < 0 ? '' : path.slice(0, slash))?.delete(slash < 0 ? path : path.slice(slash + 1));
    const f = this.files.get(path);
    if (!f) return;
    this.files.delete(path);
    if (f.type !== 'dir') this.hidden.push(f);
  }

  private removeChildren(dir: string): void {
    const names = this.children.get(dir);
    if (!names) return;
    this.children.delete(dir);
    for (const name of names) {
      const path = dir === '' ? name : `${dir}/${name}`;
      const f = this.files.get(path);
      if (f) {
        this.files.delete(path);
        if (f.type !== 'dir') this.hidden.push(f);
      }
      this.removeChildren(path);
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
    const slash = path.lastIndexOf('/');
    if (slash <= 0 || path.includes('..') || path.includes('./') || path.includes('//')) return this.resolveSlow(path);
    // most lookups share directories: resolve the directory once, then the last name
    const dirPath = path.startsWith('/') ? path.slice(1, slash) : path.slice(0, slash);
    let dir = this.resolvedDirs.get(dirPath);
    if (dir === undefined && !this.resolvedDirs.has(dirPath)) {
      dir = this.resolveSlow(dirPath);
      this.resolvedDirs.set(dirPath, dir);
    }
    if (dir === undefined) return undefined;
    const candidate = dir === '' ? path.slice(slash + 1) : `${dir}/${path.slice(slash + 1)}`;
    const f = this.files.get(candidate);
    if (f?.type === 'symlink') return this.resolveSlow(candidate);
    if (!f && !this.hasChildren(candidate)) return undefined;
    return candidate;
  }

  private readonly resolvedDirs = new Map<string, string | undefined>();

  private resolveSlow(path: string): string | undefined {
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

  /** Directories implied by deeper paths (layers need not carry an entry for every parent). */
  private hasChildren(dir: string): boolean {
    return (this.children.get(dir)?.size ?? 0) > 0;
  }
}
