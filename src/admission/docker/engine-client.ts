import http from 'node:http';
import { BulkheadError } from '../../errors.js';

/**
 * The one Engine API call the plugin makes back into the daemon it guards: `GET /images/{name}/json`
 * (Engine API "ImageInspect"). A GET, so the plugin allows it when the daemon asks about it; the
 * daemon answers while the create that caused it waits.
 */
export interface ImageInspect {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created?: string;
  Config?: { User?: string; Labels?: Record<string, string> | null; Healthcheck?: { Test?: string[] } | null } | null;
}

export function inspectImage(socketPath: string, name: string, timeoutMs = 10_000): Promise<ImageInspect | undefined> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method: 'GET', path: `/images/${encodeURIComponent(name)}/json`, headers: { Host: 'docker' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 404) return resolve(undefined);
        if (res.statusCode !== 200) return reject(new BulkheadError('DAEMON_ERROR', `image ${name}: the Docker daemon answered ${res.statusCode}: ${text.trim().slice(0, 200)}`, { input: name }));
        try {
          resolve(JSON.parse(text) as ImageInspect);
        } catch {
          reject(new BulkheadError('DAEMON_ERROR', `image ${name}: the Docker daemon's answer is not JSON`, { input: name }));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => reject(new BulkheadError('DAEMON_UNAVAILABLE', `Docker daemon at unix://${socketPath} is not reachable: ${e.message}`, { input: socketPath, cause: e })));
    req.end();
  });
}
