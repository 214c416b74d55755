/**
 * The vulnerability database as one re-match run reads it: opened once, and the reads that repeat
 * across images (the same packages, records, KEV and EPSS entries, the status every result quotes)
 * answered from memory after the first time. The file is a fixed build for the run (`db update`
 * replaces it by rename, so the open handle keeps reading the build the run started with), which
 * is what makes the memo safe.
 */
import type { DbStatus, OsvRecord, StoredAffected, VulnDb } from '../../vuln/index.js';

function memo<K, V>(cache: Map<K, V>, key: K, read: () => V): V {
  if (cache.has(key)) return cache.get(key)!;
  const value = read();
  cache.set(key, value);
  return value;
}

export function memoizedVulnDb(db: VulnDb): VulnDb {
  const affected = new Map<string, StoredAffected[]>();
  const records = new Map<string, OsvRecord | undefined>();
  const aliases = new Map<string, string[]>();
  const kev = new Map<string, ReturnType<VulnDb['kev']>>();
  const epss = new Map<string, ReturnType<VulnDb['epss']>>();
  let status: DbStatus | undefined;
  const keyOf = (ecosystemBase: string, name: string) => `${ecosystemBase}\0${name}`;
  return {
    path: db.path,
    affectedFor: (ecosystemBase, name) => memo(affected, keyOf(ecosystemBase, name), () => db.affectedFor(ecosystemBase, name)),
    affectedForMany(keys) {
      const missing = keys.filter((k) => !affected.has(keyOf(k.ecosystemBase, k.name)));
      if (missing.length) for (const [key, value] of db.affectedForMany(missing)) affected.set(key, value);
      const out = new Map<string, StoredAffected[]>();
      for (const k of keys) {
        const key = keyOf(k.ecosystemBase, k.name);
        out.set(key, affected.get(key) ?? []);
      }
      return out;
    },
    record: (id) => memo(records, id, () => db.record(id)),
    aliasesOf: (id) => memo(aliases, id, () => db.aliasesOf(id)),
    kev: (cveId) => memo(kev, cveId, () => db.kev(cveId)),
    epss: (cveId) => memo(epss, cveId, () => db.epss(cveId)),
    status: () => (status ??= db.status()),
    close: () => db.close(),
  };
}
