/**
 * The server's secret key: 32 random bytes in `STATE_DIR/server.key` (mode 0600, created on first
 * start) or BULKHEAD_SERVER_KEY (base64). Two keys are derived from it with HKDF-SHA256 (RFC 5869):
 * one encrypts registry credentials at rest (AES-256-GCM), one keys the audit log's hash chain
 * (HMAC-SHA256), so a rewritten chain cannot be made to verify without the key.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { BulkheadError } from '../errors.js';

export interface ServerKeys {
  /** AES-256-GCM key for secrets at rest. */
  encryption: Buffer;
  /** HMAC key of the audit chain. */
  audit: Buffer;
}

export function deriveKeys(master: Buffer): ServerKeys {
  const derive = (info: string): Buffer => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return { encryption: derive('bulkhead server secrets v1'), audit: derive('bulkhead audit chain v1') };
}

/** Reads the master key (env first), or creates the key file when `create` is true. */
export function loadMasterKey(file: string, options: { create: boolean; env?: NodeJS.ProcessEnv } = { create: true }): Buffer {
  const fromEnv = (options.env ?? process.env)['BULKHEAD_SERVER_KEY'];
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) throw new BulkheadError('USAGE', 'BULKHEAD_SERVER_KEY: expected 32 bytes in base64');
    return key;
  }
  if (existsSync(file)) {
    const key = readFileSync(file);
    if (key.length !== 32) throw new BulkheadError('INPUT_INVALID', `${file}: the server key must be 32 bytes, found ${key.length}`, { input: file });
    return key;
  }
  if (!options.create) throw new BulkheadError('INPUT_NOT_FOUND', `${file}: no server key (the server creates it on first start; or set BULKHEAD_SERVER_KEY)`, { input: file });
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, key);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return key;
}

/** `v1:<iv>:<tag>:<ciphertext>` (base64 parts). */
export function encryptSecret(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
}

export function decryptSecret(key: Buffer, text: string): string {
  const [version, iv, tag, body] = text.split(':');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new BulkheadError('INPUT_INVALID', 'stored secret: unknown format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch (e) {
    throw new BulkheadError('INPUT_INVALID', 'stored secret does not decrypt with this server key (was the key replaced?)', { cause: e });
  }
}
