import { createHash } from 'node:crypto';
import type { ScanResult } from '../findings/scan-result.js';
import { SEVERITIES, type Finding, type Severity } from '../findings/types.js';
import { activeFindings, capitalize, countBySeverity, createdByLabel, firstAlias, fixedLabel, layerLabel, suppressedFindings } from './finding-view.js';
import { escapeHtml as h } from './markup-escape.js';

const COLORS: Record<Severity, string> = {
  critical: '#8b1a4a',
  high: '#d1242f',
  medium: '#d4a72c',
  low: '#2f6fcb',
  negligible: '#8c959f',
  unknown: '#afb8c1',
};

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.meta{color:#59636e;margin:0 0 16px}.meta span{margin-right:16px}
.overview{display:flex;gap:24px;align-items:center;flex-wrap:wrap}
.legend td{padding:2px 8px}
table.findings{border-collapse:collapse;width:100%}
.findings th,.findings td{border-bottom:1px solid #d1d9e0;padding:4px 8px;text-align:left;vertical-align:top}
.findings th{background:#f6f8fa;position:sticky;top:0}
.badge{display:inline-block;border-radius:10px;padding:0 8px;color:#fff;font-size:12px;font-weight:600}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;word-break:break-all}
.muted{color:#59636e}.filters{margin:8px 0}.filters label{margin-right:12px}
${SEVERITIES.map((s) => `.sev-${s}{background:${COLORS[s]}}`).join('\n')}
`;

// Filtering by text and severity; the page is complete without it (rows are all shown).
const SCRIPT = `
(function(){var q=document.getElementById('q'),boxes=document.querySelectorAll('input[data-sev]');
function apply(){var t=q.value.toLowerCase(),on={};boxes.forEach(function(b){on[b.getAttribute('data-sev')]=b.checked});
document.querySelectorAll('tr[data-sev]').forEach(function(r){r.hidden=!(on[r.getAttribute('data-sev')]&&r.textContent.toLowerCase().indexOf(t)>=0)})}
q.addEventListener('input',apply);boxes.forEach(function(b){b.addEventListener('change',apply)})})();
`;

/**
 * One self-contained HTML page: inline CSS, an inline SVG donut of active findings by severity, the
 * findings table and the suppressed ones. No external resource is referenced, and a Content Security
 * Policy allows only this page's own style and the one script by its hash (CSP Level 3 §2.3.1), so
 * even a string that escaped escaping could not load or run anything. Every text from the scan goes
 * through escapeHtml.
 */
export function renderHtml(result: ScanResult): string {
  const counts = countBySeverity(result.findings);
  const active = activeFindings(result);
  const suppressed = suppressedFindings(result);
  const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src data:`;
  const digest = result.image.manifestDigest ?? result.image.configDigest;
  const os = result.os ? (result.os.prettyName ?? [result.os.id, result.os.versionId].filter(Boolean).join(' ')) : undefined;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Bulkhead scan: ${h(result.image.reference)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>Bulkhead scan: <span class="mono">${h(result.image.reference)}</span></h1>
<p class="meta">${[
    digest && `<span>Digest <span class="mono">${h(digest)}</span></span>`,
    os && `<span>OS ${h(os)}</span>`,
    `<span>${result.packagesScanned} packages scanned</span>`,
    `<span>Scanned ${h(result.createdAt)}</span>`,
    result.options.failOn && `<span>Gate: fail on ${h(result.options.failOn)}</span>`,
  ].filter(Boolean).join('')}</p>
<div class="overview">
${donut(counts, active.length)}
<table class="legend"><tbody>
${SEVERITIES.map((s) => `<tr><td><span class="badge sev-${s}">${capitalize(s)}</span></td><td>${counts[s]}</td></tr>`).join('\n')}
<tr><td class="muted">Suppressed</td><td>${suppressed.length}</td></tr>
</tbody></table>
</div>
<h2>Findings (${active.length})</h2>
<div class="filters"><input id="q" type="search" placeholder="Filter" aria-label="Filter findings"> ${SEVERITIES.map(
    (s) => `<label><input type="checkbox" data-sev="${s}" checked> ${capitalize(s)}</label>`,
  ).join('')}</div>
${active.length ? findingsTable(active) : '<p>No active findings.</p>'}
${suppressed.length ? `<h2>Suppressed (${suppressed.length})</h2>\n${suppressedTable(suppressed)}` : ''}
${result.warnings.length ? `<h2>Warnings (${result.warnings.length})</h2>\n<ul>${result.warnings.map((w) => `<li>${h(w)}</li>`).join('')}</ul>` : ''}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** Donut of active findings: one circle arc per severity (stroke-dasharray on a circumference of 100). */
function donut(counts: Record<Severity, number>, total: number): string {
  const r = 100 / (2 * Math.PI);
  const arcs: string[] = [];
  let offset = 25; // start at 12 o'clock
  for (const s of SEVERITIES) {
    if (counts[s] === 0 || total === 0) continue;
    const part = (counts[s] / total) * 100;
    arcs.push(
      `<circle cx="21" cy="21" r="${r.toFixed(4)}" fill="none" stroke="${COLORS[s]}" stroke-width="6" stroke-dasharray="${part.toFixed(3)} ${(100 - part).toFixed(3)}" stroke-dashoffset="${offset.toFixed(3)}"><title>${capitalize(s)}: ${counts[s]}</title></circle>`,
    );
    offset -= part;
  }
  return `<svg width="160" height="160" viewBox="0 0 42 42" role="img" aria-label="${total} active findings by severity">
<circle cx="21" cy="21" r="${r.toFixed(4)}" fill="none" stroke="#eaeef2" stroke-width="6"></circle>
${arcs.join('\n')}
<text x="21" y="23" text-anchor="middle" font-size="7" font-weight="600" fill="#1f2328">${total}</text>
</svg>`;
}

function findingsTable(findings: readonly Finding[]): string {
  const rows = findings.map((f) => {
    const pkg = f.target.package;
    const alias = firstAlias(f);
    const createdBy = createdByLabel(f);
    return `<tr data-sev="${f.severity}"><td><span class="badge sev-${f.severity}">${capitalize(f.severity)}</span></td>` +
      `<td class="mono">${h(f.id)}${alias ? `<br><span class="muted">${h(alias)}</span>` : ''}</td>` +
      `<td>${h(pkg?.name ?? f.target.path ?? '')}${pkg ? ` <span class="muted">${h(pkg.type)}</span>` : ''}</td>` +
      `<td class="mono">${h(pkg?.version ?? '')}</td>` +
      `<td class="mono">${h(fixedLabel(f))}</td>` +
      `<td class="mono"${createdBy ? ` title="${h(createdBy)}"` : ''}>${h(layerLabel(f))}</td>` +
      `<td>${h(f.title)}${f.target.path ? `<br><span class="mono muted">${h(f.target.path)}</span>` : ''}</td></tr>`;
  });
  return `<table class="findings"><thead><tr><th>Severity</th><th>ID</th><th>Package</th><th>Installed</th><th>Fixed</th><th>Layer</th><th>Title</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

function suppressedTable(findings: readonly Finding[]): string {
  const rows = findings.map((f) => {
    const s = f.suppression!;
    return `<tr><td><span class="badge sev-${f.severity}">${capitalize(f.severity)}</span></td><td class="mono">${h(f.id)}</td>` +
      `<td>${h(f.target.package?.name ?? f.target.path ?? '')}</td><td class="mono">${h(f.target.package?.version ?? '')}</td>` +
      `<td>${h(s.kind)}: ${h(s.reason)}<br><span class="muted">${h(s.source)}${s.expires ? `, until ${h(s.expires)}` : ''}</span></td></tr>`;
  });
  return `<table class="findings"><thead><tr><th>Severity</th><th>ID</th><th>Package</th><th>Installed</th><th>Reason</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}
