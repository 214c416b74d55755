/**
 * The runtime agent: the Docker inventory, kernel exec events (bpftrace) and drift prevention;
 * profiles and detectors next.
 */
export {
  listContainers,
  inspectInventory,
  containerFindings,
  inspectContainer,
  containerFact,
  RUNTIME_CHECKS,
  type ContainerInventory,
  type InventoryOptions,
  type ContainerCheckOptions,
  type ContainerFact,
  type RuntimeFact,
  type MountFact,
  type ResourceLimits,
  type HostNamespace,
  type RuntimeCheck,
  type EngineContainerInspect,
  type EngineContainerSummary,
  type EngineImageInspect,
} from './inventory/index.js';
export {
  startDriftMonitor,
  startExecProbe,
  ensureTracefs,
  containerIdFromCgroup,
  type DriftMonitor,
  type DriftMonitorOptions,
  type DriftEvent,
  type DriftAction,
  type ExecProbe,
  type ExecProbeOptions,
  type KernelExec,
  type ContainerInfo,
} from './probes/index.js';
export { loadUsage, listUsage, type UsageRecord } from './usage/index.js';
