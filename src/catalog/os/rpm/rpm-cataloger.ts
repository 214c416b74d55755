import type { FileAnalyzer } from '../../../image/analyzer.js';
import { LIMITS } from '../../../image/limits.js';
import type { CatalogedPackage, Cataloger } from '../../cataloger.js';
import { distroQualifier, osPurl } from '../os-purl.js';
import { parseSourceRpm, rpmEntryFromHeader, type RpmEntry } from './rpm-entry.js';
import { isBerkeleyHash, readBerkeleyRpmdb } from './rpmdb-bdb.js';
import { isNdb, readNdbRpmdb } from './rpmdb-ndb.js';
import { readSqliteRpmdb } from './rpmdb-sqlite.js';

/**
 * Database files by backend, in the order one is chosen when an image has several (a converted
 * database can leave the old one behind; `usr/lib/sysimage/rpm` is the newer location, and
 * `var/lib/rpm` is often a link to it).
 */
const DATABASES = [
  'usr/lib/sysimage/rpm/rpmdb.sqlite',
  'var/lib/rpm/rpmdb.sqlite',
  'usr/lib/sysimage/rpm/Packages.db',
  'var/lib/rpm/Packages.db',
  'usr/lib/sysimage/rpm/Packages',
  'var/lib/rpm/Packages',
];
const PRIORITY = new Map(DATABASES.map((p, i) => [p, i]));
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export interface RpmdbData {
  backend: 'sqlite' | 'ndb' | 'bdb';
  packages: RpmEntry[];
}

export const rpmdbAnalyzer: FileAnalyzer<RpmdbData> = {
  name: 'rpmdb',
  version: 1,
  maxBytes: LIMITS.maxMetadataBytes,
  wants: (path) => PRIORITY.has(path),
  analyze(file) {
    const { content } = file;
    let backend: RpmdbData['backend'];
    let blobs: Buffer[];
    try {
      if (content.subarray(0, 16).equals(SQLITE_MAGIC)) [backend, blobs] = ['sqlite', readSqliteRpmdb(content)];
      else if (isNdb(content)) [backend, blobs] = ['ndb', readNdbRpmdb(content)];
      else if (isBerkeleyHash(content)) [backend, blobs] = ['bdb', readBerkeleyRpmdb(content)];
      else {
        if (content.length > 0) file.warn(`${file.path}: rpm database format not recognised`);
        return undefined;
      }
    } catch (e) {
      file.warn(`${file.path}: rpm database unreadable: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    const packages: RpmEntry[] = [];
    let bad = 0;
    let firstError = '';
    for (const blob of blobs) {
      try {
        packages.push(rpmEntryFromHeader(blob));
      } catch (e) {
        if (bad++ === 0) firstError = e instanceof Error ? e.message : String(e);
      }
    }
    if (bad > 0) file.warn(`${file.path}: ${bad} rpm header(s) skipped (first: ${firstError})`);
    return { backend, packages };
  },
};

export const rpmCataloger: Cataloger = {
  name: 'rpm',
  analyzers: [rpmdbAnalyzer],
  catalog(ctx) {
    const db = ctx
      .results<RpmdbData>(rpmdbAnalyzer.name)
      .sort((a, b) => PRIORITY.get(a.path)! - PRIORITY.get(b.path)!)[0];
    if (!db) return [];
    const namespace = ctx.os?.id;
    const distro = distroQualifier(ctx.os);
    const packages: CatalogedPackage[] = [];
    for (const e of db.data.packages) {
      // gpg-pubkey "packages" are signing keys imported with `rpm --import`, not software
      if (e.name === 'gpg-pubkey') continue;
      const version = `${e.version}-${e.release}`;
      const source = e.sourceRpm ? parseSourceRpm(e.sourceRpm) : undefined;
      const pkg: CatalogedPackage = {
        name: e.name,
        version,
        type: 'rpm',
        // purl spec, PURL-TYPES "rpm": version is version-release, epoch is a qualifier
        purl: osPurl('rpm', namespace, e.name, version, {
          arch: e.architecture,
          epoch: e.epoch === undefined ? undefined : String(e.epoch),
          distro,
        }),
        cataloger: 'rpm',
        sourceName: source?.name ?? e.name,
        sourceVersion: source ? `${source.version}-${source.release}` : version,
        release: e.release,
        locations: [ctx.location(db.path, db.layerIndex)],
      };
      if (e.epoch !== undefined) pkg.epoch = e.epoch;
      if (e.architecture) pkg.architecture = e.architecture;
      if (e.license) pkg.licenses = [e.license];
      if (e.summary) pkg.description = e.summary;
      const metadata: Record<string, string> = { rpmdbBackend: db.data.backend };
      if (e.vendor) metadata.vendor = e.vendor;
      if (e.modularityLabel) metadata.modularityLabel = e.modularityLabel;
      if (e.sourceRpm) metadata.sourceRpm = e.sourceRpm;
      pkg.metadata = metadata;
      if (e.files.length > 0) pkg.files = e.files;
      packages.push(pkg);
    }
    return packages;
  },
};
