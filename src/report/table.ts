import type { ScanResult } from '../findings/scan-result.js';
import { SEVERITIES, type Finding, type Severity } from '../findings/types.js';
import {
  activeFindings,
  countBySeverity,
  createdByLabel,
  firstAlias,
  fixedLabel,
  layerLabel,
  suppressedFindings,
} from './finding-view.js';
import { clean, displayLength, fit, pad, SGR } from './terminal-text.js';

export interface TableOptions {
  color?: boolean;
  /** Terminal columns; the title column takes what the others leave. */
  width?: number;
}

interface Column {
  title: string;
  /** Widest the column grows; the last column (title) takes the rest of the line. */
  max: number;
  min: number;
  cell: (f: Finding) => string;
}

const COLUMNS: Column[] = [
  { title: 'ID', max: 36, min: 14, cell: (f) => (firstAlias(f) ? `${f.id} (${firstAlias(f)})` : f.id) },
  { title: 'PACKAGE', max: 32, min: 10, cell: (f) => f.target.package?.name ?? (f.target.path ? (f.target.line ? `${f.target.path}:${f.target.line}` : f.target.path) : (f.target.container ?? '')) },
  { title: 'INSTALLED', max: 24, min: 8, cell: (f) => f.target.package?.version ?? '' },
  { title: 'FIXED', max: 24, min: 8, cell: fixedLabel },
  { title: 'LAYER', max: 16, min: 5, cell: layerLabel },
  { title: 'CREATED BY', max: 30, min: 10, cell: createdByLabel },
  { title: 'TITLE', max: Number.MAX_SAFE_INTEGER, min: 30, cell: (f) => f.title },
];

const GAP = '  ';
const DEFAULT_WIDTH = 160;

const COLOR: Record<Severity, string> = {
  critical: SGR.bold + SGR.magenta,
  high: SGR.red,
  medium: SGR.yellow,
  low: SGR.blue,
  negligible: SGR.dim,
  unknown: SGR.dim,
};

/**
 * The terminal report: image facts, then active findings grouped by severity (critical first) with
 * the layer and history line that brought each package, then suppressed findings with their reason,
 * then one summary line. Column widths follow the content, capped so the line fits `width`.
 */
export function renderTable(result: ScanResult, options: TableOptions = {}): string {
  const paint = (code: string, text: string): string => (options.color ? code + text + SGR.reset : text);
  const width = Math.max(60, options.width ?? DEFAULT_WIDTH);
  const lines: string[] = header(result).map(([k, v]) => `${pad(k + ':', 10)}${fit(v, width - 10)}`);

  const active = activeFindings(result);
  if (active.length > 0) {
    const widths = columnWidths(active, width);
    for (const severity of SEVERITIES) {
      const group = active.filter((f) => f.severity === severity);
      if (group.length === 0) continue;
      lines.push('', paint(COLOR[severity], `${severity.toUpperCase()} (${group.length})`));
      lines.push(paint(SGR.bold, row(COLUMNS.map((c) => c.title), widths)));
      for (const f of group) lines.push(row(COLUMNS.map((c) => c.cell(f)), widths));
    }
  } else {
    lines.push('', 'No active findings.');
  }

  const suppressed = suppressedFindings(result);
  if (suppressed.length > 0) {
    lines.push('', paint(SGR.dim, `SUPPRESSED (${suppressed.length})`));
    for (const f of suppressed) {
      const s = f.suppression!;
      const what = `${f.id} ${f.target.package ? `${f.target.package.name} ${f.target.package.version}` : ''}`.trim();
      const why = `${s.kind === 'vex' ? 'VEX' : 'ignore'}: ${s.reason}${s.expires ? ` (until ${s.expires})` : ''} [${s.source}]`;
      lines.push(fit(`  ${what} — ${why}`, width));
    }
  }

  lines.push('', summaryLine(result, active.length, suppressed.length));
  if (result.warnings.length > 0) lines.push(`${result.warnings.length} warning(s) during the scan; the json report lists them.`);
  return lines.join('\n') + '\n';
}

function header(result: ScanResult): [string, string][] {
  const out: [string, string | undefined][] = [
    ['Image', result.image.reference],
    ['Digest', result.image.manifestDigest ?? result.image.configDigest],
    ['OS', result.os ? (result.os.prettyName ?? [result.os.id, result.os.versionId].filter(Boolean).join(' ')) : undefined],
    ['Packages', result.db || result.packagesScanned > 0 ? `${result.packagesScanned} scanned` : undefined],
    ['Scanners', result.options.scanners?.join(', ')],
    ['Database', result.db ? `${result.db.updatedAt ?? 'never updated'}${result.db.ageDays !== undefined ? ` (${result.db.ageDays} days old)` : ''}` : undefined],
  ];
  return out.filter((e): e is [string, string] => e[1] !== undefined);
}

function summaryLine(result: ScanResult, active: number, suppressed: number): string {
  const counts = countBySeverity(result.findings);
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${s} ${counts[s]}`);
  const gate = result.options.failOn ? `, gate: fail on ${result.options.failOn}` : '';
  return `Total: ${active} active${parts.length ? ` (${parts.join(', ')})` : ''}, ${suppressed} suppressed${gate}`;
}

/**
 * Natural width of each column (capped), then the widest columns shrink one character at a time
 * until the title column has at least its minimum on a `width`-wide line.
 */
function columnWidths(findings: readonly Finding[], width: number): number[] {
  const widths = COLUMNS.map((c) =>
    Math.min(c.max, Math.max(displayLength(c.title), ...findings.map((f) => displayLength(clean(c.cell(f)))))),
  );
  const last = COLUMNS.length - 1;
  const room = (): number => width - widths.slice(0, last).reduce((a, b) => a + b, 0) - GAP.length * last;
  while (room() < COLUMNS[last]!.min) {
    let widest = -1;
    for (let i = 0; i < last; i++) if (widths[i]! > COLUMNS[i]!.min && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    if (widest < 0) break;
    widths[widest] = widths[widest]! - 1;
  }
  widths[last] = Math.max(COLUMNS[last]!.min, Math.min(widths[last]!, room()));
  return widths;
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((c, i) => (i === cells.length - 1 ? fit(c, widths[i]!) : pad(fit(c, widths[i]!), widths[i]!)))
    .join(GAP)
    .trimEnd();
}
