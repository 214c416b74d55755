/**
 * `bulkhead scan --server URL --token T`: sends the scan result and the analysis (what a later
 * re-match needs) to the server's `POST /api/v1/scans`, gzip-compressed. A refusal or an unreachable
 * server is a NETWORK_ERROR (exit 5) with one line naming the server and the reason; the token is
 * never printed.
 */
import { gzipSync } from 'node:zlib';
import type { ImageAnalysis } from '../catalog/index.js';
import { BulkheadError } from '../errors.js';
import type { ScanResult } from '../findings/scan-result.js';

export interface UploadTarget {
  server: string;
  token: string;
}

export interface UploadReceipt {
  scanId: string;
  imageDigest: string;
  newVulnerabilities: string[];
}

/** The server and token from the flags, or the token from $BULKHEAD_TOKEN. */
export function uploadTarget(server: string | undefined, token: string | undefined, env: NodeJS.ProcessEnv = process.env): UploadTarget | undefined {
  if (!server) {
    if (token) throw new BulkheadError('USAGE', '--token needs --server URL');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new BulkheadError('USAGE', `--server "${server}": expected a URL such as https://bulkhead.example.com`, { input: server });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BulkheadError('USAGE', `--server "${server}": expected an http(s) URL`, { input: server });
  const chosen = token ?? env['BULKHEAD_TOKEN'];
  if (!chosen) throw new BulkheadError('USAGE', '--server needs an API token: --token T or $BULKHEAD_TOKEN');
  return { server: url.href.replace(/\/$/u, ''), token: chosen };
}

export async function uploadScan(target: UploadTarget, result: ScanResult, analysis: ImageAnalysis | undefined, signal?: AbortSignal): Promise<UploadReceipt> {
  const endpoint = `${target.server}/api/v1/scans`;
  const body = gzipSync(JSON.stringify(analysis ? { result, analysis } : { result }));
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body,
      signal: signal ?? AbortSignal.timeout(120_000),
    });
  } catch (e) {
    const cause = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
    throw new BulkheadError('NETWORK_ERROR', `upload to ${endpoint}: the server is unreachable (${cause})`, { input: endpoint, cause: e });
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    let reason = text.slice(0, 300);
    try {
      const doc = JSON.parse(text) as { message?: string };
      if (doc.message) reason = doc.message;
    } catch {
      /* not JSON: show the text */
    }
    throw new BulkheadError('NETWORK_ERROR', `upload to ${endpoint}: the server refused it (HTTP ${res.status}${reason ? `: ${reason.replace(/\s+/gu, ' ')}` : ''})`, { input: endpoint });
  }
  try {
    return JSON.parse(text) as UploadReceipt;
  } catch {
    throw new BulkheadError('NETWORK_ERROR', `upload to ${endpoint}: the server's answer is not JSON`, { input: endpoint });
  }
}
