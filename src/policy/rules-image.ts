import { checked, DAY_MS, skipped, type Rule, type RuleOutcome, type Violation } from './rule.js';
import { firstMatchingGlob, repositoryName } from './image-names.js';

/** Rules over the image's name and configuration (OCI image spec, "Properties": User, Healthcheck, Labels, created). */

const NO_REGISTRY = (reference: string): string => `the image has no registry name (${reference}): tag it or scan it from a registry`;
const NO_CONFIG = 'the image configuration is not known (an SBOM input has none)';

export const trustedRegistry: Rule = {
  id: 'trusted-registry',
  applies: (p) => p.trust?.registries !== undefined,
  check(policy, facts) {
    const globs = policy.trust!.registries!;
    const registry = facts.image.registry;
    if (registry === undefined) return skipped(NO_REGISTRY(facts.image.reference));
    const hit = firstMatchingGlob(globs, [registry]);
    if (hit) return checked([], [`registry ${registry} matches ${hit}`]);
    return checked([{ text: `registry ${registry} is not trusted (trusted: ${globs.join(', ')})`, keys: [registry] }]);
  },
};

export const trustedRepository: Rule = {
  id: 'trusted-repository',
  applies: (p) => p.trust?.repositories !== undefined,
  check(policy, facts) {
    const globs = policy.trust!.repositories!;
    const repo = repositoryName(facts.image);
    if (repo === undefined) return skipped(NO_REGISTRY(facts.image.reference));
    const hit = firstMatchingGlob(globs, [repo]);
    if (hit) return checked([], [`repository ${repo} matches ${hit}`]);
    return checked([{ text: `repository ${repo} is not trusted (trusted: ${globs.join(', ')})`, keys: [repo] }]);
  },
};

/**
 * The container's user is judged the way the kubelet judges `runAsNonRoot`: UID 0, `root`, or no
 * USER at all is root; a name is accepted only when the image's own etc/passwd maps it to a UID other
 * than 0 (a name nobody can resolve cannot be shown not to be root). At deploy time the container's
 * own user (`docker run --user`, `securityContext.runAsUser`; CIS Docker 4.1, PSS restricted
 * "Running as Non-root user") replaces the image's USER, and Kubernetes `runAsNonRoot: true` makes
 * the kubelet refuse UID 0 whatever the image says.
 */
export const nonRootUser: Rule = {
  id: 'non-root-user',
  applies: (p) => p.image?.nonRootUser === true,
  check(_policy, facts) {
    const d = facts.deployment;
    const override = d?.user !== undefined && d.user.trim() !== '' ? d.user : undefined;
    let outcome: RuleOutcome;
    if (override !== undefined) {
      // etc/passwd maps the image's USER name; the same name given with --user maps the same way
      const sameName = userName(override) === userName(facts.image.user ?? '');
      outcome = judgeUser(override, 'container user', sameName ? facts.image.uid : undefined);
    } else if (facts.image.user === undefined) outcome = skipped(NO_CONFIG);
    else outcome = judgeUser(facts.image.user, 'USER', facts.image.uid);
    const explicitRoot = override !== undefined && /^0+$/u.test(userName(override));
    const notPassed = outcome.verdict === 'skipped' || outcome.violations.length > 0;
    if (d?.runAsNonRoot === true && notPassed && !explicitRoot) return checked([], ['runAsNonRoot: true: the kubelet refuses to start the container as UID 0']);
    return outcome;
  },
};

function userName(raw: string): string {
  return (raw.trim().split(':')[0] ?? '').trim();
}

function judgeUser(raw: string, label: string, uid: number | undefined): RuleOutcome {
  const user = userName(raw);
  const fail = (why: string): RuleOutcome => checked([{ text: why, keys: [raw] }]);
  if (user === '') return fail('the image sets no USER: the container runs as root');
  if (/^\d+$/u.test(user)) return Number(user) === 0 ? fail(`${label} ${raw} is UID 0`) : checked([], [`${label} ${raw} (UID ${Number(user)})`]);
  if (user === 'root') return fail(`${label} ${raw} is root`);
  if (uid === undefined) return fail(`${label} ${raw} is not mapped to a UID by the image's etc/passwd: cannot show it is not root`);
  if (uid === 0) return fail(`${label} ${raw} is mapped to UID 0 by etc/passwd`);
  return checked([], [`${label} ${raw} (UID ${uid} in etc/passwd)`]);
}

export const healthcheck: Rule = {
  id: 'healthcheck',
  applies: (p) => p.image?.healthcheck === true,
  check(_policy, facts) {
    const test = facts.image.healthcheck;
    if (test === undefined) return skipped(NO_CONFIG);
    // Docker: Test ["NONE"] disables a healthcheck inherited from the base image
    if (test === null || test.length === 0) return checked([{ text: 'the image defines no HEALTHCHECK', keys: [] }]);
    if (test[0] === 'NONE') return checked([{ text: 'HEALTHCHECK NONE turns the healthcheck off', keys: [] }]);
    return checked([], [`HEALTHCHECK ${test.join(' ')}`]);
  },
};

export const imageAge: Rule = {
  id: 'image-age',
  applies: (p) => p.image?.maxAgeDays !== undefined,
  check(policy, facts, now) {
    const max = policy.image!.maxAgeDays!;
    const created = facts.image.created === undefined ? NaN : Date.parse(facts.image.created);
    if (Number.isNaN(created)) return skipped(facts.image.created === undefined ? 'the image has no creation time' : `creation time "${facts.image.created}" is not a date`);
    const days = Math.floor((now.getTime() - created) / DAY_MS);
    const line = `created ${facts.image.created} (${days} days ago; maximum ${max})`;
    return days > max ? checked([{ text: line, keys: [] }]) : checked([], [line]);
  },
};

export const requiredLabels: Rule = {
  id: 'required-labels',
  applies: (p) => p.image?.labels !== undefined,
  check(policy, facts) {
    const violations: Violation[] = [];
    const notes: string[] = [];
    for (const { name, value } of policy.image!.labels!) {
      const actual = facts.image.labels[name];
      if (actual === undefined) violations.push({ text: `label ${name} is missing`, keys: [name] });
      else if (value !== undefined && !new RegExp(value, 'u').test(actual)) violations.push({ text: `label ${name}="${actual}" does not match /${value}/`, keys: [name] });
      else notes.push(`label ${name}="${actual}"`);
    }
    return checked(violations, notes);
  },
};
