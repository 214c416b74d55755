import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, stat, unlink } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BulkheadError } from '../../errors.js';
import type { ProgressTask } from '../../progress.js';
import { DownloadDigests, parseGoogHash } from './digests.js';

/** What the last successful fetch of a file answered, sent back as conditional-request validators. */
export interface Validators {
  url?: string;
  etag?: string;
  lastModified?: string;
  sha256?: string;
}

export type Fetched =
  | { kind: 'not-modified'; url: string }
  | { kind: 'not-found'; url: string }
  | {
      kind: 'fetched';
      url: string;
      /** A local file holding the bytes: the download, or the source file itself for file:// sources. */
      file: string;
      temporary: boolean;
      sha256: string;
      bytes: number;
      etag?: string;
      lastModified?: string;
    };

export interface FetchOptions {
  /** Where downloads are written (the database's folder, so a rename never crosses file systems). */
  tempPath: string;
  /** Abort when no byte arrives for this long (a stalled server must not hang an update forever). */
  idleTimeoutMs: number;
  task?: ProgressTask;
}

/** The source base as a URL ending in `/`: an http(s) mirror, a file:// URL or a local directory path. */
export function sourceBase(source: string): URL {
  const withSlash = source.endsWith('/') ? source : source + '/';
  if (/^(https?|file):\/\//i.test(withSlash)) return new URL(withSlash);
  if (withSlash.startsWith('/')) return pathToFileURL(withSlash);
  // a relative folder that exists (`--source demo/osv`) is a local source too
  if (existsSync(source) && statSync(source).isDirectory()) return pathToFileURL(resolve(source) + '/');
  throw new BulkheadError('USAGE', `--source ${source}: not an http(s):// or file:// URL or an absolute directory`, { input: source });
}

/**
 * The ecosystems a local source holds: its folders with an `all.zip` or loose `*.json` records.
 * Undefined for remote sources (their listing is not asked for; the default list applies).
 */
export function localEcosystems(base: URL): string[] | undefined {
  if (base.protocol !== 'file:') return undefined;
  const dir = fileURLToPath(base);
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && readdirSync(join(dir, d.name)).some((f) => f === 'all.zip' || f.toLowerCase().endsWith('.json')))
    .map((d) => d.name)
    .sort();
}

export function fileUrl(base: URL, relative: string): string {
  return new URL(relative.split('/').map(encodeURIComponent).join('/'), base).href;
}

/**
 * Fetches one file of a source into `tempPath` (streamed to disk, never held in memory). HTTP sends
 * If-None-Match / If-Modified-Since when the validators come from the same URL, so an unchanged
 * export costs one 304. The body is checked against Content-Length, `x-goog-hash` MD5/CRC32C and,
 * when `checkSibling`, a sibling `<file>.sha256`. A file:// source is read in place; its size and
 * mtime act as the ETag.
 */
export async function fetchSourceFile(url: string, previous: Validators, options: FetchOptions & { checkSibling: boolean }): Promise<Fetched> {
  const fetched = url.startsWith('file:') ? await fetchLocal(url, previous) : await fetchHttp(url, previous, options);
  if (fetched.kind !== 'fetched' || !options.checkSibling) return fetched;
  try {
    await checkSiblingSha256(url, fetched.sha256, options);
  } catch (e) {
    if (fetched.temporary) await unlink(fetched.file).catch(() => {});
    throw e;
  }
  return fetched;
}

async function fetchLocal(url: string, previous: Validators): Promise<Fetched> {
  const path = fileURLToPath(url);
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'not-found', url };
    throw new BulkheadError('INPUT_NOT_FOUND', `${url}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { input: url, cause: e });
  }
  if (!info.isFile()) return { kind: 'not-found', url };
  const etag = `"${info.size}-${Math.trunc(info.mtimeMs)}"`;
  if (previous.url === url && previous.etag === etag) return { kind: 'not-modified', url };
  const digests = new DownloadDigests();
  await pipeline(createReadStream(path), new Transform({ transform: (chunk: Buffer, _e, cb) => (digests.update(chunk), cb()) }).resume());
  const { sha256, bytes } = digests.finish();
  return { kind: 'fetched', url, file: path, temporary: false, sha256, bytes, etag, lastModified: info.mtime.toUTCString() };
}

async function fetchHttp(url: string, previous: Validators, options: FetchOptions): Promise<Fetched> {
  const headers: Record<string, string> = { 'user-agent': 'bulkhead-vulndb' };
  if (previous.url === url) {
    if (previous.etag) headers['if-none-match'] = previous.etag;
    if (previous.lastModified) headers['if-modified-since'] = previous.lastModified;
  }
  const controller = new AbortController();
  let idle: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => controller.abort(new Error(`no data for ${options.idleTimeoutMs / 1000} s`)), options.idleTimeoutMs);
  };
  const fail = (reason: string, cause?: unknown) =>
    new BulkheadError('NETWORK_ERROR', `${url}: ${reason}`, { input: url, ...(cause === undefined ? {} : { cause }) });
  arm();
  try {
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: controller.signal, redirect: 'follow' });
    } catch (e) {
      throw fail(`request failed (${reasonOf(e, controller)})`, e);
    }
    if (response.status === 304) return { kind: 'not-modified', url };
    if (response.status === 404 || response.status === 410) return { kind: 'not-found', url };
    if (!response.ok || !response.body) throw fail(`HTTP ${response.status} ${response.statusText}`.trim());
    // With a Content-Encoding, fetch hands over decoded bytes and Content-Length counts encoded ones.
    const declared = response.headers.get('content-encoding') ? null : response.headers.get('content-length');
    if (declared) options.task?.setTotal(Number(declared));
    const digests = new DownloadDigests();
    const counter = new Transform({
      transform(chunk: Buffer, _e, cb) {
        arm();
        digests.update(chunk);
        options.task?.advance(chunk.length);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), counter, createWriteStream(options.tempPath, { mode: 0o600 }));
    } catch (e) {
      await unlink(options.tempPath).catch(() => {});
      throw fail(`download interrupted after ${digests.bytes} bytes (${reasonOf(e, controller)})`, e);
    }
    const got = digests.finish();
    const problem = bodyProblem(got, declared, parseGoogHash(response.headers.get('x-goog-hash')));
    if (problem) {
      await unlink(options.tempPath).catch(() => {});
      throw new BulkheadError('VULN_SOURCE_CORRUPT', `${url}: ${problem}`, { input: url });
    }
    const etag = response.headers.get('etag');
    const lastModified = response.headers.get('last-modified');
    return {
      kind: 'fetched',
      url,
      file: options.tempPath,
      temporary: true,
      sha256: got.sha256,
      bytes: got.bytes,
      ...(etag ? { etag } : {}),
      ...(lastModified ? { lastModified } : {}),
    };
  } finally {
    clearTimeout(idle);
  }
}

function bodyProblem(got: { md5: string; crc32c: string; bytes: number }, declared: string | null, goog: { md5?: string; crc32c?: string }): string | undefined {
  if (declared !== null && Number(declared) !== got.bytes) return `received ${got.bytes} bytes, Content-Length says ${declared} (truncated download)`;
  if (goog.md5 && goog.md5 !== got.md5) return `MD5 ${got.md5} does not match x-goog-hash md5=${goog.md5}`;
  if (goog.crc32c && goog.crc32c !== got.crc32c) return `CRC32C ${got.crc32c} does not match x-goog-hash crc32c=${goog.crc32c}`;
  return undefined;
}

/** A `<file>.sha256` beside the file (sha256sum format: hex digest first) is checked when present. */
async function checkSiblingSha256(url: string, sha256: string, options: FetchOptions): Promise<void> {
  const siblingUrl = url + '.sha256';
  let text: string | undefined;
  if (siblingUrl.startsWith('file:')) {
    text = await readFile(fileURLToPath(siblingUrl), 'utf8').catch(() => undefined);
  } else {
    let response: Response;
    try {
      response = await fetch(siblingUrl, { signal: AbortSignal.timeout(options.idleTimeoutMs) });
    } catch (e) {
      throw new BulkheadError('NETWORK_ERROR', `${siblingUrl}: request failed (${(e as Error).message})`, { input: siblingUrl, cause: e });
    }
    if (response.status === 404 || response.status === 410) return;
    if (!response.ok) throw new BulkheadError('NETWORK_ERROR', `${siblingUrl}: HTTP ${response.status}`, { input: siblingUrl });
    text = await response.text();
  }
  if (text === undefined) return;
  const expected = /^\s*([0-9a-fA-F]{64})\b/.exec(text)?.[1]?.toLowerCase();
  if (!expected) throw new BulkheadError('VULN_SOURCE_CORRUPT', `${siblingUrl}: not a SHA-256 checksum file`, { input: siblingUrl });
  if (expected !== sha256) throw new BulkheadError('VULN_SOURCE_CORRUPT', `${url}: SHA-256 ${sha256} does not match ${siblingUrl} (${expected})`, { input: url });
}

function reasonOf(e: unknown, controller: AbortController): string {
  if (controller.signal.aborted && controller.signal.reason instanceof Error) return controller.signal.reason.message;
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}
