import type { Finding } from '../../findings/types.js';
import { checkInstructions } from './instruction-rules.js';
import { parseDockerfile } from './parse-dockerfile.js';
import { checkRuns } from './run-rules.js';

/** Parses one Dockerfile and returns its findings, in line order, pointing at `file`:line:column. */
export function checkDockerfile(file: string, text: string): Finding[] {
  const df = parseDockerfile(text);
  const violations = [...checkInstructions(df), ...checkRuns(df)].sort((a, b) => a.line - b.line || a.column - b.column);
  return violations.map((v) => ({
    id: v.rule.id,
    kind: 'misconfiguration',
    severity: v.rule.severity,
    title: v.rule.title,
    description: `${file}:${v.line}: ${v.detail}`,
    target: { path: file, line: v.line, column: v.column },
    remediation: v.rule.remediation,
    evidence: { line: String(v.line), column: String(v.column), detail: v.detail },
  }));
}
