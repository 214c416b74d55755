import type { FileAnalyzer } from '../../image/analyzer.js';
import { LIMITS } from '../../image/limits.js';
import type { CatalogedPackage, Cataloger } from '../cataloger.js';
import type { ArchiveLimits } from './archive-limits.js';
import { isJavaArchiveName, readJavaArchiveTree, type JavaArchiveRecord, type JavaPackageRecord } from './java-archive.js';
import { purlOf } from './purl.js';

export const JAVA_ARCHIVE = 'java-archive';

interface JavaArchiveData {
  archives: JavaArchiveRecord[];
}

/** The smallest zip: an empty end-of-central-directory record (APPNOTE.TXT 4.3.16). */
const MIN_ZIP_BYTES = 22;

/**
 * Java archives (jar, war, ear, ...) and the archives nested in them, named by their Maven
 * coordinates. `limits` lowers the zip-bomb caps (tests); the defaults come from LIMITS.
 */
export function createJavaArchiveCataloger(limits?: Partial<ArchiveLimits>): Cataloger {
  const analyzer: FileAnalyzer<JavaArchiveData> = {
    name: JAVA_ARCHIVE,
    version: 1,
    maxBytes: limits?.maxArchiveBytes ?? LIMITS.maxArchiveBytes,
    wants: (path, header) => header.size >= MIN_ZIP_BYTES && isJavaArchiveName(path),
    async analyze(file) {
      const tree = await readJavaArchiveTree(file.content, file.path.slice(file.path.lastIndexOf('/') + 1), limits);
      for (const w of tree.warnings) file.warn(w);
      return tree.archives.length > 0 ? { archives: tree.archives } : undefined;
    },
  };
  return {
    name: JAVA_ARCHIVE,
    analyzers: [analyzer],
    catalog(ctx) {
      const out: CatalogedPackage[] = [];
      for (const r of ctx.results<JavaArchiveData>(JAVA_ARCHIVE)) {
        const outer = ctx.location(r.path, r.layerIndex);
        for (const archive of r.data.archives) {
          // nested archives are located as `outer.war!/WEB-INF/lib/x.jar`, the JAR URL convention
          const location = archive.archivePath === '' ? outer : { ...outer, path: `${outer.path}!/${archive.archivePath}` };
          for (const p of archive.packages) out.push(toPackage(p, archive, location));
        }
      }
      return out;
    },
  };
}

export const javaArchiveCataloger: Cataloger = createJavaArchiveCataloger();

function toPackage(p: JavaPackageRecord, archive: JavaArchiveRecord, location: CatalogedPackage['locations'][number]): CatalogedPackage {
  const metadata: Record<string, string> = { coordinates: p.coordinates };
  if (archive.archivePath !== '') metadata.archivePath = archive.archivePath;
  if (p.pomPath) metadata.pomPath = p.pomPath;
  for (const [k, v] of Object.entries(p.manifest ?? {})) metadata[k] = v;
  // Without a groupId the name stands in for it, as for Maven's legacy `junit:junit` artefacts;
  // metadata.coordinates says the result is a guess.
  const purl = purlOf('maven', p.groupId ?? p.artifactId, p.artifactId, p.version) ?? `pkg:maven/${encodeURIComponent(p.artifactId)}`;
  const pkg: CatalogedPackage = {
    name: p.artifactId,
    version: p.version,
    type: 'maven',
    purl,
    cataloger: JAVA_ARCHIVE,
    hashes: { sha1: archive.sha1 },
    locations: [location],
    metadata,
  };
  if (p.groupId) pkg.namespace = p.groupId;
  return pkg;
}
