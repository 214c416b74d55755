import type { Finding } from '../../findings/types.js';
import type { CheckContext, ImageCheck } from './types.js';

/**
 * BH-IMG-001, CIS Docker Benchmark 4.1 "Ensure that a user for the container has been created":
 * the container's process runs as UID 0 when the config has no `User`, names UID 0 or `root`, or
 * names an account that the image's own `etc/passwd` maps to UID 0 (a renamed root).
 */
const runsAsRoot: ImageCheck = (ctx: CheckContext): Finding[] => {
  const raw = ctx.analysis.image.config?.config?.User?.trim() ?? '';
  // USER is `user[:group]`; only the user decides the UID
  const user = raw.split(':')[0] ?? '';
  const passwd = ctx.options.passwd ?? ctx.analysis.users;
  let why: string | undefined;
  const evidence: Record<string, string> = { user: raw === '' ? '(not set)' : raw };
  if (user === '') why = 'the image config sets no USER, so the container runs as root';
  else if (/^\d+$/.test(user)) {
    if (Number(user) === 0) why = `USER ${raw} is UID 0`;
  } else if (user === 'root') why = `USER ${raw} is root`;
  else {
    const entry = passwd?.find((e) => e.name === user);
    if (entry) {
      evidence.uid = String(entry.uid);
      if (entry.uid === 0) why = `USER ${raw} is mapped to UID 0 by etc/passwd`;
    } else if (passwd) evidence.passwd = `${user} is not in etc/passwd`;
  }
  if (!why) return [];
  evidence.reason = why;
  return [
    ctx.finding({
      id: 'BH-IMG-001',
      cis: '4.1',
      severity: 'high',
      title: 'Image runs as root',
      remediation: 'Create an unprivileged user in the image and set it with USER (e.g. USER 10001).',
      evidence,
    }),
  ];
};

export const userChecks: readonly ImageCheck[] = [runsAsRoot];
