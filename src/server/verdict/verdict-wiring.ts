/**
 * The verdict service as the server shares it (`verdicts` in ctx.services), and its subscriptions:
 * every scan the scan queue reports (registry scans and CI uploads), and every finished re-match.
 */
import type { FastifyInstance } from 'fastify';
import type { Alerter } from '../alerts/index.js';
import type { ServerContext } from '../context.js';
import type { Rematcher } from '../rematch/index.js';
import { registryServices } from '../registry/index.js';
import { VerdictService } from './verdict-service.js';

export const VERDICTS = 'verdicts';

/** The server's verdict service, created on first use. */
export function verdictService(ctx: ServerContext): VerdictService {
  const existing = ctx.services.get(VERDICTS) as VerdictService | undefined;
  if (existing) return existing;
  const service = new VerdictService({
    db: ctx.store.db,
    stateDir: ctx.config.stateDir,
    encryptionKey: ctx.keys.encryption,
    alerter: () => ctx.services.get('alerter') as Alerter | undefined,
    onWarning: (message, error) => ctx.log.warn({ err: error }, message),
  });
  ctx.services.set(VERDICTS, service);
  ctx.onClose(() => service.stop());
  return service;
}

/**
 * Subscribes the verdict service to stored scans now, and to the re-matcher once every route module
 * has registered (it is created by a module registered later).
 */
export function attachVerdicts(app: FastifyInstance, ctx: ServerContext): VerdictService {
  const service = verdictService(ctx);
  registryServices(ctx).queue.onScanned.push(async (event) => {
    try {
      await service.afterScan(event.recorded.imageDigest, event.access);
    } catch (e) {
      ctx.log.warn({ err: e, image: event.recorded.imageDigest }, 'policy evaluation after a scan failed');
    }
  });
  app.addHook('onReady', async () => {
    const rematcher = ctx.services.get('rematcher') as Rematcher | undefined;
    rematcher?.onFinished.push(() => void service.evaluateAll('rematch').catch((e: unknown) => ctx.log.warn({ err: e }, 'policy re-evaluation after a re-match failed')));
  });
  return service;
}
