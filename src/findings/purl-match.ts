import { PackageURL } from 'packageurl-js';

/**
 * Package URL comparison for suppressions (purl spec, PURL-SPECIFICATION "Rules for each purl
 * component"). A rule or VEX product names a package more or less precisely; it matches a finding's
 * package when every part it gives agrees:
 * - type, namespace and name always (after packageurl-js's per-type normalisation, e.g. pypi names);
 * - version only when the pattern has one (`pkg:npm/lodash` matches every lodash);
 * - a qualifier only when both sides carry it (`?arch=amd64` on the pattern does not exclude a finding
 *   purl without `arch`, but excludes one with `arch=arm64`);
 * - subpath never (it names a file inside the package, not another package).
 */
export interface PurlPattern {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers?: Record<string, string>;
  /** The text as written, for messages. */
  text: string;
}

/** Parses a purl; throws `Error` with packageurl-js's reason when it is not one. */
export function parsePurlPattern(text: string): PurlPattern {
  const p = PackageURL.fromString(text);
  const pattern: PurlPattern = { type: p.type.toLowerCase(), name: p.name, text };
  if (p.namespace) pattern.namespace = p.namespace;
  if (p.version) pattern.version = p.version;
  if (p.qualifiers && Object.keys(p.qualifiers).length > 0) pattern.qualifiers = { ...p.qualifiers };
  return pattern;
}

/** Parses a purl, or undefined when the text is not a valid purl. */
export function tryParsePurl(text: string | undefined): PurlPattern | undefined {
  if (text === undefined || !text.startsWith('pkg:')) return undefined;
  try {
    return parsePurlPattern(text);
  } catch {
    return undefined;
  }
}

/** Whether `pattern` designates the package `purl` (see the rules above). */
export function purlMatches(pattern: PurlPattern, purl: PurlPattern): boolean {
  if (pattern.type !== purl.type) return false;
  if ((pattern.namespace ?? '') !== (purl.namespace ?? '')) return false;
  if (pattern.name !== purl.name) return false;
  if (pattern.version !== undefined && pattern.version !== purl.version) return false;
  if (pattern.qualifiers && purl.qualifiers) {
    for (const [key, value] of Object.entries(pattern.qualifiers)) {
      const other = purl.qualifiers[key];
      if (other !== undefined && other !== value) return false;
    }
  }
  return true;
}
