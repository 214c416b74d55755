import type { ScanDbInfo } from '../findings/scan-result.js';
import type { VulnDb } from '../vuln/index.js';

const DAY_MS = 86_400_000;

/** What a scan result says about the database it was matched with. */
export function dbInfo(db: VulnDb, now: Date): ScanDbInfo {
  const status = db.status();
  const ecosystems: Record<string, number> = {};
  for (const s of status.sources) ecosystems[s.ecosystem] = s.records;
  const info: ScanDbInfo = { path: status.path, ecosystems };
  if (status.updatedAt) {
    info.updatedAt = status.updatedAt;
    info.ageDays = Math.max(0, Math.floor((now.getTime() - Date.parse(status.updatedAt)) / DAY_MS));
  }
  return info;
}
