/**
 * A daemon option as the daemon sees it: from dockerd's command line (`--flag=value`, `--flag value`,
 * bare boolean `--flag`) or daemon.json (dockerd(8), "Daemon configuration file"). The command line
 * is read first, as the benchmark's audit steps do (`ps -ef | grep dockerd`, then daemon.json).
 */
import type { HostFacts } from './types.js';

export interface OptionValue {
  source: 'command line' | 'daemon.json';
  /** Every value given (repeatable flags such as `-H` or `--insecure-registry`). */
  values: string[];
}

/** Flags that take no value; a bare `--flag` means true. */
const BOOLEAN_FLAGS = new Set(['--icc', '--iptables', '--ip6tables', '--tls', '--tlsverify', '--live-restore', '--userland-proxy', '--no-new-privileges', '--experimental', '--selinux-enabled']);

export function commandLineValues(args: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    for (const flag of flags) {
      if (arg === flag) {
        const next = args[i + 1];
        if (BOOLEAN_FLAGS.has(flag) || next === undefined || next.startsWith('-')) out.push('true');
        else {
          out.push(next);
          i++;
        }
      } else if (arg.startsWith(`${flag}=`)) out.push(arg.slice(flag.length + 1));
    }
  }
  return out;
}

function configValues(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (typeof value === 'object') return Object.keys(value).length === 0 ? [] : [JSON.stringify(value)];
  return [String(value)];
}

/** The option's value, or undefined when neither the command line nor daemon.json set it. */
export function daemonOption(facts: HostFacts, flags: readonly string[], key: string): OptionValue | undefined {
  const fromArgs = commandLineValues(facts.dockerdArgs ?? [], flags);
  if (fromArgs.length > 0) return { source: 'command line', values: fromArgs };
  if (facts.daemonConfig && key in facts.daemonConfig) {
    const values = configValues(facts.daemonConfig[key]);
    if (values.length > 0 && !(values.length === 1 && values[0] === '')) return { source: 'daemon.json', values };
  }
  return undefined;
}

export function describeOption(name: string, value: OptionValue | undefined): string {
  return value === undefined ? `${name} not set` : `${name}=${value.values.join(',')} (${value.source})`;
}
