/**
 * Hash algorithm names. Bulkhead keys `Package.hashes` by a lower-case canonical name; CycloneDX
 * (1.6 schema, `hash-alg`) and SPDX (2.3 §7.10, `Checksum.algorithm`) each spell them their own way.
 */
interface HashSpelling {
  canonical: string;
  cyclonedx?: string;
  spdx: string;
  /** Hex digits in a digest, as the CycloneDX schema's `hash-content` pattern checks. */
  hexLength?: number;
}

const SPELLINGS: readonly HashSpelling[] = [
  { canonical: 'md5', cyclonedx: 'MD5', spdx: 'MD5', hexLength: 32 },
  { canonical: 'sha1', cyclonedx: 'SHA-1', spdx: 'SHA1', hexLength: 40 },
  { canonical: 'sha224', spdx: 'SHA224', hexLength: 56 },
  { canonical: 'sha256', cyclonedx: 'SHA-256', spdx: 'SHA256', hexLength: 64 },
  { canonical: 'sha384', cyclonedx: 'SHA-384', spdx: 'SHA384', hexLength: 96 },
  { canonical: 'sha512', cyclonedx: 'SHA-512', spdx: 'SHA512', hexLength: 128 },
  { canonical: 'sha3-256', cyclonedx: 'SHA3-256', spdx: 'SHA3-256', hexLength: 64 },
  { canonical: 'sha3-384', cyclonedx: 'SHA3-384', spdx: 'SHA3-384', hexLength: 96 },
  { canonical: 'sha3-512', cyclonedx: 'SHA3-512', spdx: 'SHA3-512', hexLength: 128 },
  { canonical: 'blake2b-256', cyclonedx: 'BLAKE2b-256', spdx: 'BLAKE2b-256', hexLength: 64 },
  { canonical: 'blake2b-384', cyclonedx: 'BLAKE2b-384', spdx: 'BLAKE2b-384', hexLength: 96 },
  { canonical: 'blake2b-512', cyclonedx: 'BLAKE2b-512', spdx: 'BLAKE2b-512', hexLength: 128 },
  { canonical: 'blake3', cyclonedx: 'BLAKE3', spdx: 'BLAKE3' },
];

/** `SHA-256`, `sha256`, `SHA256` → `sha256`; unknown names are lower-cased. */
export function canonicalHashName(name: string): string {
  const key = name.toLowerCase().replace(/^sha-(\d+)$/, 'sha$1');
  const found = SPELLINGS.find((s) => s.canonical === key || s.spdx.toLowerCase() === key || s.cyclonedx?.toLowerCase() === key);
  return found?.canonical ?? key;
}

/** The spelling for one format, or undefined when the format has no such algorithm or the value is not a digest. */
export function hashFor(format: 'cyclonedx' | 'spdx', name: string, hex: string): { algorithm: string; value: string } | undefined {
  const spelling = SPELLINGS.find((s) => s.canonical === canonicalHashName(name));
  const algorithm = spelling?.[format];
  if (!spelling || !algorithm) return undefined;
  const value = hex.toLowerCase();
  if (!/^[0-9a-f]+$/.test(value)) return undefined;
  if (spelling.hexLength !== undefined && value.length !== spelling.hexLength) return undefined;
  return { algorithm, value };
}
