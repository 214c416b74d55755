/** Kernel event probes of the runtime agent (bpftrace) and drift prevention at exec. */
export { startDriftMonitor, type DriftMonitor, type DriftMonitorOptions } from './drift-monitor.js';
export type { DriftEvent, DriftAction } from './drift.js';
export { startExecProbe, ensureTracefs, type ExecProbe, type ExecProbeOptions } from './bpftrace.js';
export type { KernelExec } from './exec-program.js';
export { containerIdFromCgroup, type ContainerInfo } from './container-lookup.js';
