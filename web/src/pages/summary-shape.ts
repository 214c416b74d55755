/** GET /api/v1/summary (src/server/routes/images.ts). */
export interface Summary {
  images: number;
  byWorstSeverity: Record<string, number>;
  fixable: { findings: number; images: number };
  /** One point per day, oldest first: images known that day, scans that day, findings per severity. */
  trend: Array<{ date: string; images: number; scans: number } & Record<string, number | string>>;
}
