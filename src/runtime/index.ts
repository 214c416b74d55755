/**
 * The runtime agent: the Docker inventory today; event probes, detectors and responses later.
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
