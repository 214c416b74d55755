import type { Cataloger } from './cataloger.js';
import { apkCataloger, dpkgCataloger, rpmCataloger } from './os/index.js';
import { languageCatalogers } from './lang/index.js';
import { binaryCatalogers } from './binary/index.js';

/** Every cataloger, OS package managers first (ownership of language packages is decided from them). */
export const ALL_CATALOGERS: readonly Cataloger[] = [dpkgCataloger, apkCataloger, rpmCataloger, ...languageCatalogers, ...binaryCatalogers];

export function selectCatalogers(names?: readonly string[]): Cataloger[] {
  if (!names || names.length === 0) return [...ALL_CATALOGERS];
  const wanted = new Set(names);
  return ALL_CATALOGERS.filter((c) => wanted.has(c.name));
}
