/** Scan reports: one pure renderer per format over a ScanResult (and, for CycloneDX, the analysis). */
import type { ImageAnalysis } from '../catalog/analysis.js';
import { BulkheadError } from '../errors.js';
import type { ScanResult } from '../findings/scan-result.js';
import { renderCycloneDxReport } from './cyclonedx.js';
import type { ReportFormat } from './formats.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderTable } from './table.js';

export { REPORT_FORMATS, type ReportFormat } from './formats.js';

export interface ReportContext {
  /** The analysis the scan matched; `cyclonedx-json` needs it for the BOM's components. */
  analysis?: ImageAnalysis;
  /** ANSI colours in the `table` format. */
  color?: boolean;
  /** Terminal width for the `table` format. */
  width?: number;
}

/** Renders a scan result in one format. Async so heavy formats may load their code on demand. */
export async function renderReport(format: ReportFormat, result: ScanResult, ctx: ReportContext = {}): Promise<string> {
  switch (format) {
    case 'table':
      return renderTable(result, { ...(ctx.color !== undefined ? { color: ctx.color } : {}), ...(ctx.width !== undefined ? { width: ctx.width } : {}) });
    case 'json':
      return renderJson(result);
    case 'sarif':
      return renderSarif(result);
    case 'junit':
      return renderJunit(result);
    case 'cyclonedx-json':
      return renderCycloneDxReport(result, ctx.analysis);
    case 'markdown':
      return renderMarkdown(result);
    case 'html':
      return renderHtml(result);
    default:
      throw new BulkheadError('USAGE', `unknown report format ${JSON.stringify(format as string)}`);
  }
}
