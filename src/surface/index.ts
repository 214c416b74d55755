export { analyzeSurface, DEFAULT_MIN_WINDOW_SECONDS } from './analyze-surface.js';
export { renderSurface, formatBytes } from './render.js';
export { surfaceOpenVex, imagePurl } from './openvex.js';
export { readImageFile } from './read-image-file.js';
export { parseDpkgRelations, type DpkgRelations } from './dpkg-relations.js';
export { ATTACKER_TOOL_CLASSES } from './attacker-tools.js';
export { DOCKER_DEFAULT_CAPABILITIES } from './capabilities.js';
export { RUNTIME_START_SYSCALLS } from './seccomp.js';
export type * from './types.js';
