import { createHash } from 'node:crypto';
import type yauzlType from 'yauzl';
import { lazyModule } from '../../lazy-module.js';
import type { Entry, ZipFile } from 'yauzl';

const yauzl = lazyModule<typeof yauzlType>('yauzl');
import { archiveLimits, type ArchiveLimits } from './archive-limits.js';
import {
  MANIFEST_KEYS,
  bundleSymbolicName,
  coordinatesFromFileName,
  parseManifest,
  parseProperties,
} from './java-metadata.js';
import { readMemberGuarded, type ExpansionBudget } from './zip-guard.js';

/** How a package's coordinates were found: Maven's own record, or guessed. */
export type CoordinateSource = 'pom' | 'manifest' | 'filename';

export interface JavaPackageRecord {
  groupId?: string;
  artifactId: string;
  version: string;
  coordinates: CoordinateSource;
  /** The pom.properties member the coordinates came from. */
  pomPath?: string;
  /** Selected main-section manifest headers. */
  manifest?: Record<string, string>;
}

/** One archive of the tree: the file itself (`archivePath` '') or an archive nested in it. */
export interface JavaArchiveRecord {
  /** `WEB-INF/lib/a.jar`, `BOOT-INF/lib/b.jar!/lib/c.jar` ...; '' for the file itself. */
  archivePath: string;
  /** sha1 of the archive bytes: Maven Central's identifier for an artefact. */
  sha1: string;
  packages: JavaPackageRecord[];
}

export interface JavaArchiveTree {
  archives: JavaArchiveRecord[];
  warnings: string[];
}

/** Extensions of the archive kinds read (JAR spec; Jenkins .jpi/.hpi, NiFi .nar, JBoss .sar/.par). */
const ARCHIVE_EXTENSIONS = new Set(['jar', 'war', 'ear', 'par', 'sar', 'jpi', 'hpi', 'nar']);

export function isJavaArchiveName(path: string): boolean {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return false;
  return ARCHIVE_EXTENSIONS.has(path.slice(dot + 1).toLowerCase());
}

/**
 * Reads a Java archive and the archives nested in it (WEB-INF/lib, BOOT-INF/lib, an ear's modules,
 * jars in jars) up to `maxArchiveDepth`, under one expansion budget. Never throws on bad input:
 * corrupt archives and refused members come back as warnings.
 */
export async function readJavaArchiveTree(
  content: Buffer,
  fileName: string,
  overrides?: Partial<ArchiveLimits>,
): Promise<JavaArchiveTree> {
  const limits = archiveLimits(overrides);
  const tree: JavaArchiveTree = { archives: [], warnings: [] };
  const budget: ExpansionBudget = { remaining: limits.maxArchiveExpandedBytes };
  await readOne(content, fileName, '', 0, limits, budget, tree);
  return tree;
}

/** Returns false when the expansion budget is spent and reading must stop. */
async function readOne(
  content: Buffer,
  fileName: string,
  archivePath: string,
  depth: number,
  limits: ArchiveLimits,
  budget: ExpansionBudget,
  tree: JavaArchiveTree,
): Promise<boolean> {
  const where = archivePath === '' ? 'archive' : archivePath;
  const warn = (m: string) => tree.warnings.push(`${where}: ${m}`);
  let zip: ZipFile;
  try {
    zip = await openZip(content);
  } catch (e) {
    warn(`not a readable zip (${e instanceof Error ? e.message : String(e)})`);
    return true;
  }

  const poms: Entry[] = [];
  const nested: Entry[] = [];
  let manifest: Entry | undefined;
  try {
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      if (name.endsWith('/')) continue;
      if (name.startsWith('META-INF/maven/') && name.endsWith('/pom.properties')) poms.push(entry);
      else if (name.toUpperCase() === 'META-INF/MANIFEST.MF') manifest = entry;
      else if (isJavaArchiveName(name)) nested.push(entry);
    }
  } catch (e) {
    warn(`corrupt zip directory (${e instanceof Error ? e.message : String(e)}); read what came before`);
  }

  const record: JavaArchiveRecord = { archivePath, sha1: createHash('sha1').update(content).digest('hex'), packages: [] };
  const seen = new Set<string>();
  const add = (p: JavaPackageRecord) => {
    const key = `${p.groupId ?? ''}:${p.artifactId}:${p.version}`;
    if (seen.has(key)) return;
    seen.add(key);
    record.packages.push(p);
  };

  const read = async (entry: Entry, cap: number): Promise<Buffer | undefined | false> => {
    const r = await readMemberGuarded(zip, entry, cap, limits.maxArchiveRatio, budget);
    if (r.ok) return r.data;
    warn(`member ${entry.fileName}: ${r.reason}`);
    return r.exhausted ? false : undefined;
  };

  const go = await readIdentity(manifest, poms, fileName, limits, read, add, warn);
  // Recorded before its children, so the list reads outer to inner.
  if (record.packages.length > 0) tree.archives.push(record);
  if (!go) return false;

  if (depth + 1 > limits.maxArchiveDepth) {
    if (nested.length > 0) warn(`${nested.length} nested archive(s) below the depth limit of ${limits.maxArchiveDepth}; not read`);
    return true;
  }
  for (const entry of nested) {
    const data = await read(entry, limits.maxArchiveBytes);
    if (data === false) return false;
    if (!data) continue;
    const innerPath = archivePath === '' ? entry.fileName : `${archivePath}!/${entry.fileName}`;
    if (!(await readOne(data, baseName(entry.fileName), innerPath, depth + 1, limits, budget, tree))) return false;
  }
  return true;
}

type MemberReader = (entry: Entry, cap: number) => Promise<Buffer | undefined | false>;

/** pom.properties first (one package each), the manifest and file name when there is none. */
async function readIdentity(
  manifest: Entry | undefined,
  poms: Entry[],
  fileName: string,
  limits: ArchiveLimits,
  read: MemberReader,
  add: (p: JavaPackageRecord) => void,
  warn: (m: string) => void,
): Promise<boolean> {
  let manifestFields: Record<string, string> | undefined;
  if (manifest) {
    const data = await read(manifest, limits.maxMetadataBytes);
    if (data === false) return false;
    if (data) manifestFields = pickManifest(parseManifest(data.toString('utf8')));
  }
  let found = 0;
  for (const pom of poms) {
    const data = await read(pom, limits.maxMetadataBytes);
    if (data === false) return false;
    if (!data) continue;
    // java.util.Properties files are ISO 8859-1 with \u escapes
    const p = fromPomProperties(parseProperties(data.toString('latin1')), pom.fileName);
    if (!p) {
      warn(`member ${pom.fileName}: no artifactId and version; ignored`);
      continue;
    }
    add(manifestFields ? { ...p, manifest: manifestFields } : p);
    found++;
  }
  if (found === 0) {
    const guess = guessFromManifest(fileName, manifestFields);
    if (guess) add(guess);
  }
  return true;
}

function openZip(content: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    // Sizes are checked by readMemberGuarded, which counts inflated bytes itself.
    yauzl().fromBuffer(content, { lazyEntries: true, validateEntrySizes: false, strictFileNames: false }, (err, zip) => {
      if (err) reject(err);
      else resolve(zip);
    });
  });
}

function fromPomProperties(props: Map<string, string>, pomPath: string): JavaPackageRecord | undefined {
  // META-INF/maven/<groupId>/<artifactId>/pom.properties: the path names them when the file does not
  const parts = pomPath.split('/');
  const groupId = props.get('groupId') || parts[2];
  const artifactId = props.get('artifactId') || parts[3];
  const version = props.get('version');
  if (!artifactId || !version) return undefined;
  const p: JavaPackageRecord = { artifactId, version, coordinates: 'pom', pomPath };
  if (groupId) p.groupId = groupId;
  return p;
}

function pickManifest(all: Map<string, string>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const key of MANIFEST_KEYS) {
    const v = all.get(key);
    if (v) out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Without pom.properties: the name from the file name when it carries a version (it is then the
 * Maven artifact file name), else from the manifest; the version from the manifest, else the file name.
 */
function guessFromManifest(fileName: string, m: Record<string, string> | undefined): JavaPackageRecord | undefined {
  const file = coordinatesFromFileName(fileName);
  const manifestName = bundleSymbolicName(m?.['Bundle-SymbolicName']) ?? m?.['Implementation-Title'] ?? m?.['Specification-Title'];
  const name = (file?.version ? file.name : undefined) ?? manifestName ?? file?.name;
  if (!name) return undefined;
  const manifestVersion = m?.['Implementation-Version'] ?? m?.['Bundle-Version'] ?? m?.['Specification-Version'];
  const version = manifestVersion ?? file?.version ?? '';
  // a name alone (`app.jar`, no manifest version) identifies nothing a vulnerability could match
  if (version === '') return undefined;
  const fromManifest = manifestVersion !== undefined || (name === manifestName && name !== file?.name);
  const p: JavaPackageRecord = { artifactId: name, version, coordinates: fromManifest ? 'manifest' : 'filename' };
  const vendorId = m?.['Implementation-Vendor-Id'];
  // only a value shaped like a Maven groupId (no blanks) is taken as one
  if (vendorId && !/\s/.test(vendorId)) p.groupId = vendorId;
  if (m) p.manifest = m;
  return p;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
