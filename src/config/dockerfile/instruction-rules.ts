import type { Dockerfile, Instruction } from './parse-dockerfile.js';
import { lineOf } from './parse-dockerfile.js';
import { DF_RULES, type DockerfileRule } from './rule-catalog.js';

export interface DockerfileViolation {
  rule: DockerfileRule;
  line: number;
  column: number;
  detail: string;
}

export function at(rule: DockerfileRule, instr: Instruction, detail: string, needle?: string | RegExp): DockerfileViolation {
  const line = needle ? lineOf(instr, needle) : instr.line;
  const source = instr.sourceLines[line - instr.line] ?? '';
  const col = needle ? (typeof needle === 'string' ? source.indexOf(needle) : source.search(needle)) : -1;
  return { rule, line, column: col >= 0 ? col + 1 : instr.column, detail };
}

/** Names that hold credentials; GPG key ids, file paths and URLs of keys are not secrets. */
const SECRET_NAME = /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credentials?|^key$|_key$)/i;
const NOT_SECRET_NAME = /(_file|_path|_dir|_url|_id|gpg_keys?|public_key|_keys|_version)$/i;
const ARCHIVE = /\.(tar|tar\.(gz|bz2|xz|zst)|tgz|tbz2?|txz|tzst)$/i;

/** Checks on single instructions and on the shape of the final stage. */
export function checkInstructions(df: Dockerfile): DockerfileViolation[] {
  const out: DockerfileViolation[] = [];
  const stageNames = new Set<string>();
  const lastStage = Math.max(...df.instructions.map((i) => i.stage), -1);
  const finalStage = df.instructions.filter((i) => i.stage === lastStage && lastStage >= 0);
  for (const instr of df.instructions) {
    switch (instr.keyword) {
      case 'FROM': {
        const words = instr.args.split(/\s+/);
        const image = words[0] ?? '';
        const asIndex = words.findIndex((w) => w.toLowerCase() === 'as');
        if (!image.includes('$') && !stageNames.has(image.toLowerCase()) && image !== 'scratch' && !image.includes('@')) {
          const lastPart = image.slice(image.lastIndexOf('/') + 1);
          const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : undefined;
          if (tag === undefined || tag === 'latest') out.push(at(DF_RULES.latestFrom, instr, `FROM ${image} ${tag ? 'uses the latest tag' : 'has no tag (means latest)'}`));
        }
        if (asIndex >= 0 && words[asIndex + 1]) stageNames.add(words[asIndex + 1]!.toLowerCase());
        break;
      }
      case 'ADD': {
        const sources = addSources(instr);
        for (const src of sources) {
          if (/^(https?|ftp):\/\//i.test(src) || /^git@|\.git(#|$)/.test(src)) {
            if (!instr.flags.checksum) out.push(at(DF_RULES.addUrl, instr, `ADD ${src}`, src));
          } else if (!ARCHIVE.test(src)) {
            out.push(at(DF_RULES.addLocal, instr, `ADD ${src} only copies a local file`, src));
          }
        }
        break;
      }
      case 'ENV':
      case 'ARG':
        for (const [name, value] of keyValues(instr)) {
          if (value === undefined || value === '' || value.includes('$')) continue;
          if (SECRET_NAME.test(name) && !NOT_SECRET_NAME.test(name)) out.push(at(DF_RULES.secretEnv, instr, `${instr.keyword} ${name} has a literal value`, name));
        }
        break;
      case 'EXPOSE':
        for (const p of instr.args.split(/\s+/)) {
          if (/^22(\/tcp)?$/i.test(p)) out.push(at(DF_RULES.exposeSsh, instr, `EXPOSE ${p}`, /\b22\b/));
        }
        break;
      case 'WORKDIR': {
        const dir = instr.args.trim().replace(/^["']|["']$/g, '');
        // absolute: /x, a variable (resolved at build time), or a Windows drive path
        if (!/^(\/|\$|[A-Za-z]:[\\/])/.test(dir)) out.push(at(DF_RULES.relativeWorkdir, instr, `WORKDIR ${dir}`));
        break;
      }
      case 'ENTRYPOINT':
        if (!instr.json) out.push(at(DF_RULES.shellEntrypoint, instr, `ENTRYPOINT ${instr.args}`));
        break;
    }
  }
  // per stage: only the last CMD / ENTRYPOINT counts
  for (const keyword of ['CMD', 'ENTRYPOINT']) {
    const seen = new Map<number, number>();
    for (const instr of df.instructions.filter((i) => i.keyword === keyword)) {
      const n = (seen.get(instr.stage) ?? 0) + 1;
      seen.set(instr.stage, n);
      if (n > 1) out.push(at(DF_RULES.multipleCmd, instr, `${keyword} number ${n} in stage ${instr.stage + 1}; only the last one counts`));
    }
  }
  if (finalStage.length > 0) {
    const from = finalStage[0]!;
    const users = finalStage.filter((i) => i.keyword === 'USER');
    const last = users[users.length - 1];
    if (!last) out.push(at(DF_RULES.noUser, from, 'final stage sets no USER; it runs as the base image user, often root'));
    else if (/^(root|0)(:.*)?$/.test(last.args.trim())) out.push(at(DF_RULES.rootUser, last, `USER ${last.args.trim()}`));
    if (!finalStage.some((i) => i.keyword === 'HEALTHCHECK')) out.push(at(DF_RULES.noHealthcheck, from, 'final stage has no HEALTHCHECK'));
  }
  return out;
}

/** ADD sources: every argument but the last (JSON or shell form); heredoc sources are inline files. */
function addSources(instr: Instruction): string[] {
  const args = instr.json ?? instr.args.split(/\s+/).filter(Boolean);
  return args.slice(0, -1).filter((a) => !a.startsWith('<<'));
}

/** ENV/ARG `k=v` pairs (quotes removed), the legacy `ENV k v` form, and `ARG k` without a default. */
function keyValues(instr: Instruction): [string, string | undefined][] {
  const text = instr.args.trim();
  if (instr.keyword === 'ENV' && !/^[^\s=]+=/.test(text)) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(text);
    return m ? [[m[1]!, m[2]!]] : [];
  }
  const out: [string, string | undefined][] = [];
  for (const m of text.matchAll(/([^\s=]+)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g)) {
    const raw = m[2];
    out.push([m[1]!, raw === undefined ? undefined : raw.replace(/^(["'])([\s\S]*)\1$/, '$2')]);
  }
  return out;
}
