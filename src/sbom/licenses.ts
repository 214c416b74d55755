import parseSpdxExpression from 'spdx-expression-parse';

/** True when the text is a valid SPDX license expression (SPDX 2.3 Annex D) over listed identifiers. */
export function isSpdxExpression(text: string): boolean {
  try {
    parseSpdxExpression(text);
    return true;
  } catch {
    return false;
  }
}

/** Throws on an invalid expression; the shape the CycloneDX library's LicenseFactory expects. */
export function validateSpdxExpression(text: string): void {
  parseSpdxExpression(text);
}

/**
 * One SPDX expression for a package's declared licences (SPDX 2.3 §7.15), or undefined when any of
 * them is not valid SPDX (Debian's `GPL-2+` is not): a partly right expression would claim too much.
 * Several licences are joined with AND: a package under several licences is bound by all of them.
 */
export function declaredExpression(licenses: readonly string[] | undefined): string | undefined {
  const distinct = [...new Set((licenses ?? []).map((l) => l.trim()).filter((l) => l !== ''))];
  if (distinct.length === 0 || !distinct.every(isSpdxExpression)) return undefined;
  if (distinct.length === 1) return distinct[0];
  return distinct.map((l) => (/\s/.test(l) ? `(${l})` : l)).join(' AND ');
}
