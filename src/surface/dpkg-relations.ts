/**
 * The dependency facts of the dpkg database that the catalog does not keep: `Depends` and
 * `Pre-Depends` (Debian Policy 7.1 and 7.2: comma-separated, `|` for alternatives, versions in
 * parentheses, architecture qualifiers after `:`), `Provides` (virtual packages, Policy 7.5),
 * `Essential` and `Priority` (Policy 3.8 and 2.5). Parsed from the text of `var/lib/dpkg/status`
 * (deb-control(5) syntax: paragraphs, `Field: value`, continuation lines start with a space).
 */
export interface DpkgRelations {
  /** Each entry one dependency: the package names that satisfy it (alternatives). */
  depends: string[][];
  provides: string[];
  essential: boolean;
  priority?: string;
}

export function parseDpkgRelations(statusText: string): Map<string, DpkgRelations> {
  const out = new Map<string, DpkgRelations>();
  for (const paragraph of statusText.split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of paragraph.split('\n')) {
      if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
        fields.set(last, `${fields.get(last)} ${line.trim()}`);
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      last = line.slice(0, colon).trim().toLowerCase();
      fields.set(last, line.slice(colon + 1).trim());
    }
    const name = fields.get('package');
    if (!name) continue;
    // only packages whose files are on disk matter (dpkg(1) "Package states")
    const state = fields.get('status')?.split(/\s+/)[2];
    if (state === 'not-installed' || state === 'config-files') continue;
    const depends = [...relationList(fields.get('pre-depends')), ...relationList(fields.get('depends'))];
    const provides = relationList(fields.get('provides')).flat();
    const rel: DpkgRelations = { depends, provides, essential: fields.get('essential')?.toLowerCase() === 'yes' };
    const priority = fields.get('priority');
    if (priority) rel.priority = priority.toLowerCase();
    const previous = out.get(name);
    // Multi-Arch: same packages have one paragraph per architecture; their relations add up
    if (previous) {
      previous.depends.push(...rel.depends);
      previous.provides.push(...rel.provides);
      previous.essential ||= rel.essential;
    } else out.set(name, rel);
  }
  return out;
}

/** `libc6 (>= 2.34), foo:any | bar` → [['libc6'], ['foo', 'bar']]. */
function relationList(value: string | undefined): string[][] {
  if (!value) return [];
  return value
    .split(',')
    .map((group) =>
      group
        .split('|')
        .map((alt) => alt.trim().replace(/\s*\(.*?\)/g, '').replace(/\s*\[.*?\]/g, '').replace(/\s*<.*?>/g, '').split(':')[0]!.trim())
        .filter((n) => n !== ''),
    )
    .filter((g) => g.length > 0);
}
