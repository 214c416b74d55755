/**
 * deb822 control data as dpkg keeps it (deb-control(5), "Syntax"; Debian Policy 5.1): paragraphs
 * separated by blank lines, `Field: value` lines, continuation lines starting with a space or tab.
 * Field names are case-insensitive, so they are returned lower-cased.
 */
export function parseControlStanzas(text: string): Array<Map<string, string>> {
  const stanzas: Array<Map<string, string>> = [];
  let current = new Map<string, string>();
  let lastKey: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (current.size > 0) stanzas.push(current);
      current = new Map();
      lastKey = undefined;
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // continuation: only multi-line fields (Description, Conffiles) use it; keep it joined by \n
      if (lastKey !== undefined) current.set(lastKey, `${current.get(lastKey)}\n${line.slice(1)}`);
      continue;
    }
    if (line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    lastKey = line.slice(0, colon).trim().toLowerCase();
    current.set(lastKey, line.slice(colon + 1).trim());
  }
  if (current.size > 0) stanzas.push(current);
  return stanzas;
}
