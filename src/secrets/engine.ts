import { globToRegExp } from '../findings/index.js';
import { shannonEntropy } from './entropy.js';
import { isSourcePath, plausibleGenericValue } from './generic-value.js';
import { KeywordIndex } from './keyword-index.js';
import { isPlaceholder } from './placeholders.js';
import { redact, secretDigest } from './redact.js';
import type { SecretAllow, SecretHit, SecretRule } from './types.js';
import { validateSecret } from './validators.js';

/**
 * The matching engine: keywords first (keyword-index.ts), then each triggered rule's regex on a
 * window around the keyword, then the checks that separate secrets from look-alikes (entropy,
 * placeholders, validators, allowlists), then overlap resolution by rule priority. Secrets exist
 * only inside `scan`; what it returns is redacted.
 */

/** Most hits reported per file: a file with thousands of tokens is one problem, not thousands. */
export const MAX_HITS_PER_FILE = 200;

const DEFAULT_BEFORE = 128;
const DEFAULT_AFTER = 512;

interface CompiledRule {
  rule: SecretRule;
  regex: RegExp;
  group: number;
  before: number;
  after: number;
  paths?: RegExp[];
}

interface CompiledAllow {
  paths?: RegExp[];
  regexes?: RegExp[];
  rules?: Set<string>;
  values?: Set<string>;
}

interface Candidate {
  rule: number;
  start: number;
  end: number;
  secret: string;
}

export interface ScanOutcome {
  hits: SecretHit[];
  /** Hits beyond MAX_HITS_PER_FILE were dropped. */
  truncated: boolean;
}

export class SecretEngine {
  private readonly rules: CompiledRule[];
  private readonly allow: CompiledAllow[];
  private readonly index: KeywordIndex;
  private readonly pathRules: number[];

  /** Rules and allow entries must already be validated (config-file.ts); built-ins always are. */
  constructor(rules: readonly SecretRule[], allow: readonly SecretAllow[]) {
    this.rules = rules.map((rule) => ({
      rule,
      regex: new RegExp(rule.regex, `gd${(rule.flags ?? '').replace(/[gdy]/gu, '')}`),
      group: rule.secretGroup ?? 0,
      before: rule.before ?? DEFAULT_BEFORE,
      after: rule.after ?? DEFAULT_AFTER,
      ...(rule.paths ? { paths: rule.paths.map(globToRegExp) } : {}),
    }));
    this.allow = allow.map((a) => ({
      ...(a.paths ? { paths: a.paths.map(globToRegExp) } : {}),
      ...(a.regexes ? { regexes: a.regexes.map((r) => new RegExp(r, 'u')) } : {}),
      ...(a.rules ? { rules: new Set(a.rules) } : {}),
      ...(a.values ? { values: new Set(a.values) } : {}),
    }));
    this.index = new KeywordIndex(rules.map((r) => r.keywords));
    this.pathRules = this.rules.flatMap((r, i) => (r.paths ? [i] : []));
  }

  /** True when an allow entry that names only paths covers the whole file. */
  allowsPath(path: string): boolean {
    return this.allow.some((a) => a.paths && !a.regexes && !a.rules && !a.values && a.paths.some((p) => p.test(path)));
  }

  /** Scans bytes (read as Latin-1: secrets are ASCII, and offsets stay byte offsets). */
  scan(content: Uint8Array, path: string | undefined): ScanOutcome {
    const found = this.candidates(content, path);
    return found ? this.finish(found.text, found.candidates) : { hits: [], truncated: false };
  }

  /**
   * The text with every secret the rules find replaced by its redacted form: for strings that are
   * shown to users (image configuration, history commands) after they were scanned.
   */
  redactText(text: string): string {
    const bytes = Buffer.from(text, 'latin1');
    const found = this.candidates(bytes, undefined);
    if (!found || found.candidates.length === 0) return text;
    let out = '';
    let at = 0;
    for (const c of [...found.candidates].sort((a, b) => a.start - b.start)) {
      if (c.start < at) continue;
      out += found.text.slice(at, c.start) + redact(c.secret);
      at = c.end;
    }
    return Buffer.from(out + found.text.slice(at), 'latin1').toString('latin1');
  }

  private candidates(content: Uint8Array, path: string | undefined): { text: string; candidates: Candidate[] } | undefined {
    const pairs = this.index.find(content);
    if (pairs.length === 0) return undefined;
    const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('latin1');
    const disabled = new Set<number>();
    for (const r of this.pathRules) if (path === undefined || !this.rules[r]!.paths!.some((p) => p.test(path))) disabled.add(r);
    const sourceFile = isSourcePath(path);
    const scannedTo = new Int32Array(this.rules.length).fill(-1);
    const seen = new Set<string>();
    const candidates: Candidate[] = [];
    for (let h = 0; h < pairs.length; h += 2) {
      const at = pairs[h]!;
      for (const r of this.index.keywords[pairs[h + 1]!]!.rules) {
        if (disabled.has(r)) continue;
        const compiled = this.rules[r]!;
        const end = Math.min(text.length, at + compiled.after);
        if (end <= scannedTo[r]!) continue;
        const start = Math.max(0, at - compiled.before);
        scannedTo[r] = end;
        this.matchWindow(r, text, start, end, path, sourceFile, seen, candidates);
      }
    }
    return { text, candidates };
  }

  private matchWindow(
    r: number,
    text: string,
    start: number,
    end: number,
    path: string | undefined,
    sourceFile: boolean,
    seen: Set<string>,
    out: Candidate[],
  ): void {
    const compiled = this.rules[r]!;
    const window = text.slice(start, end);
    const regex = compiled.regex;
    regex.lastIndex = 0;
    for (let m = regex.exec(window); m !== null; m = regex.exec(window)) {
      if (m[0].length === 0) regex.lastIndex++;
      const secret = m[compiled.group];
      const span = m.indices?.[compiled.group];
      if (secret === undefined || span === undefined || secret.length === 0) continue;
      const absolute = start + span[0];
      const key = `${r}:${absolute}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (sourceFile && compiled.rule.quoteGroup !== undefined && !m[compiled.rule.quoteGroup]) continue;
      if (compiled.rule.generic) {
        const lineStart = text.lastIndexOf('\n', absolute) + 1;
        const lineEnd = text.indexOf('\n', absolute);
        const line = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd);
        if (!plausibleGenericValue(secret, window.slice(m.index, span[0]), line)) continue;
      }
      if (!this.accepts(compiled.rule, secret, path)) continue;
      out.push({ rule: r, start: absolute, end: start + span[1], secret });
    }
  }

  private accepts(rule: SecretRule, secret: string, path: string | undefined): boolean {
    if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) return false;
    if (rule.placeholders && isPlaceholder(secret)) return false;
    if (rule.validate && !validateSecret(rule.validate, secret)) return false;
    for (const a of this.allow) {
      if (a.paths && (path === undefined || !a.paths.some((p) => p.test(path)))) continue;
      if (a.rules && !a.rules.has(rule.id)) continue;
      if (a.values && !a.values.has(secret)) continue;
      if (a.regexes && !a.regexes.some((re) => re.test(secret))) continue;
      if (!a.paths && !a.rules && !a.values && !a.regexes) continue;
      return false;
    }
    return true;
  }

  /** Earlier rules win overlapping spans; then line and column, redaction and digest. */
  private finish(text: string, candidates: Candidate[]): ScanOutcome {
    candidates.sort((a, b) => a.rule - b.rule || a.start - b.start);
    const kept: Candidate[] = [];
    for (const c of candidates) {
      if (kept.some((k) => c.start < k.end && k.start < c.end)) continue;
      kept.push(c);
    }
    kept.sort((a, b) => a.start - b.start);
    const truncated = kept.length > MAX_HITS_PER_FILE;
    const hits: SecretHit[] = [];
    let line = 1;
    let lineStart = 0;
    let counted = 0;
    for (const c of kept.slice(0, MAX_HITS_PER_FILE)) {
      for (let nl = text.indexOf('\n', counted); nl !== -1 && nl < c.start; nl = text.indexOf('\n', nl + 1)) {
        line++;
        lineStart = nl + 1;
      }
      counted = c.start;
      const rule = this.rules[c.rule]!.rule;
      hits.push({
        rule: rule.id,
        severity: rule.severity,
        description: rule.description,
        line,
        column: c.start - lineStart + 1,
        redacted: redact(c.secret),
        sha256: secretDigest(c.secret),
      });
    }
    return { hits, truncated };
  }
}
