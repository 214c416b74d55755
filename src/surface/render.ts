import type { SurfaceReport } from './types.js';

/** Bytes as people read them: `1.4 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** The report as text: `table` for terminals, `markdown` for pull requests and tickets. */
export function renderSurface(r: SurfaceReport, format: 'table' | 'markdown'): string {
  const md = format === 'markdown';
  const out: string[] = [];
  const h = (t: string) => out.push('', md ? `## ${t}` : `${t}\n${'-'.repeat(t.length)}`);
  const c = r.coverage;
  out.push(md ? `# Attack surface of ${c.image}` : `Attack surface of ${c.image} (${c.imageId})`);
  out.push(
    `Observed ${Math.round(c.observedSeconds)} s over ${c.containers} container(s), ${c.firstSeen} to ${c.lastSeen}; probe ${c.probe}; ` +
      `syscalls ${c.syscalls ? 'recorded' : 'not recorded'}, capabilities ${c.capabilities ? 'recorded' : 'not recorded'}, file reads ${c.fileReads ? 'recorded' : 'not recorded'}.`,
  );
  for (const w of r.warnings) out.push(`${md ? '> ' : ''}WARNING: ${w}`);
  const t = r.totals;
  out.push(`${t.used} of ${t.packages} packages used; ${t.unused} never used; ${formatBytes(t.removableBytes)} of ${formatBytes(t.imageBytes)} safe to remove.`);

  h('Packages never used');
  const rows = r.unused.map((p) => [p.name, p.version, p.type, formatBytes(p.sizeBytes), p.removal, p.reason]);
  out.push(...table(['PACKAGE', 'VERSION', 'TYPE', 'SIZE', 'REMOVAL', 'WHY'], rows, md));

  h('Tools an attacker would want, never run');
  out.push(...table(['PATH', 'CLASS', 'PACKAGE', 'NAMES'], r.tools.map((x) => ['/' + x.path, x.class, x.package ?? '', x.names.map((n) => '/' + n).join(' ')]), md));

  h('Capabilities');
  const cap = r.capabilities;
  if (cap.recorded) {
    out.push(`Exercised: ${cap.exercised.length ? cap.exercised.join(', ') : 'none'}`);
    out.push(`docker run ${cap.dockerFlags.join(' ')}`);
    out.push(md ? '```yaml\n' + cap.kubernetes + '```' : cap.kubernetes.trimEnd());
  }
  for (const n of cap.notes) out.push(`note: ${n}`);

  if (r.seccomp) {
    h('Seccomp');
    out.push(`${r.seccomp.syscalls[0]?.names.length ?? 0} system calls allowed, everything else fails with EPERM (write it with --seccomp FILE).`);
  }
  if (r.vulnerabilities) {
    h('Vulnerabilities');
    const v = r.vulnerabilities;
    out.push(`${v.ran.length} in code that ran, ${v.notLoaded.length} in packages never loaded (observation, not proof; --vex FILE writes OpenVEX).`);
    out.push(...table(['ID', 'SEVERITY', 'PACKAGE', 'VERSION', 'USE'], [...v.ran, ...v.notLoaded].map((x) => [x.id, x.severity, x.package, x.version, x.use]), md));
  }
  if (r.dockerfile.length > 0) {
    h('Dockerfile');
    out.push(...(md ? ['```dockerfile', ...r.dockerfile, '```'] : r.dockerfile));
  }
  return out.join('\n') + '\n';
}

function table(head: string[], rows: string[][], md: boolean): string[] {
  if (rows.length === 0) return ['(none)'];
  if (md) {
    const esc = (s: string) => s.replace(/\|/g, '\\|');
    return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)];
  }
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)];
}
