/** Runtime events for the sink tests: varied types, containers and times, with hostile text. */
import { RUNTIME_EVENT_TYPES, type RuntimeEvent } from '../events/types.js';
import { SEVERITIES } from '../../findings/types.js';

export function sampleEvent(i: number, baseMs = Date.UTC(2024, 0, 1)): RuntimeEvent {
  const c = i % 3;
  return {
    time: new Date(baseMs + i * 1000).toISOString(),
    type: RUNTIME_EVENT_TYPES[i % RUNTIME_EVENT_TYPES.length]!,
    severity: SEVERITIES[i % SEVERITIES.length]!,
    container: { id: `${'abcdef0123456789'.slice(c, c + 4)}${String(c).repeat(60)}`, name: `web-${c}`, image: `nginx:1.${c}`, imageDigest: `sha256:${String(c).repeat(64)}` },
    process: { pid: 1000 + i, path: '/usr/bin/sh', cmdline: ['sh', '-c', `echo ${i}`] },
    action: i % 2 ? 'alerted' : 'killed',
    reason: `event ${i}: "quoted" \\ back ] bracket, ünïcode`,
    rule: `BH-RT-${100 + (i % 20)}`,
    details: { n: i, list: ['a', 'b'] },
  };
}
