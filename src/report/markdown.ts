import type { ScanResult } from '../findings/scan-result.js';
import { SEVERITIES, type Finding } from '../findings/types.js';
import { activeFindings, capitalize, countBySeverity, firstAlias, fixedLabel, layerLabel, suppressedFindings } from './finding-view.js';

/** Rows of the first findings table; the rest go under a collapsed <details>. */
export const MARKDOWN_MAX_ROWS = 100;
/**
 * Rows inside the <details> block. GitHub caps a comment at 65,536 characters, so the report stops
 * listing there and points at the full report instead.
 */
export const MARKDOWN_MAX_HIDDEN_ROWS = 300;

const MARK: Record<string, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', negligible: '⬜', unknown: '⬜' };

/**
 * A pull-request comment (GitHub Flavored Markdown 0.29-gfm, §4.10 tables): counts by severity, then
 * the active findings worst first, then suppressed ones. Cell text is escaped so advisory titles and
 * package names cannot end a cell (`|`), open code spans or inject HTML.
 */
export function renderMarkdown(result: ScanResult): string {
  const counts = countBySeverity(result.findings);
  const active = activeFindings(result);
  const suppressed = suppressedFindings(result);
  const lines = [
    `### Bulkhead scan: ${cell(result.image.reference)}`,
    '',
    `${active.length} active finding(s) in ${result.packagesScanned} scanned package(s)` +
      `${suppressed.length ? `, ${suppressed.length} suppressed` : ''}` +
      `${result.options.failOn ? ` · gate: fail on ${result.options.failOn}` : ''}.`,
    '',
    '| Severity | Count |',
    '| --- | ---: |',
    ...SEVERITIES.map((s) => `| ${MARK[s]} ${capitalize(s)} | ${counts[s]} |`),
  ];
  if (active.length > 0) {
    lines.push('', ...findingsTable(active.slice(0, MARKDOWN_MAX_ROWS)));
    const rest = active.slice(MARKDOWN_MAX_ROWS);
    if (rest.length > 0) {
      const shown = rest.slice(0, MARKDOWN_MAX_HIDDEN_ROWS);
      lines.push('', `…and ${rest.length} more.`, '', `<details><summary>${rest.length} more finding(s)</summary>`, '', ...findingsTable(shown));
      if (rest.length > shown.length) lines.push('', `${rest.length - shown.length} more not listed here; see the full report.`);
      lines.push('', '</details>');
    }
  }
  if (suppressed.length > 0) {
    lines.push('', `<details><summary>${suppressed.length} suppressed finding(s)</summary>`, '');
    lines.push('| ID | Package | Installed | Reason |', '| --- | --- | --- | --- |');
    for (const f of suppressed.slice(0, MARKDOWN_MAX_HIDDEN_ROWS)) {
      const pkg = f.target.package;
      lines.push(`| ${cell(f.id)} | ${cell(pkg?.name ?? '')} | ${cell(pkg?.version ?? '')} | ${cell(`${f.suppression!.kind}: ${f.suppression!.reason}`)} |`);
    }
    lines.push('', '</details>');
  }
  return lines.join('\n') + '\n';
}

function findingsTable(findings: readonly Finding[]): string[] {
  return [
    '| Severity | ID | Package | Installed | Fixed | Layer | Title |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...findings.map((f) => {
      const alias = firstAlias(f);
      const id = alias ? `${f.id} (${alias})` : f.id;
      return `| ${MARK[f.severity]} ${capitalize(f.severity)} | ${cell(id)} | ${cell(f.target.package?.name ?? f.target.path ?? '')} | ${cell(f.target.package?.version ?? '')} | ${cell(fixedLabel(f))} | ${cell(layerLabel(f))} | ${cell(f.title, 120)} |`;
    }),
  ];
}

/**
 * One table cell: whitespace folded (a newline ends a table row), `<`/`>`/`&` as entities (GitHub
 * renders inline HTML), and every ASCII punctuation character GFM §2.4 allows to be
 * backslash-escaped that could start markup escaped, `|` included (GFM §4.10 example 200).
 */
export function cell(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  let t = text.replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim();
  if ([...t].length > max) t = [...t].slice(0, max - 1).join('') + '…';
  return t
    .replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
