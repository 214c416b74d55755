/**
 * DSSE envelopes (secure-systems-lab/dsse v1.0 `envelope.md`, `protocol.md`): the signature covers the
 * pre-authentication encoding PAE(payloadType, payload), never the bare payload, so a payload cannot
 * be reinterpreted under another type.
 */
import type { KeyObject } from 'node:crypto';
import { preAuthEncoding } from './bundle.js';
import { signBytes, verifyBytes } from './signature-algorithm.js';
import type { NamedPublicKey } from './types.js';

export const DSSE_ENVELOPE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface DsseEnvelope {
  payloadType: string;
  /** Base64 (standard alphabet) of the payload bytes. */
  payload: string;
  signatures: Array<{ keyid: string; sig: string }>;
}

export function signEnvelope(payloadType: string, payload: Buffer, privateKey: KeyObject): DsseEnvelope {
  const sig = signBytes(preAuthEncoding(payloadType, payload), privateKey).toString('base64');
  // cosign leaves keyid empty for key-file signatures; verifiers try every key they are given.
  return { payloadType, payload: payload.toString('base64'), signatures: [{ keyid: '', sig }] };
}

/** Reads an envelope from JSON bytes; null when it is not one (missing or mistyped fields). */
export function parseEnvelope(bytes: Buffer): DsseEnvelope | null {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  const env = value as Partial<DsseEnvelope> | null;
  if (!env || typeof env.payloadType !== 'string' || typeof env.payload !== 'string' || !Array.isArray(env.signatures)) return null;
  const signatures = env.signatures.filter((s): s is { keyid: string; sig: string } => typeof s?.sig === 'string').map((s) => ({ keyid: typeof s.keyid === 'string' ? s.keyid : '', sig: s.sig }));
  return { payloadType: env.payloadType, payload: env.payload, signatures };
}

/** The first key under which any of the envelope's signatures verifies, or undefined. */
export function envelopeSigner(env: DsseEnvelope, keys: readonly NamedPublicKey[]): NamedPublicKey | undefined {
  const pae = preAuthEncoding(env.payloadType, Buffer.from(env.payload, 'base64'));
  return keys.find((k) => env.signatures.some((s) => verifyBytes(pae, Buffer.from(s.sig, 'base64'), k.key)));
}
