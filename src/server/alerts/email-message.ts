/**
 * An alert as an Internet Message (RFC 5322): header fields with CRLF line ends, a plain-text body.
 * Header values are stripped of CR and LF (no header injection from an image name or a title) and
 * encoded as RFC 2047 words when not ASCII; a non-ASCII body is sent base64 (RFC 2045 6.8) so the
 * message needs no 8BITMIME from the server.
 */
import { randomUUID } from 'node:crypto';
import type { Alert } from './alert.js';

function headerValue(text: string): string {
  const flat = text.replace(/[\r\n]+/gu, ' ');
  // RFC 2047: an encoded word is at most 75 characters; the title is clipped to stay in one or two
  return /^[\x20-\x7e]*$/u.test(flat) ? flat : `=?UTF-8?B?${Buffer.from(flat.slice(0, 120), 'utf8').toString('base64')}?=`;
}

export function emailBody(alert: Alert, baseUrl?: string): string {
  const lines = [alert.title, ''];
  if (alert.image) {
    lines.push(`Image: ${alert.image.repository}`, `Digest: ${alert.image.digest}`);
    if (alert.image.tags.length) lines.push(`Tags: ${alert.image.tags.join(', ')}`);
    lines.push('');
  }
  if (typeof alert.details.message === 'string') lines.push(alert.details.message, '');
  for (const v of alert.details.vulnerabilities ?? []) {
    const pkg = v.package ? ` ${v.package}${v.version ? ` ${v.version}` : ''}` : '';
    lines.push(`- ${v.id} (${v.severity})${pkg}: ${v.fixedVersion ? `fixed in ${v.fixedVersion}` : 'no fix yet'}`, `  ${v.title}`);
  }
  if (alert.link) lines.push('', `Dashboard: ${baseUrl ? new URL(alert.link, baseUrl).href : alert.link}`);
  return lines.join('\n') + '\n';
}

export interface EmailEnvelope {
  from: string;
  to: string[];
}

/** The whole message, CRLF line ends, ready for DATA (the SMTP client dot-stuffs it). */
export function emailMessage(alert: Alert, envelope: EmailEnvelope, baseUrl?: string, now = new Date()): string {
  const body = emailBody(alert, baseUrl);
  const ascii = /^[\x00-\x7f]*$/u.test(body);
  const domain = envelope.from.split('@')[1]?.replace(/[^A-Za-z0-9.-]/gu, '') || 'bulkhead.local';
  const headers = [
    `From: ${headerValue(envelope.from)}`,
    `To: ${envelope.to.map(headerValue).join(', ')}`,
    `Subject: ${headerValue(`[Bulkhead] ${alert.title}`)}`,
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomUUID()}@${domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${ascii ? '7bit' : 'base64'}`,
    `X-Bulkhead-Alert: ${alert.id}`,
  ];
  const encoded = ascii ? body : (Buffer.from(body, 'utf8').toString('base64').match(/.{1,76}/gu) ?? []).join('\n') + '\n';
  return `${headers.join('\r\n')}\r\n\r\n${encoded.replace(/\r?\n/gu, '\r\n')}`;
}
