/**
 * The text formats inside a Java archive that name what it is: `pom.properties` (written by Maven
 * as a java.util.Properties file), `META-INF/MANIFEST.MF` (JAR File Specification, "Manifest
 * Specification") and, as a last resort, the archive's file name.
 */

/**
 * java.util.Properties#load, the parts Maven output uses: `#`/`!` comments, `=`, `:` or blank as the
 * separator, backslash line continuation and escapes (`\uXXXX`, `\t`, ...).
 */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // a line ending in an odd number of backslashes continues on the next one
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + (lines[++i] ?? '').replace(/^[ \t\f]+/, '');
    }
    let k = 0;
    while (k < line.length && !'=: \t\f'.includes(line[k] ?? '')) k += line[k] === '\\' ? 2 : 1;
    const key = unescapeProperty(line.slice(0, k));
    let rest = line.slice(k).replace(/^[ \t\f]*/, '');
    if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]*/, '');
    out.set(key, unescapeProperty(rest));
  }
  return out;
}

function unescapeProperty(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'f' ? '\f' : c;
  });
}

/**
 * The main section of a manifest: `Name: value` headers up to the first blank line; a line starting
 * with one space continues the previous value (JAR spec, "Manifest Specification", 72-byte lines).
 */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (out.size > 0) break;
      continue;
    }
    if (line.startsWith(' ')) {
      if (last !== undefined) out.set(last, (out.get(last) ?? '') + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    out.set(last, line.slice(colon + 1).trim());
  }
  return out;
}

/** Splits `name-1.2.3.jar` into name and version at the first `-` followed by a digit. */
export function coordinatesFromFileName(fileName: string): { name: string; version: string } | undefined {
  const dot = fileName.lastIndexOf('.');
  const stem = dot > 0 ? fileName.slice(0, dot) : fileName;
  const m = /^(.+?)-(\d[^-]*(?:-.*)?)$/.exec(stem);
  if (m?.[1] && m[2]) return { name: m[1], version: m[2] };
  return stem === '' ? undefined : { name: stem, version: '' };
}

/** Manifest headers worth keeping in package metadata. */
export const MANIFEST_KEYS = [
  'Implementation-Title',
  'Implementation-Version',
  'Implementation-Vendor',
  'Implementation-Vendor-Id',
  'Bundle-SymbolicName',
  'Bundle-Version',
  'Bundle-Name',
  'Specification-Title',
  'Specification-Version',
  'Automatic-Module-Name',
] as const;

/** `org.example.foo;singleton:=true` names the bundle `org.example.foo` (OSGi Core, 3.6.2). */
export function bundleSymbolicName(value: string | undefined): string | undefined {
  const name = value?.split(';')[0]?.trim();
  return name ? name : undefined;
}
