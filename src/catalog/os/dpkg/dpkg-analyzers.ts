import type { FileAnalyzer } from '../../../image/analyzer.js';
import { LIMITS } from '../../../image/limits.js';
import { parseControlStanzas } from './control-stanzas.js';

/** One package entry of the dpkg database, as `dpkg-query` would print its fields. */
export interface DpkgEntry {
  name: string;
  version: string;
  architecture?: string;
  /** `${source:Package}`: the Source field's name, or the binary name when there is none. */
  sourceName: string;
  /** `${source:Version}`: the version in `Source: name (version)`, or the binary version. */
  sourceVersion: string;
  maintainer?: string;
  /** The synopsis: the first line of Description. */
  description?: string;
  /** The third word of `Status:` (dpkg(1), "Package states"); absent in distroless status.d files. */
  state?: string;
  multiArch?: string;
}

export const DPKG_STATUS = 'var/lib/dpkg/status';
export const DPKG_STATUS_DIR = 'var/lib/dpkg/status.d/';
const DPKG_INFO_DIR = 'var/lib/dpkg/info/';
const DOC_DIR = 'usr/share/doc/';
/** A copyright file larger than this is skipped silently: licences are a nicety, not evidence. */
const MAX_COPYRIGHT_BYTES = 1024 * 1024;

/** `var/lib/dpkg/status` and distroless `var/lib/dpkg/status.d/<name>` files. */
export const dpkgStatusAnalyzer: FileAnalyzer<DpkgEntry[]> = {
  name: 'dpkg-status',
  version: 1,
  maxBytes: LIMITS.maxMetadataBytes,
  wants(path) {
    if (path === DPKG_STATUS) return true;
    return path.startsWith(DPKG_STATUS_DIR) && !path.includes('/', DPKG_STATUS_DIR.length) && !path.endsWith('.md5sums') && path.length > DPKG_STATUS_DIR.length;
  },
  analyze(file) {
    const entries: DpkgEntry[] = [];
    for (const stanza of parseControlStanzas(file.content.toString('utf8'))) {
      const entry = toEntry(stanza);
      if (entry) entries.push(entry);
      else if (stanza.has('package') && stanza.get('status')?.split(/\s+/)[2] !== 'not-installed') {
        file.warn(`${file.path}: package ${stanza.get('package')} has no Version`);
      }
    }
    return entries.length > 0 ? entries : undefined;
  },
};

function toEntry(stanza: Map<string, string>): DpkgEntry | undefined {
  const name = stanza.get('package');
  const version = stanza.get('version');
  if (!name || !version) return undefined;
  const entry: DpkgEntry = { name, version, sourceName: name, sourceVersion: version };
  // deb-control(5): "Source: source-name [(source-version)]"
  const source = /^(\S+)(?:\s+\((.+)\))?$/.exec(stanza.get('source') ?? '');
  if (source) {
    entry.sourceName = source[1]!;
    if (source[2]) entry.sourceVersion = source[2].trim();
  }
  const arch = stanza.get('architecture');
  if (arch) entry.architecture = arch;
  const maintainer = stanza.get('maintainer');
  if (maintainer) entry.maintainer = maintainer;
  const description = stanza.get('description');
  if (description) entry.description = description.split('\n')[0]!.trim();
  const state = stanza.get('status')?.split(/\s+/)[2];
  if (state) entry.state = state;
  const multiArch = stanza.get('multi-arch');
  if (multiArch) entry.multiArch = multiArch;
  return entry;
}

/**
 * File lists: `var/lib/dpkg/info/<name>.list` (`<name>:<arch>.list` for Multi-Arch: same packages),
 * and for distroless, which has no lists, the `status.d/<name>.md5sums` files (`md5  path` lines).
 * Returned paths are image-root relative, without dpkg's `/.` root entry.
 */
export const dpkgFilesAnalyzer: FileAnalyzer<string[]> = {
  name: 'dpkg-files',
  version: 1,
  maxBytes: LIMITS.maxMetadataBytes,
  wants(path) {
    if (path.startsWith(DPKG_INFO_DIR)) return path.endsWith('.list') && !path.includes('/', DPKG_INFO_DIR.length);
    return path.startsWith(DPKG_STATUS_DIR) && path.endsWith('.md5sums') && !path.includes('/', DPKG_STATUS_DIR.length);
  },
  analyze(file) {
    const md5sums = file.path.endsWith('.md5sums');
    const files: string[] = [];
    for (const raw of file.content.toString('utf8').split('\n')) {
      // md5sums lines are "<32 hex>  <path without leading slash>" (dh_md5sums)
      const line = md5sums ? raw.replace(/^[0-9a-f]{32}\s+/, '') : raw;
      const path = line.replace(/^\/+/, '');
      if (path === '' || path === '.') continue;
      files.push(path);
    }
    return files;
  },
};

/**
 * Licences from machine-readable copyright files (DEP-5, "Machine-readable debian/copyright file",
 * copyright-format 1.0): the first line of every `License:` field. Files in another format give
 * nothing, since free-form text has no reliable licence name.
 */
export const dpkgCopyrightAnalyzer: FileAnalyzer<string[]> = {
  name: 'dpkg-copyright',
  version: 1,
  maxBytes: MAX_COPYRIGHT_BYTES,
  wants(path, header) {
    if (!path.startsWith(DOC_DIR) || !path.endsWith('/copyright') || header.size > MAX_COPYRIGHT_BYTES) return false;
    const rest = path.slice(DOC_DIR.length);
    return rest.indexOf('/') === rest.length - '/copyright'.length;
  },
  analyze(file) {
    const stanzas = parseControlStanzas(file.content.toString('utf8'));
    const format = stanzas[0]?.get('format') ?? stanzas[0]?.get('format-specification');
    if (!format || !/copyright-format|dep-?5/i.test(format)) return undefined;
    const licenses: string[] = [];
    for (const stanza of stanzas) {
      const value = stanza.get('license')?.split('\n')[0]?.trim();
      if (value && !licenses.includes(value)) licenses.push(value);
    }
    return licenses.length > 0 ? licenses : undefined;
  },
};
