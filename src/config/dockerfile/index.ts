/** Dockerfile parsing and checks (BH-DF-0xx). */
export { checkDockerfile } from './check-dockerfile.js';
export { parseDockerfile, type Dockerfile, type Instruction, type Heredoc } from './parse-dockerfile.js';
export { DF_RULES, type DockerfileRule } from './rule-catalog.js';
