/**
 * Where syslog messages go, as a URL: `udp://HOST:PORT` (RFC 5426), `tcp://HOST:PORT` (RFC 6587
 * octet counting) or `unix:///PATH` (a SOCK_STREAM unix socket). `?facility=NAME` picks the facility
 * (default `daemon`). The port defaults to 514, the registered syslog port.
 */
import { BulkheadError } from '../../errors.js';
import { SYSLOG_FACILITIES, type SyslogFacility } from './syslog-format.js';

export type SyslogTarget =
  | { transport: 'udp' | 'tcp'; host: string; port: number; facility: SyslogFacility }
  | { transport: 'unix'; path: string; facility: SyslogFacility };

const DEFAULT_PORT = 514;

export function parseSyslogTarget(text: string): SyslogTarget {
  const bad = (reason: string): BulkheadError =>
    new BulkheadError('INPUT_INVALID', `syslog target "${text}": ${reason} (expected udp://HOST:PORT, tcp://HOST:PORT or unix:///PATH)`, { input: text });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const port = /^[a-z]+:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/iu.exec(text)?.[1];
    throw bad(port !== undefined && Number(port) > 65535 ? `port "${port}" out of range` : 'not a URL');
  }
  const transport = url.protocol.replace(/:$/u, '');
  if (transport !== 'udp' && transport !== 'tcp' && transport !== 'unix') throw bad(`unknown scheme "${transport}"`);
  if (url.username || url.password) throw bad('credentials are not supported');
  if (url.hash) throw bad('a fragment is not allowed');
  for (const key of url.searchParams.keys()) if (key !== 'facility') throw bad(`unknown parameter "${key}"`);
  const facilityName = url.searchParams.get('facility') ?? 'daemon';
  if (!Object.hasOwn(SYSLOG_FACILITIES, facilityName)) throw bad(`unknown facility "${facilityName}"`);
  const facility = facilityName as SyslogFacility;

  if (transport === 'unix') {
    if (url.host) throw bad('a unix socket path must be absolute (unix:///dev/log)');
    const path = decodeURIComponent(url.pathname);
    if (!path.startsWith('/') || path === '/') throw bad('no socket path');
    return { transport, path, facility };
  }
  // URL keeps IPv6 literals in brackets: [::1]
  const host = url.hostname.replace(/^\[(.*)\]$/u, '$1');
  if (!host) throw bad('no host');
  if (url.pathname && url.pathname !== '/') throw bad('a path is not allowed');
  const port = url.port === '' ? DEFAULT_PORT : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port "${url.port}" out of range`);
  return { transport, host, port, facility };
}

export function syslogTargetText(target: SyslogTarget): string {
  if (target.transport === 'unix') return `unix://${target.path}`;
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.transport}://${host}:${target.port}`;
}
