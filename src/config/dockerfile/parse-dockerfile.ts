/**
 * A Dockerfile parser that keeps positions, following the Dockerfile reference
 * (https://docs.docker.com/reference/dockerfile/): parser directives at the top (`# syntax=`,
 * `# escape=`, `# check=`), `#` comment lines (also inside a continued instruction), line
 * continuation with the escape character, JSON (exec) and shell forms, `--flag=value` options, and
 * here-documents (`<<EOF`, `<<-EOF`, quoted delimiters) for RUN, COPY and ADD.
 */

export interface Heredoc {
  /** Delimiter word without quotes. */
  name: string;
  body: string;
  /** Quoted delimiter: the body is not expanded. */
  quoted: boolean;
  /** Line of the first body line. */
  line: number;
}

export interface Instruction {
  /** Upper-case keyword (`RUN`, `FROM`...). */
  keyword: string;
  /** Everything after the keyword and its `--flags`, continuation lines joined with a space. */
  args: string;
  /** `--name=value` options before the arguments (`--from`, `--mount`, `--chmod`...); `--name` alone is `true`. */
  flags: Record<string, string>;
  /** The same options as written, in order. */
  rawFlags: string[];
  /** The arguments as an array when written in JSON (exec) form. */
  json?: string[];
  heredocs: Heredoc[];
  /** 1-based line of the keyword, and the last line of the instruction (heredoc bodies included). */
  line: number;
  endLine: number;
  column: number;
  /** Index of the build stage (each FROM starts one); -1 before the first FROM (ARG). */
  stage: number;
  /** The original source lines of the instruction, for locating a word inside it. */
  sourceLines: string[];
}

export interface Dockerfile {
  directives: Record<string, string>;
  escape: string;
  instructions: Instruction[];
}

const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
const HEREDOC_MARK = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\2/g;

export function parseDockerfile(text: string): Dockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const directives: Record<string, string> = {};
  let i = 0;
  // Parser directives: `# key=value` lines before anything else; the first other line ends them.
  for (; i < lines.length; i++) {
    const m = /^\s*#\s*([A-Za-z]+)\s*=\s*(.*?)\s*$/.exec(lines[i]!);
    if (!m || directives[m[1]!.toLowerCase()] !== undefined) break;
    directives[m[1]!.toLowerCase()] = m[2]!;
  }
  const escape = directives.escape === '`' ? '`' : '\\';
  const instructions: Instruction[] = [];
  let stage = -1;
  while (i < lines.length) {
    const first = lines[i]!;
    if (/^\s*(#|$)/.test(first)) {
      i++;
      continue;
    }
    const startLine = i + 1;
    const sourceLines: string[] = [];
    const parts: string[] = [];
    // join continuation lines (the escape character and the line break go, nothing is added);
    // comment lines and blank lines inside a continuation are skipped
    for (;;) {
      const raw = lines[i] ?? '';
      sourceLines.push(raw);
      i++;
      if (parts.length > 0 && /^\s*(#|$)/.test(raw)) {
        if (i >= lines.length) break;
        continue;
      }
      const continued = endsWithEscape(raw, escape);
      parts.push(continued ? raw.replace(/\s*$/, '').slice(0, -1) : raw);
      if (!continued || i >= lines.length) break;
    }
    const joined = parts.join('').trim();
    const m = /^(\S+)\s*([\s\S]*)$/.exec(joined)!;
    const keyword = m[1]!.toUpperCase();
    let rest = m[2]!;
    const flags: Record<string, string> = {};
    const rawFlags: string[] = [];
    for (;;) {
      // a lone `--` ends the options (as in getopt)
      const end = /^--(\s+|$)/.exec(rest);
      if (end) {
        rest = rest.slice(end[0].length);
        break;
      }
      const f = /^--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?(\s+|$)/.exec(rest);
      if (!f) break;
      flags[f[1]!] = f[2] ?? 'true';
      rawFlags.push(f[0].trim());
      rest = rest.slice(f[0].length);
    }
    const heredocs: Heredoc[] = [];
    if (HEREDOC_KEYWORDS.has(keyword)) {
      for (const h of rest.matchAll(HEREDOC_MARK)) {
        const body: string[] = [];
        const bodyLine = i + 1;
        while (i < lines.length) {
          const l = lines[i]!;
          sourceLines.push(l);
          i++;
          const candidate = h[1] === '-' ? l.replace(/^\t+/, '') : l;
          if (candidate === h[3]) break;
          body.push(candidate);
        }
        heredocs.push({ name: h[3]!, body: body.join('\n'), quoted: h[2] !== '', line: bodyLine });
      }
    }
    if (keyword === 'FROM') stage++;
    const json = jsonForm(rest);
    instructions.push({
      keyword,
      args: rest.trim(),
      flags,
      rawFlags,
      ...(json ? { json } : {}),
      heredocs,
      line: startLine,
      endLine: startLine + sourceLines.length - 1,
      column: first.length - first.trimStart().length + 1,
      stage,
      sourceLines,
    });
  }
  return { directives, escape, instructions };
}

/** The escape character as the last non-blank character continues the line (BuildKit allows trailing blanks). */
function endsWithEscape(line: string, escape: string): boolean {
  const t = line.replace(/\s+$/, '');
  if (!t.endsWith(escape)) return false;
  // an escaped escape (`\\`) at the end is a literal backslash, not a continuation
  let n = 0;
  for (let k = t.length - 1; k >= 0 && t[k] === escape; k--) n++;
  return n % 2 === 1;
}

/** Exec form: the arguments are a JSON array of strings; anything else is shell form. */
function jsonForm(args: string): string[] | undefined {
  const t = args.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** 1-based line of the first source line of `instr` that contains `needle` (else the keyword's line). */
export function lineOf(instr: Instruction, needle: string | RegExp): number {
  const idx = instr.sourceLines.findIndex((l) => (typeof needle === 'string' ? l.includes(needle) : needle.test(l)));
  return idx >= 0 ? instr.line + idx : instr.line;
}
