import type { Finding } from '../../findings/types.js';
import { redactBuildArgs } from './secret-names.js';
import type { CheckContext, FindingSpec, HistoryStep, ImageCheck } from './types.js';

/**
 * The Dockerfile instruction behind a history entry. The classic builder writes
 * `/bin/sh -c #(nop) ADD file:… in /dest` for non-RUN steps and `/bin/sh -c CMD` for RUN;
 * BuildKit writes the instruction itself with a ` # buildkit` suffix.
 */
export function instructionOf(createdBy: string): { keyword: string; text: string } {
  let text = createdBy.trim().replace(/\s+# buildkit$/, '');
  const nop = /^\/bin\/sh -c #\(nop\)\s+(.*)$/s.exec(text);
  if (nop) text = nop[1]!;
  else if (/^\/bin\/sh -c /.test(text) || /^\|\d+ /.test(text)) return { keyword: 'RUN', text };
  const m = /^([A-Z]+)\s+(.*)$/s.exec(text);
  return m ? { keyword: m[1]!, text: m[2]! } : { keyword: '', text };
}

const ARCHIVE = /\.(?:tar|tar\.gz|tgz|tar\.xz|txz|tar\.bz2|tbz2?|tar\.zst)$/;

/**
 * BH-IMG-006 / BH-IMG-007, CIS 4.9 "Ensure that COPY is used instead of ADD in Dockerfiles". ADD
 * from a URL fetches unverified remote content at build time (006); ADD of local files can unpack
 * archives unexpectedly where COPY would do (007). The base image's root file system (`ADD … /` in
 * the first layer) and local tar archives, ADD's one legitimate use, are not reported.
 */
const addInstead: ImageCheck = (ctx) => {
  const out: Finding[] = [];
  let layersBefore = 0;
  for (const step of ctx.history) {
    const { keyword, text } = instructionOf(step.createdBy);
    const isFirstLayer = !step.emptyLayer && layersBefore === 0;
    if (!step.emptyLayer) layersBefore++;
    if (keyword !== 'ADD') continue;
    const words = text.split(/\s+/).filter((w) => w !== '');
    const flags = words.filter((w) => w.startsWith('--'));
    const args = words.filter((w) => !w.startsWith('--') && w !== 'in');
    const sources = args.slice(0, -1);
    const dest = args[args.length - 1] ?? '';
    const remote = sources.filter((s) => /^(?:https?|git):\/\/|^git@/.test(s));
    const checksum = flags.find((f) => f.startsWith('--checksum'));
    const instruction = `ADD ${redactBuildArgs(text)}`;
    const at = (spec: FindingSpec): FindingSpec => (step.layerIndex !== undefined ? { ...spec, layerIndex: step.layerIndex } : spec);
    if (remote.length > 0 || checksum) {
      out.push(
        ctx.finding(
          at({
            id: 'BH-IMG-006',
            cis: '4.9',
            severity: checksum ? 'low' : 'medium',
            title: 'ADD fetches remote content at build time',
            remediation: 'Download with a verified checksum in a RUN step (or a build stage) and COPY the result; pin ADD --checksum if ADD stays.',
            evidence: { instruction, ...(remote.length ? { sources: remote.join(', ') } : {}), checksum: checksum ? 'pinned' : 'none' },
          }),
        ),
      );
      continue;
    }
    if ((isFirstLayer && dest === '/') || sources.every((s) => ARCHIVE.test(s))) continue;
    out.push(
      ctx.finding(
        at({
          id: 'BH-IMG-007',
          cis: '4.9',
          severity: 'low',
          title: 'ADD used where COPY would do',
          remediation: 'Use COPY for local files; ADD also unpacks archives and fetches URLs.',
          evidence: { instruction },
        }),
      ),
    );
  }
  return out;
};

const PM = String.raw`(?:^|[\s;&|(])`;
const OPTS = String.raw`(?:\s+-\S+)*\s+`;
/** Index refreshes that should share a RUN with the install that uses them. */
const UPDATE = new RegExp(`${PM}(?:(?:apt-get|apt)${OPTS}update|apk${OPTS}update|zypper${OPTS}(?:refresh|ref)|(?:yum|dnf|microdnf)${OPTS}makecache)\\b`);
const INSTALL = new RegExp(`${PM}(?:apt-get|apt|apk|yum|dnf|microdnf|zypper)${OPTS}(?:install|add|in|upgrade|dist-upgrade|full-upgrade|dup)\\b`);
/** In-place upgrades of every package. */
const UPGRADE = new RegExp(
  `${PM}(?:(?:apt-get|apt)${OPTS}(?:upgrade|dist-upgrade|full-upgrade)|apk${OPTS}upgrade|(?:yum|dnf|microdnf)${OPTS}(?:update|upgrade|distro-sync)|zypper${OPTS}(?:update|up|dist-upgrade|dup))\\b`,
);
const INTERPRETER = String.raw`(?:\/(?:usr\/)?(?:local\/)?bin\/)?(?:sh|bash|dash|zsh|ksh|ash|python[0-9.]*|perl|ruby|node)\b`;
const FETCH_TO_SHELL = [
  new RegExp(String.raw`\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo(?:\s+-\S+)*\s+)?(?:env\s+(?:\S+=\S*\s+)*)?${INTERPRETER}`),
  new RegExp(String.raw`\b${INTERPRETER}\s+(?:-\S+\s+)*["']?\$\(\s*(?:curl|wget)\b`),
  new RegExp(String.raw`<\(\s*(?:curl|wget)\b`),
];

function runSteps(ctx: CheckContext): { step: HistoryStep; command: string }[] {
  return ctx.history.flatMap((step) => {
    const { keyword, text } = instructionOf(step.createdBy);
    return keyword === 'RUN' ? [{ step, command: text }] : [];
  });
}

function runFinding(ctx: CheckContext, step: HistoryStep, spec: Omit<FindingSpec, 'evidence'>): Finding {
  return ctx.finding({
    ...spec,
    evidence: { instruction: `RUN ${redactBuildArgs(instructionOf(step.createdBy).text)}` },
    ...(step.layerIndex !== undefined ? { layerIndex: step.layerIndex } : {}),
  });
}

/** BH-IMG-014, CIS 4.7 "Ensure update instructions are not used alone in Dockerfiles". */
const updateAlone: ImageCheck = (ctx) =>
  runSteps(ctx)
    .filter(({ command }) => UPDATE.test(command) && !INSTALL.test(command))
    .map(({ step }) =>
      runFinding(ctx, step, {
        id: 'BH-IMG-014',
        cis: '4.7',
        severity: 'low',
        title: 'Package index updated in a RUN step of its own',
        remediation: 'Update the index and install in the same RUN (apt-get update && apt-get install -y ...), so a cached layer never installs from a stale index.',
      }),
    );

/** BH-IMG-015: upgrading every package in the build hides which versions ship; rebuild on a patched base instead. */
const upgradeInBuild: ImageCheck = (ctx) =>
  runSteps(ctx)
    .filter(({ command }) => UPGRADE.test(command))
    .map(({ step }) =>
      runFinding(ctx, step, {
        id: 'BH-IMG-015',
        severity: 'low',
        title: 'Build upgrades all packages in place',
        remediation: 'Rebuild on an updated base image and install pinned versions instead of upgrading in the Dockerfile.',
      }),
    );

/** BH-IMG-016, CIS 4.11 "Ensure only verified packages are installed": a downloaded script run unverified. */
const pipeToShell: ImageCheck = (ctx) =>
  runSteps(ctx)
    .filter(({ command }) => FETCH_TO_SHELL.some((re) => re.test(command)))
    .map(({ step }) =>
      runFinding(ctx, step, {
        id: 'BH-IMG-016',
        cis: '4.11',
        severity: 'medium',
        title: 'Build runs a downloaded script without verifying it',
        remediation: 'Download to a file, check its checksum or signature, then run it (or install a signed package).',
      }),
    );

export const historyChecks: readonly ImageCheck[] = [addInstead, updateAlone, upgradeInBuild, pipeToShell];
