/**
 * Runtime events as RFC 5424 syslog messages (https://www.rfc-editor.org/rfc/rfc5424):
 *
 *   <PRI>1 TIMESTAMP HOSTNAME bulkhead PROCID MSGID [bulkhead@32473 container="…" …] BOM reason
 *
 * PRI = facility * 8 + severity (§6.2.1); MSGID is the event type; the structured data carries the
 * container, image, action and rule so a receiver can filter without parsing the text. 32473 is the
 * private enterprise number RFC 5612 reserves for documentation: an SD-ID with it is well formed
 * (§7.2.2) without claiming someone else's number.
 */
import type { Severity } from '../../findings/types.js';
import type { RuntimeEvent } from '../events/types.js';

/** Facility names and codes, RFC 5424 §6.2.1 table 1. */
export const SYSLOG_FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  ntp: 12, security: 13, console: 14, solaris_cron: 15, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const;
export type SyslogFacility = keyof typeof SYSLOG_FACILITIES;

/**
 * Event severity to syslog severity (§6.2.1 table 2): critical → 2 Critical, high → 3 Error,
 * medium → 4 Warning, low → 5 Notice, negligible → 6 Informational; unknown → 5 Notice, so an
 * unrated event is still above the informational noise.
 */
export const SYSLOG_SEVERITY: Record<Severity, number> = { critical: 2, high: 3, medium: 4, low: 5, negligible: 6, unknown: 5 };

export const SD_ID = 'bulkhead@32473';
const APP_NAME = 'bulkhead';
/** §6.4: a MSG that starts with the UTF-8 BOM is UTF-8. */
const BOM = '\uFEFF';

export interface SyslogHeader {
  facility: SyslogFacility;
  hostname: string;
  procId: number | string;
}

/** §6.3.3: inside PARAM-VALUE, `"`, `\` and `]` are escaped with a backslash. */
export function escapeParamValue(value: string): string {
  return value.replace(/["\\\]]/gu, (c) => '\\' + c);
}

/**
 * §6: header fields are PRINTUSASCII (33..126) with a length limit; anything else (a hostname with a
 * space, an empty value) becomes the NILVALUE "-" rather than a malformed message.
 */
export function headerField(value: string, maxLength: number): string {
  return value.length > 0 && value.length <= maxLength && /^[\x21-\x7e]+$/u.test(value) ? value : '-';
}

/** §6.2.3 / RFC 3339: the event time in UTC; a time that does not parse is the NILVALUE. */
function timestamp(time: string): string {
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '-';
}

/** The structured-data element (§6.3), parameters in a fixed order, empty values left out. */
export function structuredData(event: RuntimeEvent): string {
  const params: [string, string][] = [
    ['container', (event.container?.name ?? '').replace(/^\//u, '')],
    ['container-id', event.container?.id ?? ''],
    ['image', event.container?.image ?? ''],
    ['image-digest', event.container?.imageDigest ?? ''],
    ['severity', event.severity],
    ['action', event.action],
    ['rule', event.rule],
    ['pid', event.process?.pid ? String(event.process.pid) : ''],
    ['path', event.process?.path ?? ''],
  ];
  const body = params
    .filter(([, v]) => v !== '')
    .map(([k, v]) => ` ${k}="${escapeParamValue(v)}"`)
    .join('');
  return `[${SD_ID}${body}]`;
}

/**
 * The whole message as bytes. `maxBytes` bounds it (receivers cut or drop longer ones: rsyslog's
 * default maxMessageSize is 8 KiB); only the free-text MSG is shortened, at a character boundary.
 */
export function formatSyslogMessage(event: RuntimeEvent, header: SyslogHeader, maxBytes = 8192): Buffer {
  const pri = SYSLOG_FACILITIES[header.facility] * 8 + (SYSLOG_SEVERITY[event.severity] ?? 5);
  const head =
    `<${pri}>1 ${timestamp(event.time)} ${headerField(header.hostname, 255)} ${APP_NAME} ` +
    `${headerField(String(header.procId), 128)} ${headerField(event.type, 32)} ${structuredData(event)}`;
  const headBytes = Buffer.from(head, 'utf8');
  const msg = Buffer.from(` ${BOM}${event.reason}`, 'utf8');
  const room = maxBytes - headBytes.length;
  if (msg.length <= room) return Buffer.concat([headBytes, msg]);
  if (room < 5) return headBytes; // structured data alone fills the budget: MSG is optional (§6)
  return Buffer.concat([headBytes, truncateUtf8(msg, room)]);
}

/** The longest prefix of `bytes` within `max` that does not split a UTF-8 sequence. */
function truncateUtf8(bytes: Buffer, max: number): Buffer {
  let end = max;
  // step back over continuation bytes (10xxxxxx) to the start of the cut character
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}
