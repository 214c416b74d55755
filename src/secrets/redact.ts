import { createHash } from 'node:crypto';

/**
 * What of a secret may be shown: at most its first four characters (fewer for short secrets, so a
 * short password never shows half of itself), then `*****`. Every hit goes through here before it
 * leaves the engine, so the full secret never reaches findings, caches, logs or errors.
 */
export function redact(secret: string): string {
  const shown = Math.min(4, Math.floor(secret.length / 4));
  return `${secret.slice(0, shown)}*****`;
}

/** SHA-256 (hex) of the secret: dedupes the same secret across layers without keeping it. */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'latin1').digest('hex');
}
