import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Loads a CommonJS dependency on first use. Heavy packages that only some commands need (the
 * CycloneDX model, YAML, JSON logging, progress bars) stay off the start-up path of every command.
 */
export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
