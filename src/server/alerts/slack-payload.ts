/**
 * An alert as a Slack incoming-webhook message: `text` (the notification and fallback) plus
 * Block Kit `blocks`. Limits from Slack's Block Kit reference: at most 50 blocks per message, a
 * section's text at most 3,000 characters, a header's plain text at most 150; mrkdwn text escapes
 * `&`, `<` and `>` (https://api.slack.com/reference/surfaces/formatting#escaping), which also keeps
 * an advisory title from forming links or mentions.
 */
import type { Alert, AlertVulnerability } from './alert.js';

export const SLACK_MAX_BLOCKS = 50;
const SECTION_MAX = 3000;
const HEADER_MAX = 150;
/** The header, the image section and the closing context block. */
const FIXED_BLOCKS = 3;

export function slackEscape(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function vulnerabilityText(v: AlertVulnerability): string {
  const pkg = v.package ? ` in \`${slackEscape(v.package)}${v.version ? ` ${slackEscape(v.version)}` : ''}\`` : '';
  const fix = v.fixedVersion ? `fixed in \`${slackEscape(v.fixedVersion)}\`` : 'no fix yet';
  return clip(`*${slackEscape(v.id)}* (${v.severity})${pkg}, ${fix}\n${slackEscape(v.title)}`, SECTION_MAX);
}

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/** `baseUrl` makes the dashboard link absolute when the server knows its public URL. */
export function slackPayload(alert: Alert, baseUrl?: string): SlackMessage {
  const blocks: Record<string, unknown>[] = [{ type: 'header', text: { type: 'plain_text', text: clip(alert.title, HEADER_MAX) } }];
  if (alert.image) {
    const tags = alert.image.tags.length ? `\nTags: ${alert.image.tags.map((t) => `\`${slackEscape(t)}\``).join(', ')}` : '';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*${slackEscape(alert.image.repository)}*\n\`${alert.image.digest}\`${tags}`, SECTION_MAX) } });
  } else if (typeof alert.details.message === 'string') {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(slackEscape(alert.details.message), SECTION_MAX) } });
  }
  const vulnerabilities = alert.details.vulnerabilities ?? [];
  const room = SLACK_MAX_BLOCKS - FIXED_BLOCKS;
  const shown = vulnerabilities.length > room ? vulnerabilities.slice(0, room - 1) : vulnerabilities;
  for (const v of shown) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: vulnerabilityText(v) } });
  const more = vulnerabilities.length - shown.length;
  const context: string[] = [];
  if (more > 0) context.push(`…and ${more} more`);
  if (alert.link) context.push(baseUrl ? `<${new URL(alert.link, baseUrl).href}|Open in the dashboard>` : `Dashboard: ${slackEscape(alert.link)}`);
  if (context.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });
  return { text: clip(slackEscape(alert.title), SECTION_MAX), blocks };
}
