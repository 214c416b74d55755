/**
 * BH-RT-109: a process attaching to another with ptrace (PTRACE_ATTACH = 16, PTRACE_SEIZE = 0x4206,
 * ptrace(2)). Debuggers do this; in production it is how credentials are read from memory and code
 * is injected into other processes. A tracee asking to be traced (PTRACE_TRACEME) is not an attach.
 */
import type { RuntimeConfig } from '../config/schema.js';
import type { Detector } from './types.js';

const PTRACE_ATTACH = 16;
const PTRACE_SEIZE = 0x4206;

export function ptraceDetector(config: RuntimeConfig['detectors']['ptrace']): Detector {
  return {
    name: 'ptrace',
    observe(o) {
      if (o.kind !== 'ptrace' || (o.request !== PTRACE_ATTACH && o.request !== PTRACE_SEIZE)) return [];
      if (o.targetPid === o.pid) return [];
      const request = o.request === PTRACE_ATTACH ? 'PTRACE_ATTACH' : 'PTRACE_SEIZE';
      return [
        {
          type: 'ptrace',
          rule: 'BH-RT-109',
          severity: 'high',
          container: o.container,
          pid: o.pid,
          path: o.path,
          reason: `${o.comm} attached to pid ${o.targetPid} with ${request}`,
          response: config.response,
          details: { targetPid: o.targetPid, request, comm: o.comm },
        },
      ];
    },
  };
}
