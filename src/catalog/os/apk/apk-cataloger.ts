import type { FileAnalyzer } from '../../../image/analyzer.js';
import { LIMITS } from '../../../image/limits.js';
import type { CatalogedPackage, Cataloger } from '../../cataloger.js';
import { distroQualifier, osPurl } from '../os-purl.js';

/** One package of apk's installed database. */
export interface ApkEntry {
  name: string;
  version: string;
  architecture?: string;
  origin?: string;
  license?: string;
  description?: string;
  maintainer?: string;
  files: string[];
}

const APK_INSTALLED = 'lib/apk/db/installed';

/**
 * `lib/apk/db/installed` (Alpine wiki, "Apk spec", Database syntax): one `X:value` line per field,
 * packages separated by blank lines, the same format as the repository index with file fields added.
 * `F:` opens a directory (image-root relative) and the `R:` lines after it name files in it;
 * `a:`, `M:` and `Z:` describe the preceding entry and are not needed here.
 */
export function parseApkInstalled(text: string): ApkEntry[] {
  const entries: ApkEntry[] = [];
  let current: Partial<ApkEntry> & { files: string[] } = { files: [] };
  let dir = '';
  const flush = () => {
    if (current.name && current.version) entries.push(current as ApkEntry);
    current = { files: [] };
    dir = '';
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') {
      flush();
      continue;
    }
    if (line.length < 2 || line[1] !== ':') continue;
    const value = line.slice(2);
    switch (line[0]) {
      case 'P':
        current.name = value;
        break;
      case 'V':
        current.version = value;
        break;
      case 'A':
        current.architecture = value;
        break;
      case 'o':
        current.origin = value;
        break;
      case 'L':
        current.license = value;
        break;
      case 'T':
        current.description = value;
        break;
      case 'm':
        current.maintainer = value;
        break;
      case 'F':
        dir = value.replace(/^\/+|\/+$/g, '');
        break;
      case 'R':
        if (value !== '') current.files.push(dir === '' ? value : `${dir}/${value}`);
        break;
    }
  }
  flush();
  return entries;
}

export const apkInstalledAnalyzer: FileAnalyzer<ApkEntry[]> = {
  name: 'apk-installed',
  version: 1,
  maxBytes: LIMITS.maxMetadataBytes,
  wants: (path) => path === APK_INSTALLED,
  analyze(file) {
    const entries = parseApkInstalled(file.content.toString('utf8'));
    if (entries.length === 0 && file.content.length > 0) file.warn(`${file.path}: no packages found`);
    return entries.length > 0 ? entries : undefined;
  },
};

export const apkCataloger: Cataloger = {
  name: 'apk',
  analyzers: [apkInstalledAnalyzer],
  catalog(ctx) {
    // Wolfi and Chainguard images use apk with their own namespace (purl spec, PURL-TYPES "apk")
    const namespace = ctx.os?.family === 'alpine' ? ctx.os.id : 'alpine';
    const distro = ctx.os?.family === 'alpine' ? distroQualifier(ctx.os) : undefined;
    const packages: CatalogedPackage[] = [];
    for (const result of ctx.results<ApkEntry[]>(apkInstalledAnalyzer.name)) {
      for (const e of result.data) {
        const pkg: CatalogedPackage = {
          name: e.name,
          version: e.version,
          type: 'apk',
          purl: osPurl('apk', namespace, e.name, e.version, { arch: e.architecture, distro }),
          cataloger: 'apk',
          // the origin is the aport (APKBUILD) the package was built from, which advisories name
          sourceName: e.origin ?? e.name,
          sourceVersion: e.version,
          locations: [ctx.location(result.path, result.layerIndex)],
        };
        if (e.architecture) pkg.architecture = e.architecture;
        if (e.license) pkg.licenses = [e.license];
        if (e.description) pkg.description = e.description;
        if (e.maintainer) pkg.metadata = { maintainer: e.maintainer };
        if (e.files.length > 0) pkg.files = e.files;
        packages.push(pkg);
      }
    }
    return packages;
  },
};
