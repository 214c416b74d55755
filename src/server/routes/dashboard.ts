/**
 * Routes: the dashboard's files (built by `vite build --config web/vite.config.ts` into
 * `<package root>/dist/web`). The files are public (the page itself holds no data; every API call
 * it makes carries the user's token); every other non-API GET answers index.html so the
 * dashboard's History-API routes survive a reload. Unknown /api paths stay JSON 404s.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RouteModule } from '../context.js';

/** The package root: the nearest folder above this module with a package.json (works from src/ via tsx and from dist/cli). */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/** Where the built dashboard lives (BULKHEAD_WEB_DIR overrides, e.g. for a packaged layout). */
export function dashboardDir(): string {
  return process.env['BULKHEAD_WEB_DIR'] ?? join(packageRoot(), 'dist', 'web');
}

export const dashboardRoutes: RouteModule = async (app) => {
  const root = dashboardDir();
  const built = existsSync(join(root, 'index.html'));
  if (!built) app.log.warn({ root }, 'dashboard not built (npm run build); / answers 503');

  await app.register((await import('@fastify/static')).default, {
    root,
    serve: false,
    // hashed file names under assets/ never change; index.html must be re-read to find new ones
    setHeaders: (reply, path) => {
      reply.header('cache-control', path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  const fileFor = (urlPath: string): string | undefined => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    const relative = normalize(decoded).replace(/^[/\\]+/u, '');
    if (!relative || relative.startsWith('..') || relative.includes('\0')) return undefined;
    const full = join(root, relative);
    if (!full.startsWith(root + sep)) return undefined;
    try {
      return statSync(full).isFile() ? relative : undefined;
    } catch {
      return undefined;
    }
  };

  app.route({
    method: ['GET', 'HEAD'],
    url: '/*',
    config: { permission: 'public' },
    schema: { hide: true },
    handler: async (request, reply) => {
      const path = (request.raw.url ?? '/').split('?')[0]!;
      if (path === '/api' || path.startsWith('/api/')) {
        return reply.code(404).send({ error: 'not found', message: `no API route ${request.method} ${path}` });
      }
      if (!built) {
        return reply.code(503).type('text/plain; charset=utf-8').send('The dashboard is not built: run `npm run build` (vite build --config web/vite.config.ts).\n');
      }
      const file = fileFor(path);
      if (file) return reply.sendFile(file);
      // a dashboard route (or a missing asset, which the browser then fails to load as a script)
      if (path.startsWith('/assets/')) return reply.code(404).send({ error: 'not found', message: `no file ${path}` });
      return reply.sendFile('index.html');
    },
  });
};
