/**
 * The runtime agent's container inventory: what runs on a Docker host, as whom, with which host
 * access and limits, and the findings about it (kind `runtime`, ids `BH-RT-nnn`).
 */
export { listContainers, inspectInventory, type InventoryOptions, type ContainerInventory } from './inventory.js';
export { containerFindings, inspectContainer, type ContainerCheckOptions } from './container-findings.js';
export { containerFact, type ContainerFact, type RuntimeFact, type MountFact, type ResourceLimits, type HostNamespace } from './container-fact.js';
export { RUNTIME_CHECKS, type RuntimeCheck } from './checks.js';
export type { EngineContainerInspect, EngineContainerSummary, EngineImageInspect } from './engine-types.js';
export { imageScanFindings, IMAGE_VULNERABILITIES_CHECK } from './image-scan-status.js';
