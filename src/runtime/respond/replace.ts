import type { Reporter } from '../../progress.js';
import type { EngineClient, EngineReply } from './engine-client.js';

/**
 * The time-to-live response: a container past its age is swapped for a fresh one made from the same
 * image reference, as `docker run` with the same settings would make it now (Engine API
 * "ContainerCreate"). Nothing is pulled: the reference's current local image is used, which may be
 * newer than the one the old container runs (the result says which).
 *
 * Order (so a failure leaves the old container in place, under its own name):
 * rename old → create new under the name → start new → stop and remove old.
 * A container that publishes fixed host ports or holds a fixed IP address cannot run next to its
 * replacement, so the old one is stopped before the new one starts and started again on failure.
 * Anonymous volumes are not carried over (the replacement is meant to be fresh); named volumes and
 * bind mounts are, through HostConfig.
 */

export const REPLACED_FROM_LABEL = 'bulkhead.replaced-from';

export type ReplaceOutcome =
  | {
      ok: true;
      oldId: string;
      newId: string;
      name: string;
      /** The image reference both containers were made from. */
      image: string;
      oldImageId: string;
      newImageId: string;
      /** The reference now points at another image than the old container ran. */
      imageChanged: boolean;
      /** What happened, in words (which image was used; a removal that failed). */
      notes: string[];
    }
  | { ok: false; oldId: string; reason: string; rolledBack: boolean; notes: string[] };

interface Inspect {
  Id: string;
  Name?: string;
  Image?: string;
  State?: { Running?: boolean; Paused?: boolean };
  Config?: Record<string, unknown> & { Image?: string; Hostname?: string; Labels?: Record<string, string> | null };
  HostConfig?: Record<string, unknown> & { NetworkMode?: string; PortBindings?: Record<string, { HostPort?: string }[] | null> | null };
  NetworkSettings?: { Networks?: Record<string, { Aliases?: string[] | null; IPAMConfig?: Record<string, unknown> | null; Links?: string[] | null }> | null };
}

const enc = encodeURIComponent;
/** Network modes that are not a named network to attach to. */
const BUILTIN_MODES = new Set(['', 'default', 'bridge', 'host', 'none']);

function why(reply: EngineReply, what: string): string {
  return `${what}: the Docker daemon answered ${reply.status}${reply.message ? ` (${reply.message})` : ''}`;
}

/** Host ports and fixed addresses belong to one container at a time. */
function holdsExclusiveResources(inspect: Inspect): boolean {
  const ports = Object.values(inspect.HostConfig?.PortBindings ?? {}).some((bindings) => (bindings ?? []).some((b) => b.HostPort !== undefined && b.HostPort !== ''));
  const fixedIp = Object.values(inspect.NetworkSettings?.Networks ?? {}).some((n) => n.IPAMConfig && Object.values(n.IPAMConfig).some((v) => typeof v === 'string' && v !== ''));
  return ports || fixedIp;
}

/** Endpoint settings to carry over: aliases the user gave (not Docker's short-id alias), fixed addresses, links. */
function endpointConfig(inspect: Inspect, network: string): Record<string, unknown> {
  const n = inspect.NetworkSettings?.Networks?.[network];
  if (!n) return {};
  const shortId = inspect.Id.slice(0, 12);
  const aliases = (n.Aliases ?? []).filter((a) => a !== shortId);
  return { ...(aliases.length ? { Aliases: aliases } : {}), ...(n.IPAMConfig ? { IPAMConfig: n.IPAMConfig } : {}), ...(n.Links?.length ? { Links: n.Links } : {}) };
}

export async function replaceContainer(engine: EngineClient, containerId: string, reporter: Reporter): Promise<ReplaceOutcome> {
  const notes: string[] = [];
  const inspect = await engine.getJson<Inspect>(`/containers/${enc(containerId)}/json`);
  if (!inspect) return { ok: false, oldId: containerId, reason: `no container ${containerId}`, rolledBack: false, notes };
  const oldId = inspect.Id;
  const name = (inspect.Name ?? '').replace(/^\//u, '');
  const reference = inspect.Config?.Image ?? '';
  const fail = (reason: string, rolledBack: boolean): ReplaceOutcome => ({ ok: false, oldId, reason, rolledBack, notes });
  if (name === '' || reference === '') return fail('the container has no name or no image reference to replace it from', false);
  const oldName = `${name}-bulkhead-old-${oldId.slice(0, 12)}`;

  const renamed = await engine.request('POST', `/containers/${enc(oldId)}/rename?name=${enc(oldName)}`);
  if (renamed.status !== 204 && renamed.status !== 200) return fail(why(renamed, `renaming ${name} to ${oldName}`), false);

  // undo everything done so far; says what could not be undone
  let newId: string | undefined;
  let oldStopped = false;
  const rollback = async (reason: string): Promise<ReplaceOutcome> => {
    const problems: string[] = [];
    if (newId) {
      const removed = await engine.request('DELETE', `/containers/${enc(newId)}?force=true&v=true`);
      if (removed.status !== 204 && removed.status !== 404) problems.push(why(removed, `removing the new container ${newId.slice(0, 12)}`));
    }
    const back = await engine.request('POST', `/containers/${enc(oldId)}/rename?name=${enc(name)}`);
    if (back.status !== 204 && back.status !== 200) problems.push(why(back, `renaming ${oldName} back to ${name}`));
    if (oldStopped) {
      const restarted = await engine.request('POST', `/containers/${enc(oldId)}/start`);
      if (restarted.status !== 204 && restarted.status !== 304) problems.push(why(restarted, `starting the old container again`));
    }
    for (const p of problems) reporter.warn(`replace ${name}: rollback incomplete: ${p}`);
    notes.push(...problems);
    return fail(reason, problems.length === 0);
  };

  const config: Record<string, unknown> = { ...inspect.Config };
  // Docker fills Hostname with the short id when the user gave none: the new container gets its own
  if (config['Hostname'] === oldId.slice(0, 12)) delete config['Hostname'];
  const networkMode = String(inspect.HostConfig?.NetworkMode ?? '');
  const primary = BUILTIN_MODES.has(networkMode) || networkMode.startsWith('container:') ? undefined : networkMode;
  const body = {
    ...config,
    Image: reference,
    Labels: { ...(inspect.Config?.Labels ?? {}), [REPLACED_FROM_LABEL]: oldId },
    HostConfig: inspect.HostConfig ?? {},
    ...(primary ? { NetworkingConfig: { EndpointsConfig: { [primary]: endpointConfig(inspect, primary) } } } : {}),
  };
  const created = await engine.request<{ Id?: string }>('POST', `/containers/create?name=${enc(name)}`, { body });
  if (created.status !== 201 || !created.json?.Id) return rollback(why(created, `creating ${name} from ${reference} (nothing is pulled: the image must be present locally)`));
  newId = created.json.Id;

  // API versions before 1.44 attach one network at create; the others are connected before start
  for (const network of Object.keys(inspect.NetworkSettings?.Networks ?? {})) {
    if (network === primary || BUILTIN_MODES.has(network) || network === networkMode) continue;
    const connected = await engine.request('POST', `/networks/${enc(network)}/connect`, { body: { Container: newId, EndpointConfig: endpointConfig(inspect, network) } });
    if (connected.status !== 200) return rollback(why(connected, `connecting the new container to network ${network}`));
  }

  if (holdsExclusiveResources(inspect) && inspect.State?.Running) {
    const stopped = await engine.request('POST', `/containers/${enc(oldId)}/stop?t=10`, { timeoutMs: 60_000 });
    if (stopped.status !== 204 && stopped.status !== 304) return rollback(why(stopped, `stopping ${oldName} to free its host ports or address`));
    oldStopped = true;
  }
  const started = await engine.request('POST', `/containers/${enc(newId)}/start`, { timeoutMs: 60_000 });
  if (started.status !== 204 && started.status !== 304) return rollback(why(started, `starting the new container ${name}`));

  const fresh = await engine.getJson<Inspect>(`/containers/${enc(newId)}/json`);
  const oldImageId = inspect.Image ?? '';
  const newImageId = fresh?.Image ?? '';
  const imageChanged = newImageId !== '' && newImageId !== oldImageId;
  notes.push(
    imageChanged
      ? `${reference} now points at ${newImageId}; the old container ran ${oldImageId}`
      : `${reference} still points at the image the old container ran (${oldImageId})`,
  );

  if (!oldStopped) {
    const stopped = await engine.request('POST', `/containers/${enc(oldId)}/stop?t=10`, { timeoutMs: 60_000 });
    if (stopped.status !== 204 && stopped.status !== 304 && stopped.status !== 404) notes.push(why(stopped, `stopping the old container ${oldName}`));
  }
  const removed = await engine.request('DELETE', `/containers/${enc(oldId)}?force=true`);
  if (removed.status !== 204 && removed.status !== 404) {
    const problem = why(removed, `removing the old container ${oldName}`);
    reporter.warn(`replace ${name}: ${problem}`);
    notes.push(problem);
  }
  return { ok: true, oldId, newId, name, image: reference, oldImageId, newImageId, imageChanged, notes };
}
