import { RPMTAG, RpmHeader } from './rpm-header.js';

/** One installed rpm, as the cataloger needs it (JSON-serialisable: it is cached). */
export interface RpmEntry {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  architecture?: string;
  license?: string;
  summary?: string;
  vendor?: string;
  sourceRpm?: string;
  modularityLabel?: string;
  /** Installed paths, image-root relative, directories left out. */
  files: string[];
}

/** S_IFMT and S_IFDIR (inode(7)). */
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

/** Reads the facts of one package header; throws when the header is malformed or lacks a name. */
export function rpmEntryFromHeader(blob: Buffer): RpmEntry {
  const h = RpmHeader.parse(blob);
  const name = h.string(RPMTAG.NAME);
  const version = h.string(RPMTAG.VERSION);
  const release = h.string(RPMTAG.RELEASE);
  if (!name || version === undefined || release === undefined) throw new Error('header has no NAME, VERSION or RELEASE');
  const entry: RpmEntry = { name, version, release, files: fileList(h) };
  const epoch = h.number(RPMTAG.EPOCH);
  if (epoch !== undefined) entry.epoch = epoch;
  const optional: Array<[keyof RpmEntry, number]> = [
    ['architecture', RPMTAG.ARCH],
    ['license', RPMTAG.LICENSE],
    ['summary', RPMTAG.SUMMARY],
    ['vendor', RPMTAG.VENDOR],
    ['sourceRpm', RPMTAG.SOURCERPM],
    ['modularityLabel', RPMTAG.MODULARITYLABEL],
  ];
  for (const [key, tag] of optional) {
    const value = h.string(tag);
    if (value) (entry as unknown as Record<string, string>)[key] = value;
  }
  return entry;
}

/**
 * File names: rpm ≥ 4 stores them compressed as DIRNAMES[DIRINDEXES[i]] + BASENAMES[i]; older
 * packages have OLDFILENAMES. FILEMODES, parallel to them, tells directories apart.
 */
function fileList(h: RpmHeader): string[] {
  let names: string[];
  const basenames = h.strings(RPMTAG.BASENAMES);
  if (basenames) {
    const dirnames = h.strings(RPMTAG.DIRNAMES) ?? [];
    const dirindexes = h.numbers(RPMTAG.DIRINDEXES) ?? [];
    if (dirindexes.length !== basenames.length) throw new Error('DIRINDEXES and BASENAMES differ in length');
    names = basenames.map((base, i) => {
      const dir = dirnames[dirindexes[i]!];
      if (dir === undefined) throw new Error('DIRINDEXES points past DIRNAMES');
      return dir + base;
    });
  } else {
    names = h.strings(RPMTAG.OLDFILENAMES) ?? [];
  }
  const modes = h.numbers(RPMTAG.FILEMODES);
  const files: string[] = [];
  names.forEach((name, i) => {
    const mode = modes?.[i];
    if (mode !== undefined && (mode & S_IFMT) === S_IFDIR) return;
    const path = name.replace(/^\/+/, '');
    if (path !== '') files.push(path);
  });
  return files;
}

/**
 * SOURCERPM is the file name of the source package: `name-version-release.src.rpm` (or
 * `.nosrc.rpm`). Names may contain dashes; version and release may not.
 */
export function parseSourceRpm(sourceRpm: string): { name: string; version: string; release: string } | undefined {
  const base = sourceRpm.replace(/\.(no)?src\.rpm$/, '');
  const relDash = base.lastIndexOf('-');
  const verDash = relDash > 0 ? base.lastIndexOf('-', relDash - 1) : -1;
  if (verDash <= 0) return undefined;
  return { name: base.slice(0, verDash), version: base.slice(verDash + 1, relDash), release: base.slice(relDash + 1) };
}
