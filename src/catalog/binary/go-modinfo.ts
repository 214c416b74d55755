/**
 * The module text of a Go binary, as runtime/debug.ParseBuildInfo reads it: tab-separated lines
 * `path P`, `mod PATH VERSION [SUM]` (the main module), `dep PATH VERSION [SUM]`, `=> PATH VERSION
 * [SUM]` (replaces the module on the line before) and `build KEY=VALUE`, where key and value are
 * Go-quoted when they hold blanks, quotes or `=`.
 */
export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: GoModule;
}

export interface GoModInfo {
  /** The main package's import path (`path` line). */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  settings: Record<string, string>;
}

export function parseModInfo(text: string): GoModInfo {
  const info: GoModInfo = { deps: [], settings: {} };
  let last: GoModule | undefined;
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const kind = line.slice(0, tab);
    const rest = line.slice(tab + 1);
    switch (kind) {
      case 'path':
        info.path = rest;
        break;
      case 'mod':
        last = info.main = parseModule(rest);
        break;
      case 'dep':
        last = parseModule(rest);
        info.deps.push(last);
        break;
      case '=>':
        if (last && !last.replace) last.replace = parseModule(rest);
        last = undefined;
        break;
      case 'build': {
        const kv = parseSetting(rest);
        if (kv) info.settings[kv[0]] = kv[1];
        break;
      }
    }
  }
  return info;
}

function parseModule(fields: string): GoModule {
  const [path = '', version = '', sum = ''] = fields.split('\t');
  const m: GoModule = { path, version };
  if (sum) m.sum = sum;
  return m;
}

function parseSetting(kv: string): [string, string] | undefined {
  let key: string;
  let raw: string;
  if (kv.startsWith('"')) {
    const end = quotedEnd(kv);
    if (end < 0 || kv[end] !== '=') return undefined;
    key = unquoteGo(kv.slice(0, end));
    raw = kv.slice(end + 1);
  } else {
    const eq = kv.indexOf('=');
    if (eq < 0) return undefined;
    key = kv.slice(0, eq);
    raw = kv.slice(eq + 1);
  }
  return [key, raw.startsWith('"') ? unquoteGo(raw) : raw];
}

/** Index just past the closing quote of the double-quoted string at the start of `s`, or -1. */
function quotedEnd(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i + 1;
  }
  return -1;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/** strconv.Unquote for double-quoted strings (Go spec, "Rune literals" escapes). */
export function unquoteGo(quoted: string): string {
  const body = quoted.startsWith('"') && quoted.endsWith('"') && quoted.length >= 2 ? quoted.slice(1, -1) : quoted;
  const bytes: number[] = [];
  const pushText = (t: string) => bytes.push(...Buffer.from(t, 'utf8'));
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      const c = String.fromCodePoint(body.codePointAt(i) ?? 0xfffd);
      pushText(c);
      i += c.length - 1;
      continue;
    }
    const e = body[++i] ?? '';
    if (e in SIMPLE_ESCAPES) pushText(SIMPLE_ESCAPES[e] ?? '');
    else if (e === 'x') {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      pushText(String.fromCodePoint(parseInt(body.slice(i + 1, i + 1 + n), 16)));
      i += n;
    } else if (e >= '0' && e <= '7') {
      bytes.push(parseInt(body.slice(i, i + 3), 8) & 0xff);
      i += 2;
    } else pushText('\\' + e);
  }
  return Buffer.from(bytes).toString('utf8');
}
