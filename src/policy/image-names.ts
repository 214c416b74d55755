import { globToRegExp } from '../findings/index.js';
import type { ImagePolicyFacts } from './types.js';

/** `registry/repository`, when the image has a registry name. */
export function repositoryName(image: ImagePolicyFacts): string | undefined {
  return image.registry !== undefined && image.repository !== undefined ? `${image.registry}/${image.repository}` : undefined;
}

/**
 * The names an image or repository glob is matched against: the repository (`registry/repo`), the
 * full name with tag and digest, and the reference as given. Any match counts, so
 * `registry.example.com/team/*` scopes a whole repository folder and `…/app:1.*` a tag line.
 */
export function imageNames(image: ImagePolicyFacts): string[] {
  const names = new Set<string>([image.reference]);
  const repo = repositoryName(image);
  if (repo) {
    names.add(repo);
    if (image.tag) names.add(`${repo}:${image.tag}`);
    if (image.digest) names.add(`${repo}@${image.digest}`);
    if (image.tag && image.digest) names.add(`${repo}:${image.tag}@${image.digest}`);
  }
  return [...names];
}

/** The first glob that matches one of `names`, or undefined. Globs follow src/findings/path-glob.ts. */
export function firstMatchingGlob(globs: readonly string[], names: readonly string[]): string | undefined {
  for (const glob of globs) {
    const re = globToRegExp(glob);
    // path-glob drops a leading slash from patterns and paths alike: names never start with one
    if (names.some((n) => re.test(n))) return glob;
  }
  return undefined;
}
