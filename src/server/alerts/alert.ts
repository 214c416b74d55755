/**
 * The alert the server raises and every channel delivers: the generic webhook receives exactly this
 * JSON; Slack and email render it (slack-payload.ts, email-message.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Finding, Severity } from '../../findings/types.js';
import { severityRank } from '../../scan/index.js';

export type AlertKind = 'new-vulnerability' | 'policy-fail' | 'test';

export interface AlertVulnerability {
  id: string;
  severity: Severity;
  package?: string;
  version?: string;
  fixedVersion?: string;
  title: string;
}

export interface AlertImage {
  digest: string;
  repository: string;
  tags: string[];
}

export interface Alert {
  id: string;
  time: string;
  kind: AlertKind;
  title: string;
  image?: AlertImage;
  details: { vulnerabilities?: AlertVulnerability[]; message?: string; [key: string]: unknown };
  /** The dashboard path of the image (`/images/<digest>`), relative to the server's URL. */
  link?: string;
}

export function imageLink(digest: string): string {
  return `/images/${encodeURIComponent(digest)}`;
}

/** One entry per vulnerability id (a finding per affected package collapses to the worst one), worst first. */
export function alertVulnerabilities(findings: Finding[]): AlertVulnerability[] {
  const byId = new Map<string, AlertVulnerability>();
  for (const f of findings) {
    const v: AlertVulnerability = { id: f.id, severity: f.severity, title: f.title };
    if (f.target.package) (v.package = f.target.package.name), (v.version = f.target.package.version);
    if (f.vulnerability?.fixedVersion) v.fixedVersion = f.vulnerability.fixedVersion;
    const seen = byId.get(f.id);
    if (!seen || severityRank(v.severity) < severityRank(seen.severity)) byId.set(f.id, v);
  }
  return [...byId.values()].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.id.localeCompare(b.id));
}

export function newVulnerabilityAlert(image: AlertImage, findings: Finding[], now = new Date()): Alert {
  const vulnerabilities = alertVulnerabilities(findings);
  const name = image.tags.length ? `${image.repository}:${image.tags[0]}` : `${image.repository}@${image.digest}`;
  const n = vulnerabilities.length;
  return {
    id: randomUUID(),
    time: now.toISOString(),
    kind: 'new-vulnerability',
    title: `${n} new vulnerabilit${n === 1 ? 'y' : 'ies'} in ${name}`,
    image,
    details: { vulnerabilities },
    link: imageLink(image.digest),
  };
}

export function testAlert(actor: string, now = new Date()): Alert {
  return { id: randomUUID(), time: now.toISOString(), kind: 'test', title: 'Test alert from the Bulkhead server', details: { message: `sent by ${actor} to check alert delivery` } };
}
