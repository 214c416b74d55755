/**
 * Profile file names from image names. Image names come from containers, so a hostile one (`../x`,
 * NUL, thousands of characters) must not choose where a file goes. The name keeps registry, path
 * and name readable (`registry.example.com/team/app` → `registry.example.com_team_app.yaml`); when
 * that mapping would be ambiguous or lossy (an `_` already in the name, any other character replaced,
 * truncation) a short hash of the exact name keeps names apart. The YAML `image:` field, not the file
 * name, is the key.
 */
import { createHash } from 'node:crypto';

/** Longest name part before the hash and extension (file systems allow 255 bytes). */
const MAX_STEM = 120;

export const PROFILE_EXTENSION = '.yaml';

export function profileFileName(image: string): string {
  let stem = image.replace(/\//gu, '_').replace(/[^A-Za-z0-9._-]/gu, '_');
  // no `.`/`..`/hidden files: they would be skipped by listing, or worse
  stem = stem.replace(/^\./u, '_');
  let lossy = stem.replace(/_/gu, '/') !== image;
  if (stem.length > MAX_STEM) {
    stem = stem.slice(0, MAX_STEM);
    lossy = true;
  }
  if (stem === '') lossy = true;
  if (!lossy) return stem + PROFILE_EXTENSION;
  const hash = createHash('sha256').update(image, 'utf8').digest('hex').slice(0, 10);
  return `${stem}${stem === '' ? '' : '.'}${hash}${PROFILE_EXTENSION}`;
}

/** `redis.yaml` + version 3 → `redis.v3.yaml` (the name of the kept copy in `history/`). */
export function historyFileName(file: string, version: number): string {
  const stem = file.endsWith(PROFILE_EXTENSION) ? file.slice(0, -PROFILE_EXTENSION.length) : file;
  return `${stem}.v${version}${PROFILE_EXTENSION}`;
}
