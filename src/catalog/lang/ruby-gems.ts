import type { FileAnalyzer, FileContent } from '../../image/analyzer.js';
import { LIMITS } from '../../image/limits.js';
import type { CatalogContext, CatalogedPackage, Cataloger } from '../cataloger.js';
import { baseName, dirName, insideInstalledPackage, toCataloged, uniqueByNameVersion, type FoundPackage } from './common.js';

/**
 * Ruby gems. Installed gems leave a Ruby specification in `specifications/NAME-VERSION.gemspec`
 * (default gems that ship with Ruby in `specifications/default/`), written by RubyGems'
 * `Gem::Specification#to_ruby` as `s.name = "x".freeze` lines: they are read as text, never run.
 * `Gemfile.lock` (Bundler) lists resolved gems under `specs:` in its GEM and GIT sections.
 */
const GEM_SPEC = 'gem-spec';
const GEM_LOCKFILE = 'gem-lockfile';

function isInstalledGemspec(path: string): boolean {
  if (!path.endsWith('.gemspec')) return false;
  let dir = dirName(path);
  if (dir === 'specifications/default' || dir.endsWith('/specifications/default')) dir = dirName(dir);
  return dir === 'specifications' || dir.endsWith('/specifications');
}

/** The first string literal on the right of `<var>.<field> =` (e.g. `s.version = "1.2".freeze`). */
function assigned(text: string, field: string): string | undefined {
  const m = new RegExp(`^[ \\t]*\\w+\\.${field}[ \\t]*=[ \\t]*(?:Gem::Version\\.new\\(\\s*)?(?=["'])`, 'm').exec(text);
  return m ? rubyStrings(text, m.index + m[0].length, 1)[0] : undefined;
}

/** `s.licenses = ["MIT".freeze, "Ruby".freeze]` or `s.license = "MIT"`. */
function licenses(text: string): string[] {
  const m = /^[ \t]*\w+\.licenses?[ \t]*=[ \t]*/m.exec(text);
  return m ? rubyStrings(text, m.index + m[0].length, Infinity) : [];
}

/**
 * Reads Ruby string literals from `start` to the end of the line: double-quoted ones with their
 * backslash escapes (`\"`, `\\`, `\n`, `\t`, `\#`), single-quoted ones with `\'` and `\\`.
 */
function rubyStrings(text: string, start: number, max: number): string[] {
  const out: string[] = [];
  let i = start;
  while (i < text.length && text[i] !== '\n' && out.length < max) {
    const quote = text[i];
    if (quote !== '"' && quote !== "'") {
      i++;
      continue;
    }
    let value = '';
    for (i++; i < text.length && text[i] !== quote; i++) {
      let c = text[i]!;
      if (c === '\\' && i + 1 < text.length) {
        const next = text[++i]!;
        if (quote === "'") c = next === "'" || next === '\\' ? next : '\\' + next;
        else c = next === 'n' ? '\n' : next === 't' ? '\t' : next;
      }
      value += c;
    }
    i++;
    out.push(value);
  }
  return out;
}

export function parseGemspec(text: string): FoundPackage | undefined {
  let name = assigned(text, 'name');
  let version = assigned(text, 'version');
  if (!name || !version) {
    // `# stub: NAME VERSION PLATFORM ...` heads every generated spec
    const stub = /^# stub: (\S+) (\S+)/m.exec(text);
    name ??= stub?.[1];
    version ??= stub?.[2];
  }
  if (!name || !version) return undefined;
  const found: FoundPackage = { name, version };
  const l = licenses(text);
  if (l.length > 0) found.licenses = l;
  const summary = assigned(text, 'summary');
  if (summary) found.description = summary;
  return found;
}

/** `    name (1.2.3)` or `    name (1.2.3-x86_64-linux)` under `  specs:` of GEM and GIT sections. */
export function parseGemfileLock(text: string): FoundPackage[] {
  const out: FoundPackage[] = [];
  let section = '';
  let inSpecs = false;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '') continue;
    if (line[0] !== ' ') {
      section = line;
      inSpecs = false;
      continue;
    }
    if (line === '  specs:') {
      inSpecs = section === 'GEM' || section === 'GIT';
      continue;
    }
    if (!inSpecs || !line.startsWith('    ') || line[4] === ' ') continue;
    const open = line.indexOf(' (', 4);
    if (open < 0 || !line.endsWith(')')) continue;
    const name = line.slice(4, open);
    const full = line.slice(open + 2, -1);
    // RubyGems versions use `.` for prereleases, so a `-` starts the platform
    const dash = full.indexOf('-');
    out.push({ name, version: dash < 0 ? full : full.slice(0, dash) });
  }
  return out;
}

export const gemCataloger: Cataloger = {
  name: 'gem',
  analyzers: [
    {
      name: GEM_SPEC,
      version: 1,
      maxBytes: LIMITS.maxDocumentBytes,
      wants: isInstalledGemspec,
      analyze(file: FileContent) {
        const found = parseGemspec(file.content.toString('utf8'));
        if (!found) file.warn(`gem specification without name and version`);
        return found;
      },
    },
    {
      name: GEM_LOCKFILE,
      version: 1,
      maxBytes: LIMITS.maxMetadataBytes,
      wants: (path: string) => baseName(path) === 'Gemfile.lock' && !insideInstalledPackage(path),
      analyze(file: FileContent) {
        const packages = uniqueByNameVersion(parseGemfileLock(file.content.toString('utf8')));
        return packages.length > 0 ? { packages } : undefined;
      },
    },
  ],
  catalog(ctx: CatalogContext): CatalogedPackage[] {
    const out: CatalogedPackage[] = [];
    for (const r of ctx.results<FoundPackage>(GEM_SPEC)) {
      const pkg = toCataloged(ctx, r, r.data, 'gem', 'gem', { name: r.data.name });
      if (pkg) out.push(pkg);
    }
    for (const r of ctx.results<{ packages: FoundPackage[] }>(GEM_LOCKFILE)) {
      for (const found of r.data.packages) {
        const pkg = toCataloged(ctx, r, found, 'gem', 'gem-lockfile', { name: found.name });
        if (pkg) out.push(pkg);
      }
    }
    return out;
  },
};
