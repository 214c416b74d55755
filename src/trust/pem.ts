import { BulkheadError } from '../errors.js';

/** One PEM block (RFC 7468 §2): its label and the DER (or, for cosign keys, JSON) bytes it carries. */
export interface PemBlock {
  type: string;
  bytes: Buffer;
}

const BLOCK_RE = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/;

/** The first PEM block in `text`; `what` names the file in the error. */
export function decodePem(text: string, what: string): PemBlock {
  const match = BLOCK_RE.exec(text);
  if (!match) throw new BulkheadError('INPUT_INVALID', `${what}: no PEM block (-----BEGIN ...-----) found`, { input: what });
  const body = match[2]!.split(/\r?\n/).filter((line) => line !== '' && !line.includes(':')).join('');
  if (!/^[A-Za-z0-9+/=]*$/.test(body)) throw new BulkheadError('INPUT_INVALID', `${what}: the ${match[1]} block is not base64`, { input: what });
  return { type: match[1]!, bytes: Buffer.from(body, 'base64') };
}

/** RFC 7468 §2: base64 in lines of 64 characters. */
export function encodePem(type: string, bytes: Buffer): string {
  const lines = bytes.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}
