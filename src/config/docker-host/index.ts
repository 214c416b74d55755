/**
 * The CIS Docker Benchmark v1.6.0 host checks: facts gathered once from the Docker host, checks as
 * data (checks/section-*.ts), results as Findings.
 */
export { gatherHostFacts, type GatherOptions } from './facts.js';
export { evaluateBenchmark, SECTIONS } from './evaluate.js';
export { benchFindings, benchSummary } from './findings.js';
export { CHECKS_BY_SECTION } from './checks/index.js';
export type { CheckDefinition, CheckResult, HostFacts, Verdict } from './types.js';
