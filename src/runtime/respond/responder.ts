import type { Reporter } from '../../progress.js';
import type { DaemonEndpoint } from '../../image/daemon-api.js';
import { engineClient, type EngineClient, type EngineReply } from './engine-client.js';
import { protectedPids, refusalReason } from './process-guard.js';
import { replaceContainer, type ReplaceOutcome } from './replace.js';

/**
 * Carries out the protect-mode responses (detectors/types.ts `Response`): kill processes, pause,
 * stop or replace a container. Every method returns what happened as data; only an unreachable
 * Docker daemon throws (DAEMON_UNAVAILABLE), because then nothing can be said about the outcome.
 */

export interface KillOutcome {
  /** Sent SIGKILL. */
  killed: number[];
  /** Already gone (ESRCH): nothing to do. */
  gone: number[];
  /** Not killed, with the reason (init, the agent and its parents, EPERM). */
  refused: { pid: number; reason: string }[];
}

export type ContainerOutcome =
  | { ok: true; containerId: string; action: 'pause' | 'stop'; detail: string }
  | { ok: false; containerId: string; action: 'pause' | 'stop'; reason: string };

export interface Responder {
  killProcesses(pids: readonly number[]): KillOutcome;
  pause(containerId: string): Promise<ContainerOutcome>;
  /** Stop with SIGTERM, SIGKILL after `timeoutS` seconds (Engine API "ContainerStop"). */
  stop(containerId: string, timeoutS?: number): Promise<ContainerOutcome>;
  replace(containerId: string): Promise<ReplaceOutcome>;
}

export interface ResponderOptions {
  /** Socket path or DOCKER_HOST form (default `$DOCKER_HOST` or /var/run/docker.sock). */
  socket?: string | DaemonEndpoint;
  reporter: Reporter;
}

const enc = encodeURIComponent;

function answer(reply: EngineReply): string {
  return `the Docker daemon answered ${reply.status}${reply.message ? ` (${reply.message})` : ''}`;
}

export function createResponder(options: ResponderOptions): Responder {
  const engine: EngineClient = engineClient(options.socket);
  const { reporter } = options;
  // the agent's ancestry does not change while it runs
  const guarded = protectedPids();

  return {
    killProcesses(pids) {
      const out: KillOutcome = { killed: [], gone: [], refused: [] };
      for (const pid of new Set(pids)) {
        const refusal = refusalReason(pid, guarded);
        if (refusal) {
          out.refused.push({ pid, reason: refusal });
          reporter.warn(`not killing pid ${pid}: ${refusal}`);
          continue;
        }
        try {
          process.kill(pid, 'SIGKILL');
          out.killed.push(pid);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ESRCH') out.gone.push(pid);
          else out.refused.push({ pid, reason: code ?? String(e) });
        }
      }
      return out;
    },

    async pause(containerId) {
      const reply = await engine.request('POST', `/containers/${enc(containerId)}/pause`);
      if (reply.status === 204) return { ok: true, containerId, action: 'pause', detail: 'paused (processes frozen by the cgroup freezer)' };
      return { ok: false, containerId, action: 'pause', reason: answer(reply) };
    },

    async stop(containerId, timeoutS = 10) {
      const t = Math.max(0, Math.floor(timeoutS));
      // the daemon answers once the container is down: allow the grace period plus the kill
      const reply = await engine.request('POST', `/containers/${enc(containerId)}/stop?t=${t}`, { timeoutMs: (t + 30) * 1000 });
      if (reply.status === 204) return { ok: true, containerId, action: 'stop', detail: `stopped (SIGKILL after ${t} s)` };
      if (reply.status === 304) return { ok: true, containerId, action: 'stop', detail: 'already stopped' };
      return { ok: false, containerId, action: 'stop', reason: answer(reply) };
    },

    replace(containerId) {
      return replaceContainer(engine, containerId, reporter);
    },
  };
}
