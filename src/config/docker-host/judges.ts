/**
 * The few shapes a CIS check takes, so the section files stay declarative: a daemon option and the
 * values that pass, a file's owner and mode, a test over every running container or image, or a
 * manual recommendation.
 */
import { daemonOption, describeOption, type OptionValue } from './daemon-options.js';
import type { BenchContainer, BenchImage, FileFact, HostFacts, Judgement, Observation, Verdict } from './types.js';

export type Judge = (facts: HostFacts) => Judgement;

/**
 * A daemon option: `accept` says whether the value (undefined: not set) passes. Options the daemon
 * defaults safely pass when unset; those that must be turned on fail.
 */
export function daemonJudge(flags: readonly string[], key: string, accept: (value: OptionValue | undefined) => boolean, otherwise: Verdict = 'warn'): Judge {
  return (facts) => {
    const value = daemonOption(facts, flags, key);
    return { verdict: accept(value) ? 'pass' : otherwise, evidence: describeOption(flags[0] ?? key, value) };
  };
}

export const isSet = (v: OptionValue | undefined): boolean => v !== undefined;
export const isUnset = (v: OptionValue | undefined): boolean => v === undefined;
export const isTrue = (v: OptionValue | undefined): boolean => v !== undefined && v.values.every((x) => x === 'true');
export const isFalse = (v: OptionValue | undefined): boolean => v !== undefined && v.values.every((x) => x === 'false');
export const notFalse = (v: OptionValue | undefined): boolean => v === undefined || !v.values.some((x) => x === 'false');
export const unsetOr = (expected: string) => (v: OptionValue | undefined): boolean => v === undefined || v.values.every((x) => x === expected);
export const lacks = (fragment: string) => (v: OptionValue | undefined): boolean => v === undefined || !v.values.some((x) => x.includes(fragment));

export interface FileRule {
  /** `root:root` by numeric id 0:0, or `root:docker` by names. */
  owner?: string;
  /** Most permissive mode allowed: no permission bit outside it may be set (CIS "or more restrictive"). */
  maxMode?: number;
}

function fileJudgement(file: FileFact, rule: FileRule): Observation | undefined {
  if (rule.owner === 'root:root' && (file.uid !== 0 || file.gid !== 0)) return { subject: file.path, detail: `owned by ${file.owner}:${file.group}` };
  if (rule.owner !== undefined && rule.owner !== 'root:root' && `${file.owner}:${file.group}` !== rule.owner) return { subject: file.path, detail: `owned by ${file.owner}:${file.group}` };
  if (rule.maxMode !== undefined && (file.mode & ~rule.maxMode) !== 0) return { subject: file.path, detail: `mode ${file.mode.toString(8)} allows more than ${rule.maxMode.toString(8)}` };
  return undefined;
}

function describeFile(file: FileFact): string {
  return `${file.path} ${file.owner}:${file.group} ${file.mode.toString(8)}`;
}

/** A file's owner or mode; `locate` picks the path (a unit file, a TLS file named by an option). */
export function fileJudge(locate: (facts: HostFacts) => string | undefined, rule: FileRule): Judge {
  return (facts) => {
    const path = locate(facts);
    const file = path === undefined ? undefined : facts.files[path];
    if (!file) return { verdict: 'info', evidence: path === undefined ? 'not configured' : `${path} not found` };
    const failure = fileJudgement(file, rule);
    return { verdict: failure ? 'warn' : 'pass', evidence: describeFile(file), ...(failure ? { failures: [failure] } : {}) };
  };
}

/** Several files (registry certificates): warn when any fails, info when there are none. */
export function filesJudge(list: (facts: HostFacts) => FileFact[], rule: FileRule): Judge {
  return (facts) => {
    const files = list(facts);
    if (files.length === 0) return { verdict: 'info', evidence: 'no files' };
    const failures = files.map((f) => fileJudgement(f, rule)).filter((f): f is Observation => f !== undefined);
    return { verdict: failures.length ? 'warn' : 'pass', evidence: `${files.length} file(s) checked`, failures };
  };
}

export function containerName(c: BenchContainer): string {
  return (c.Name ?? c.Id.slice(0, 12)).replace(/^\//u, '');
}

/**
 * A test over every running container: `violation` returns why one fails (undefined: it passes).
 * With no running containers there is nothing to judge (info), as the benchmark's audit says.
 */
export function containerJudge(violation: (c: BenchContainer, facts: HostFacts) => string | undefined, otherwise: Verdict = 'warn'): Judge {
  return (facts) => {
    if (facts.containers.length === 0) return { verdict: 'info', evidence: 'no running containers' };
    const failures: Observation[] = [];
    for (const c of facts.containers) {
      const why = violation(c, facts);
      if (why !== undefined) failures.push({ subject: containerName(c), detail: why });
    }
    return {
      verdict: failures.length ? otherwise : 'pass',
      evidence: failures.length ? `${failures.length} of ${facts.containers.length} container(s): ${failures.map((f) => `${f.subject} (${f.detail})`).join('; ')}` : `${facts.containers.length} container(s) checked`,
      failures,
    };
  };
}

/** A test over every local image. */
export function imageJudge(violation: (i: BenchImage) => string | undefined): Judge {
  return (facts) => {
    if (facts.images.length === 0) return { verdict: 'info', evidence: 'no images' };
    const failures: Observation[] = [];
    for (const image of facts.images) {
      const why = violation(image);
      if (why !== undefined) failures.push({ subject: image.RepoTags?.[0] ?? image.Id, detail: why });
    }
    return { verdict: failures.length ? 'warn' : 'pass', evidence: `${failures.length} of ${facts.images.length} image(s) fail`, failures };
  };
}

export const manualJudge: Judge = () => ({ verdict: 'manual', evidence: 'needs a person to review' });
