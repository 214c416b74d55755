/**
 * BH-RT-108: a process that was not root becoming root through setuid(0)/setresuid/setreuid. Only a
 * set-user-ID program or a capability the container should not have lets that succeed, so it marks a
 * privilege escalation (sudo/su in a container, or an exploit).
 */
import type { RuntimeConfig } from '../config/schema.js';
import type { Detector } from './types.js';

export function privilegeEscalationDetector(config: RuntimeConfig['detectors']['privilegeEscalation']): Detector {
  return {
    name: 'privilege-escalation',
    observe(o) {
      if (o.kind !== 'setuid' || o.fromUid === 0 || o.toUid !== 0) return [];
      return [
        {
          type: 'privilege-escalation',
          rule: 'BH-RT-108',
          severity: 'high',
          container: o.container,
          pid: o.pid,
          path: o.path,
          reason: `${o.comm} changed its uid from ${o.fromUid} to root`,
          response: config.response,
          details: { fromUid: o.fromUid, toUid: o.toUid, comm: o.comm },
        },
      ];
    },
  };
}
