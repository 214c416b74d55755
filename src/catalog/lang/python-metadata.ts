import type { FileAnalyzer, FileContent } from '../../image/analyzer.js';
import { LIMITS } from '../../image/limits.js';
import type { FoundPackage } from './common.js';

/**
 * Installed Python distributions (PyPA "Recording installed projects"): `*.dist-info/METADATA`,
 * `*.egg-info/PKG-INFO`, and the older single-file `*.egg-info`. All three hold core metadata in
 * email-header form (PyPA "Core metadata specifications"). The file lists come from
 * `*.dist-info/RECORD` (CSV, paths relative to the folder holding the .dist-info) and
 * `*.egg-info/installed-files.txt` (one path a line, relative to the .egg-info folder).
 */
export const PYTHON_METADATA = 'python-metadata';
export const PYTHON_FILES = 'python-files';

export function isPythonMetadata(path: string): boolean {
  return path.endsWith('.dist-info/METADATA') || path.endsWith('.egg-info/PKG-INFO') || path.endsWith('.egg-info');
}

/** Parses the header block of an email-format metadata file; repeated fields keep every value. */
export function parseEmailHeaders(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') break; // the body (long description) follows the first blank line
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      // continuation line (RFC 822 folding), used by multi-line License fields
      last[last.length - 1] += '\n' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    let values = fields.get(key);
    if (!values) fields.set(key, (values = []));
    values.push(value);
    last = values;
  }
  return fields;
}

export const pythonMetadataAnalyzer: FileAnalyzer<FoundPackage> = {
  name: PYTHON_METADATA,
  version: 1,
  maxBytes: LIMITS.maxDocumentBytes,
  wants: isPythonMetadata,
  analyze(file: FileContent): FoundPackage | undefined {
    const fields = parseEmailHeaders(file.content.toString('utf8'));
    const name = fields.get('name')?.[0];
    const version = fields.get('version')?.[0];
    if (!name || !version) {
      file.warn(`Python metadata without Name and Version`);
      return undefined;
    }
    const found: FoundPackage = { name, version };
    // License-Expression (core metadata 2.4) is an SPDX expression; License is free text
    const expression = fields.get('license-expression')?.[0];
    const license = fields.get('license')?.[0];
    const licenseText = expression || (license && license !== 'UNKNOWN' ? license : undefined);
    if (licenseText) found.licenses = [licenseText];
    const summary = fields.get('summary')?.[0];
    if (summary && summary !== 'UNKNOWN') found.description = summary;
    return found;
  },
};

/** File lists exactly as recorded, relative paths; `catalog` resolves them against the image root. */
export const pythonFilesAnalyzer: FileAnalyzer<{ files: string[] }> = {
  name: PYTHON_FILES,
  version: 1,
  maxBytes: LIMITS.maxDocumentBytes,
  wants: (path) => path.endsWith('.dist-info/RECORD') || path.endsWith('.egg-info/installed-files.txt'),
  analyze(file: FileContent): { files: string[] } | undefined {
    const text = file.content.toString('utf8');
    const files = file.path.endsWith('/RECORD') ? recordPaths(text) : text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    return files.length > 0 ? { files } : undefined;
  },
};

/** The first column of each RECORD row (CSV per RFC 4180: a quoted field may hold commas and `""`). */
export function recordPaths(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    if (line[0] !== '"') {
      const comma = line.indexOf(',');
      out.push(comma < 0 ? line : line.slice(0, comma));
      continue;
    }
    let value = '';
    for (let i = 1; i < line.length; i++) {
      if (line[i] === '"') {
        if (line[i + 1] === '"') {
          value += '"';
          i++;
        } else break;
      } else value += line[i];
    }
    out.push(value);
  }
  return out;
}
