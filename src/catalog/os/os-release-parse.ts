/**
 * Parsing of os-release(5) files and the older distribution release files that images without one
 * carry. Everything is turned into os-release style fields (ID, VERSION_ID, NAME, ...) so that one
 * function (`detectOs`) decides between them.
 */

/**
 * os-release(5), "Syntax": newline-separated KEY=value assignments compatible with shell, values
 * optionally in double or single quotes; in double quotes `\"`, `\\`, `\$` and `` \` `` are escapes;
 * unquoted values take backslash as an escape for any character; `#` starts a comment line.
 * Invalid lines are ignored, as the man page tells readers to do. `lsb-release` uses the same syntax.
 */
export function parseShellAssignments(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    const value = unquote(line.slice(eq + 1).trim());
    if (value !== undefined) fields[key] = value;
  }
  return fields;
}

/** Shell word rules for one value; a value may mix quoted and unquoted parts (`a"b c"`). */
function unquote(s: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"') {
      const end = readDoubleQuoted(s, i + 1);
      if (!end) return undefined;
      out += end.text;
      i = end.next;
    } else if (c === "'") {
      const close = s.indexOf("'", i + 1);
      if (close < 0) return undefined;
      out += s.slice(i + 1, close);
      i = close + 1;
    } else if (c === '\\') {
      if (i + 1 < s.length) out += s[i + 1];
      i += 2;
    } else if (c === ' ' || c === '\t') {
      // an unquoted blank ends the word; the rest would be a command, which readers must ignore
      break;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function readDoubleQuoted(s: string, start: number): { text: string; next: number } | undefined {
  let text = '';
  for (let i = start; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') return { text, next: i + 1 };
    if (c === '\\' && i + 1 < s.length && '"\\$`'.includes(s[i + 1]!)) {
      text += s[++i];
      continue;
    }
    text += c;
  }
  return undefined;
}

/** First line of a plain release file, trimmed. */
function firstLine(text: string): string {
  return (text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '').trim();
}

/**
 * `etc/debian_version`: `12.11` on releases, `trixie/sid` on testing and unstable (and on Ubuntu,
 * which keeps the Debian base it forked). os-release's VERSION_ID on Debian is the major number.
 */
export function parseDebianVersion(text: string): Record<string, string> {
  const line = firstLine(text);
  const fields: Record<string, string> = { ID: 'debian', NAME: 'Debian GNU/Linux' };
  const major = /^(\d+)(?:\.\d+)*$/.exec(line);
  if (major) fields.VERSION_ID = major[1]!;
  else if (/^[a-z]+\/sid$/.test(line)) fields.VERSION_CODENAME = line.slice(0, line.indexOf('/'));
  return fields;
}

/** `etc/alpine-release`: the full version, which is also Alpine's os-release VERSION_ID. */
export function parseAlpineRelease(text: string): Record<string, string> {
  const line = firstLine(text);
  const fields: Record<string, string> = { ID: 'alpine', NAME: 'Alpine Linux' };
  if (/^\d+(\.\d+)*/.test(line)) fields.VERSION_ID = line;
  return fields;
}

/** Distribution names as `*-release` files spell them, to os-release IDs. Longest match first. */
const RELEASE_NAMES: Array<[RegExp, string]> = [
  [/^red hat enterprise linux/i, 'rhel'],
  [/^centos stream/i, 'centos'],
  [/^centos/i, 'centos'],
  [/^rocky linux/i, 'rocky'],
  [/^almalinux/i, 'almalinux'],
  [/^oracle linux/i, 'ol'],
  [/^enterprise linux/i, 'ol'],
  [/^fedora/i, 'fedora'],
  [/^amazon linux/i, 'amzn'],
  [/^scientific linux/i, 'scientific'],
  [/^cloudlinux/i, 'cloudlinux'],
  [/^photon/i, 'photon'],
];

/**
 * The one-line Red Hat family files (`etc/redhat-release`, `centos-release`, `system-release`, ...):
 * `CentOS Linux release 7.9.2009 (Core)`, `Red Hat Enterprise Linux Server release 7.9 (Maipo)`.
 */
export function parseRedHatRelease(text: string): Record<string, string> | undefined {
  const line = firstLine(text);
  const match = /^(.*?)\s+release\s+(\d[\w.]*)\s*(?:\((.*)\))?/i.exec(line);
  if (!match) return undefined;
  const name = match[1]!.trim();
  const id = RELEASE_NAMES.find(([re]) => re.test(name))?.[1];
  if (!id) return undefined;
  const fields: Record<string, string> = { ID: id, NAME: name, VERSION_ID: match[2]!, PRETTY_NAME: line };
  if (match[3]) fields.VERSION_CODENAME = match[3];
  return fields;
}

/** `etc/lsb-release` (DISTRIB_ID, DISTRIB_RELEASE, DISTRIB_CODENAME, DISTRIB_DESCRIPTION). */
export function parseLsbRelease(text: string): Record<string, string> | undefined {
  const lsb = parseShellAssignments(text);
  if (!lsb.DISTRIB_ID) return undefined;
  const fields: Record<string, string> = { ID: lsb.DISTRIB_ID.toLowerCase(), NAME: lsb.DISTRIB_ID };
  if (lsb.DISTRIB_RELEASE) fields.VERSION_ID = lsb.DISTRIB_RELEASE;
  if (lsb.DISTRIB_CODENAME) fields.VERSION_CODENAME = lsb.DISTRIB_CODENAME;
  if (lsb.DISTRIB_DESCRIPTION) fields.PRETTY_NAME = lsb.DISTRIB_DESCRIPTION;
  return fields;
}

/** `etc/SuSE-release` (SLES 11 and older): a title line, then `VERSION = 11`, `PATCHLEVEL = 4`. */
export function parseSuseRelease(text: string): Record<string, string> | undefined {
  const title = firstLine(text);
  const version = /^VERSION\s*=\s*(\S+)/m.exec(text)?.[1];
  const patch = /^PATCHLEVEL\s*=\s*(\d+)/m.exec(text)?.[1];
  const id = /opensuse/i.test(title) ? 'opensuse' : /suse linux enterprise/i.test(title) ? 'sles' : undefined;
  if (!id) return undefined;
  const fields: Record<string, string> = { ID: id, NAME: title.replace(/\s*\(.*\)$/, ''), PRETTY_NAME: title };
  if (version) fields.VERSION_ID = patch && patch !== '0' ? `${version}.${patch}` : version;
  return fields;
}
