/** Report formats of `bulkhead scan` (kept apart from the renderers so the CLI loads them lazily). */
export const REPORT_FORMATS = ['table', 'json', 'sarif', 'junit', 'cyclonedx-json', 'markdown', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
