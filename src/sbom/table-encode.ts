import type { ImageAnalysis } from '../catalog/analysis.js';
import type { Package } from '../catalog/types.js';
import type { EncodeOptions } from './format.js';

const COLUMNS = [
  { title: 'NAME', max: 40 },
  { title: 'VERSION', max: 32 },
  { title: 'TYPE', max: 8 },
  { title: 'LAYER', max: 5 },
  { title: 'PATH', max: 60 },
] as const;

const ELLIPSIS = '…';
const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';

/** Cuts text to `max` characters, the last one an ellipsis; control characters become spaces. */
export function truncate(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  const chars = [...clean];
  return chars.length <= max ? clean : chars.slice(0, max - 1).join('') + ELLIPSIS;
}

function row(pkg: Package): string[] {
  const first = pkg.locations[0];
  return [pkg.name, pkg.version, pkg.type, first ? String(first.layerIndex) : '', first?.path ?? ''];
}

/**
 * A plain-text table for terminals: what the image is, then one line per package sorted by type and
 * name. Columns are as wide as their widest cell up to a cap; longer cells end in an ellipsis.
 */
export function encodeTable(analysis: ImageAnalysis, options: EncodeOptions = {}): string {
  const image = analysis.image;
  const counts = new Map<string, number>();
  for (const p of analysis.packages) counts.set(p.type, (counts.get(p.type) ?? 0) + 1);
  const byType = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${t} ${n}`).join(', ');
  const header: [string, string | undefined][] = [
    ['Image', image.reference],
    ['Digest', image.manifestDigest ?? image.configDigest],
    ['Platform', image.platform && [image.platform.os, image.platform.architecture, image.platform.variant].filter(Boolean).join('/')],
    ['OS', analysis.os ? (analysis.os.prettyName ?? [analysis.os.id, analysis.os.versionId].filter(Boolean).join(' ')) : 'unknown'],
    ['Layers', String(image.layers.length)],
    ['Packages', `${analysis.packages.length}${byType ? ` (${byType})` : ''}`],
  ];
  if (analysis.warnings.length > 0) header.push(['Warnings', String(analysis.warnings.length)]);
  const lines = header.filter(([, v]) => v !== undefined).map(([k, v]) => `${(k + ':').padEnd(10)}${truncate(v!, 120)}`);

  const sorted = [...analysis.packages].sort(
    (a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
  );
  const cells = sorted.map((p) => row(p).map((c, i) => truncate(c, COLUMNS[i]!.max)));
  const widths = COLUMNS.map((col, i) => Math.max(col.title.length, ...cells.map((r) => [...r[i]!].length)));
  const format = (r: readonly string[]): string =>
    r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length))).join('  ').trimEnd();
  const title = format(COLUMNS.map((c) => c.title));
  lines.push('', options.color ? BOLD + title + RESET : title);
  for (const r of cells) lines.push(format(r));
  return lines.join('\n') + '\n';
}
