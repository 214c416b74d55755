/** Text for `bulkhead agent usage`: a table of images, or one image's record. Pure. */
import type { UsageRecord } from './types.js';

const count = (c: Record<string, number> | undefined): number => Object.keys(c ?? {}).length;

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${(s / 3600).toFixed(1)}h`;
}

export function renderUsageList(records: UsageRecord[]): string {
  if (records.length === 0) return 'no usage recorded yet\n';
  const rows = [['IMAGE', 'ID', 'OBSERVED', 'FIRST SEEN', 'LAST SEEN', 'CONTAINERS', 'EXECUTABLES', 'LIBRARIES', 'FILES READ', 'CAPABILITIES', 'SYSCALLS']];
  for (const r of records) {
    rows.push([r.image, r.imageId.slice(7, 19), duration(r.observedSeconds), r.firstSeen.slice(0, 19), r.lastSeen.slice(0, 19), String(r.containers.length), String(count(r.executables)), String(count(r.libraries)), String(count(r.filesRead)), r.sources.capabilities ? String(count(r.capabilities)) : '-', r.syscalls ? String(count(r.syscalls)) : '-']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

export function renderUsageRecord(r: UsageRecord): string {
  const lines = [
    `image:     ${r.image} (${r.imageId})`,
    `observed:  ${duration(r.observedSeconds)} between ${r.firstSeen} and ${r.lastSeen}, ${r.containers.length} container(s)`,
    `sources:   ${r.sources.probe} probe; file reads ${r.sources.fileReads ? 'on' : 'off'}, capabilities ${r.sources.capabilities ? 'on' : 'off'}, system calls ${r.sources.syscalls ? 'on' : 'off'}`,
  ];
  const section = (title: string, counts: Record<string, number> | undefined): void => {
    if (!counts) return;
    lines.push('', `${title} (${count(counts)}):`);
    for (const [k, n] of Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`  ${k}  ${n}`);
  };
  section('executables', r.executables);
  section('libraries', r.libraries);
  section('files read', r.filesRead);
  section('capabilities', r.capabilities);
  section('system calls', r.syscalls);
  return lines.join('\n') + '\n';
}
