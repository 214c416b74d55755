/** The `policy-fail` alert: which image now fails, by which policy rules (the webhook receives this JSON). */
import { randomUUID } from 'node:crypto';
import { imageLink, type Alert, type AlertImage } from '../alerts/index.js';
import type { FailedRule } from './judge-image.js';

/** Evidence lines per rule carried in the alert; the image page shows them all. */
const EVIDENCE_PER_RULE = 5;

export function policyFailAlert(image: AlertImage, failed: readonly FailedRule[], now = new Date()): Alert {
  const name = image.tags.length ? `${image.repository}:${image.tags[0]}` : `${image.repository}@${image.digest}`;
  const byPolicy = new Map<string, string[]>();
  for (const f of failed) {
    const key = `${f.policyName} v${f.policyVersion}`;
    byPolicy.set(key, [...(byPolicy.get(key) ?? []), f.rule]);
  }
  const summary = [...byPolicy].map(([policy, rules]) => `${policy} (${rules.join(', ')})`).join('; ');
  return {
    id: randomUUID(),
    time: now.toISOString(),
    kind: 'policy-fail',
    title: `${name} fails policy ${summary}`,
    image,
    details: {
      message: `${failed.length} rule(s) failed`,
      failedRules: failed.map((f) => ({ ...f, evidence: f.evidence.slice(0, EVIDENCE_PER_RULE) })),
    },
    link: imageLink(image.digest),
  };
}
