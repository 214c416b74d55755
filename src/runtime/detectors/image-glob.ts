/**
 * Image name globs of the runtime config (`*postgres*`, `registry.example.com/team/*`): `*` stands for
 * any run of characters, `/` included, and the whole name must match. Case-sensitive, as image
 * references are lower-case by the Distribution spec's grammar.
 */
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 1024;

export function imageMatches(glob: string, imageName: string): boolean {
  let re = compiled.get(glob);
  if (re === undefined) {
    const body = glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/gu, '\\$&'))
      .join('.*');
    re = new RegExp(`^${body}$`, 'u');
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(glob, re);
  }
  return re.test(imageName);
}

/** The first glob matching the name, or undefined. */
export function firstMatchingGlob(globs: readonly string[], imageName: string): string | undefined {
  return globs.find((glob) => imageMatches(glob, imageName));
}
