import type { Package } from '../catalog/index.js';
import type { FileIndex } from '../image/index.js';

/**
 * Which package owns an image path. Paths are compared after resolving them through the image's
 * symlinks, so `/bin/sh`, `bin/dash` and `usr/bin/dash` meet on a merged-/usr image.
 *
 * Ownership comes from what each package kind records: OS packages' file lists and Python `RECORD`
 * (`Package.files`); npm packages own their folder (`node_modules/<name>/`, the folder of the
 * package.json that declared them, nearest folder wins for nested node_modules); jars, Go binaries
 * and other packages found in one file own that file (their location).
 */
export class Ownership {
  /** Resolved file path → indexes into `packages`. */
  private readonly byFile = new Map<string, number[]>();
  /** Folder (no trailing slash) → index of the package owning everything below it. */
  private readonly byFolder = new Map<string, number>();

  constructor(
    readonly packages: readonly Package[],
    private readonly files: FileIndex,
  ) {
    packages.forEach((pkg, i) => {
      for (const path of ownedPaths(pkg)) {
        const resolved = files.resolve(path);
        if (resolved === undefined || resolved === '') continue;
        const entry = files.get(resolved);
        if (entry?.type === 'dir' || (!entry && !pkg.files)) continue;
        const list = this.byFile.get(resolved);
        if (!list) this.byFile.set(resolved, [i]);
        else if (!list.includes(i)) list.push(i);
      }
      if (pkg.type === 'npm') {
        for (const loc of pkg.locations) {
          if (!loc.path.endsWith('/package.json') || !loc.path.includes('node_modules/')) continue;
          const folder = files.resolve(loc.path.slice(0, -'/package.json'.length));
          if (folder) this.byFolder.set(folder, i);
        }
      }
    });
  }

  /** Owners of a path as the container named it (absolute or image-relative); undefined path when it is not in the image. */
  lookup(path: string): { resolved?: string; owners: number[] } {
    const resolved = this.files.resolve(path.replace(/^\/+/, ''));
    if (resolved === undefined || resolved === '') return { owners: [] };
    const exact = this.byFile.get(resolved);
    if (exact) return { resolved, owners: exact };
    const folder = this.folderOwner(resolved);
    return { resolved, owners: folder === undefined ? [] : [folder] };
  }

  /** The nearest npm package folder above a resolved path. */
  folderOwner(resolved: string): number | undefined {
    if (this.byFolder.size === 0) return undefined;
    let dir = resolved;
    for (;;) {
      const slash = dir.lastIndexOf('/');
      if (slash <= 0) return undefined;
      dir = dir.slice(0, slash);
      const owner = this.byFolder.get(dir);
      if (owner !== undefined) return owner;
    }
  }

  /**
   * Regular files and bytes each package would free: files it alone owns. A file two packages list
   * (a diverted or shared path) stays while either does, so it counts for neither.
   */
  sizes(): Array<{ files: number; bytes: number }> {
    const out = this.packages.map(() => ({ files: 0, bytes: 0 }));
    const add = (owner: number, size: number) => {
      out[owner]!.files++;
      out[owner]!.bytes += size;
    };
    for (const [path, owners] of this.byFile) {
      const f = this.files.get(path);
      if (f?.type === 'file' && owners.length === 1) add(owners[0]!, f.size);
    }
    if (this.byFolder.size > 0) {
      for (const f of this.files.all()) {
        if (f.type !== 'file' || this.byFile.has(f.path)) continue;
        const owner = this.folderOwner(f.path);
        if (owner !== undefined) add(owner, f.size);
      }
    }
    return out;
  }
}

/** Paths a package names as its own: its file list, else the single file it was found in. */
function ownedPaths(pkg: Package): string[] {
  if (pkg.files && pkg.files.length > 0) return pkg.files;
  if (pkg.type === 'npm' || pkg.type === 'deb' || pkg.type === 'rpm' || pkg.type === 'apk') return [];
  // jars (a nested jar is known by its outer file), Go and Rust binaries, gemspecs...
  return pkg.locations.map((l) => l.path.split('!')[0]!).filter((p) => p !== '');
}
