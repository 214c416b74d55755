/** Turns detections and profile deviations into the one RuntimeEvent shape. */
import type { Detection } from '../detectors/types.js';
import type { ContainerContext } from '../events/observation.js';
import type { RuntimeAction, RuntimeEvent } from '../events/types.js';
import { readCmdline, readExe } from './proc-facts.js';

export function detectionEvent(detection: Detection, action: RuntimeAction, nowMs: number, known?: { path?: string; cmdline?: string[] }): RuntimeEvent {
  const pid = detection.pid ?? detection.container.pid;
  const event: RuntimeEvent = {
    time: new Date(nowMs).toISOString(),
    type: detection.type,
    severity: detection.severity,
    container: detection.container.ref,
    process: {
      pid,
      path: detection.path ?? known?.path ?? readExe(pid),
      cmdline: known?.cmdline ?? readCmdline(pid),
    },
    action,
    reason: detection.reason,
    rule: detection.rule,
  };
  if (detection.details) event.details = detection.details;
  return event;
}

/** The reference part of a context, for events that are not detections (drift, deviations). */
export function containerRef(container: ContainerContext): RuntimeEvent['container'] {
  return container.ref;
}
