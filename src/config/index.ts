/** Configuration scanning: Kubernetes manifests and Dockerfiles (and, in image/, image configuration). */
export { scanConfig, scanConfigPath, type ConfigScan, type ConfigScanOptions } from './scan-config.js';
export { findConfigFiles, isDockerfileName, type ConfigFile, type ConfigFileKind } from './files.js';
export { checkManifests, parseManifests, pssControls, PSS_ID_PREFIX, K8S_RULES, WORKLOAD_KINDS } from './kubernetes/index.js';
export type { Manifest, ManifestCheckOptions, PssControl, PssLevel } from './kubernetes/index.js';
export { checkDockerfile, parseDockerfile, DF_RULES } from './dockerfile/index.js';
export type { Dockerfile, Instruction } from './dockerfile/index.js';
export { checkImage, IMAGE_CHECK_IDS, readEtcPasswd, type ImageCheckOptions } from './image/index.js';
