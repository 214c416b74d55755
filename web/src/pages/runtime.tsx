/**
 * What runtime agents report: hosts, running containers with their image's scan and signature
 * status, runtime events (drift and the detectors) with filters, and behaviour profile modes, which
 * operators switch (learn, monitor, protect) and agents apply.
 */
import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { ErrorBox, Load, Severity, Status, shortDigest, when } from '../components/status.js';
import { useApi } from '../components/use-api.js';
import { setQuery, usePath } from '../router.js';
import { canOperate, me } from '../session.js';
import { useSignal } from '../signal.js';

// shapes of src/server/runtime/*.ts views
interface HostRow {
  id: string;
  name: string;
  agentVersion: string;
  lastSeen: string;
  facts: Record<string, unknown>;
  containers: number;
}
interface ContainerRow {
  hostId: string;
  hostName: string;
  id: string;
  name: string;
  image: string;
  imageDigest: string;
  state: string;
  scan: { status: 'scanned' | 'not-scanned'; digest?: string; worstSeverity?: string | null; lastScannedAt?: string | null };
  signatureStatus: string;
  policyStatus: string;
}
interface EventRow {
  id: number;
  hostId: string;
  time: string;
  type: string;
  severity: string;
  container: { id: string; name: string };
  action: string;
  event: Record<string, unknown>;
}
interface ProfileRow {
  image: string;
  mode: string;
  requestedBy: string;
  requestedAt: string;
  appliedBy: string[];
}

export function RuntimePage() {
  return (
    <>
      <h1>Runtime</h1>
      <Hosts />
      <Containers />
      <Events />
      <Profiles />
    </>
  );
}

function Hosts() {
  const state = useApi<HostRow[]>('/hosts');
  return (
    <section aria-labelledby="h-hosts">
      <h2 id="h-hosts">Hosts</h2>
      <Load state={state}>
        {(items) => {
          if (!items.length) return <p>No agent has reported yet.</p>;
          return (
            <table aria-label="Hosts">
              <thead>
                <tr>
                  <th scope="col">Host</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Containers</th>
                  <th scope="col">Facts</th>
                </tr>
              </thead>
              <tbody>
                {items.map((h) => (
                  <tr key={h.id}>
                    <td>{h.name}</td>
                    <td>{h.agentVersion}</td>
                    <td>{when(h.lastSeen)}</td>
                    <td>{h.containers}</td>
                    <td>
                      {Object.entries(h.facts)
                        .filter(([, v]) => typeof v !== 'object')
                        .map(([k, v]) => `${k}: ${String(v)}`)
                        .join(', ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Load>
    </section>
  );
}

function Containers() {
  const state = useApi<ContainerRow[]>('/containers');
  return (
    <section aria-labelledby="h-containers">
      <h2 id="h-containers">Running containers</h2>
      <Load state={state}>
        {(items) => {
          if (!items.length) return <p>No containers reported.</p>;
          return (
            <table aria-label="Running containers">
              <thead>
                <tr>
                  <th scope="col">Container</th>
                  <th scope="col">Host</th>
                  <th scope="col">Image</th>
                  <th scope="col">State</th>
                  <th scope="col">Image scan</th>
                  <th scope="col">Signature</th>
                  <th scope="col">Policy</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => {
                  const digest = c.scan.digest ?? c.imageDigest;
                  return (
                    <tr key={`${c.hostId}/${c.id}`}>
                      <td>{c.name}</td>
                      <td>{c.hostName}</td>
                      <td>
                        {c.image}{' '}
                        {digest && (c.scan.status === 'scanned' ? (
                          <a href={`/images/${encodeURIComponent(digest)}`}>
                            <code>{shortDigest(digest)}</code>
                          </a>
                        ) : (
                          <code>{shortDigest(digest)}</code>
                        ))}
                      </td>
                      <td>{c.state}</td>
                      <td>{c.scan.status === 'scanned' ? <Severity value={c.scan.worstSeverity ?? null} /> : 'not scanned'}</td>
                      <td>
                        <Status value={c.signatureStatus} />
                      </td>
                      <td>
                        <Status value={c.policyStatus} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          );
        }}
      </Load>
    </section>
  );
}

function Events() {
  const { params } = usePath();
  const filters = { type: params.get('type') ?? '', host: params.get('host') ?? '', container: params.get('container') ?? '' };
  const state = useApi<{ events: EventRow[]; next: number | null }>(`/runtime/events${query({ ...filters, limit: 200 })}`);
  const update = (patch: Partial<typeof filters>) => setQuery({ ...filters, ...patch });
  return (
    <section aria-labelledby="h-events">
      <h2 id="h-events">Runtime events</h2>
      <form class="filters" role="search" aria-label="Filter runtime events" onSubmit={(e) => e.preventDefault()}>
        <label>
          Type <input name="type" value={filters.type} placeholder="drift" onChange={(e) => update({ type: e.currentTarget.value })} />
        </label>
        <label>
          Host <input name="host" value={filters.host} onChange={(e) => update({ host: e.currentTarget.value })} />
        </label>
        <label>
          Container <input name="container" value={filters.container} onChange={(e) => update({ container: e.currentTarget.value })} />
        </label>
      </form>
      <Load state={state}>
        {({ events: items }) => {
          if (!items.length) return <p>No runtime events match.</p>;
          return (
            <table aria-label="Runtime events">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Type</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Container</th>
                  <th scope="col">Action</th>
                  <th scope="col">What</th>
                </tr>
              </thead>
              <tbody>
                {items.map((e) => {
                  const detail = e.event;
                  const what = detail['summary'] ?? detail['message'] ?? detail['detail'] ?? detail['path'] ?? detail['executable'] ?? detail['command'] ?? '';
                  return (
                    <tr key={e.id}>
                      <td>{when(e.time)}</td>
                      <td>{e.type}</td>
                      <td>
                        <Severity value={e.severity} />
                      </td>
                      <td>{e.container.name}</td>
                      <td>{e.action}</td>
                      <td>{typeof what === 'string' ? what : JSON.stringify(what)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          );
        }}
      </Load>
    </section>
  );
}

const MODES = ['learn', 'monitor', 'protect'] as const;

function Profiles() {
  const state = useApi<ProfileRow[]>('/profiles');
  const user = useSignal(me);
  const [error, setError] = useState<Error>();
  const change = async (image: string, mode: string) => {
    setError(undefined);
    try {
      await api(`/profiles/${encodeURIComponent(image)}/mode`, { method: 'PUT', body: { mode } });
      state.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <section aria-labelledby="h-profiles">
      <h2 id="h-profiles">Behaviour profiles</h2>
      <ErrorBox error={error} />
      <Load state={state}>
        {(items) => {
          if (!items.length) return <p>No profile modes chosen yet.</p>;
          return (
            <table aria-label="Behaviour profiles">
              <thead>
                <tr>
                  <th scope="col">Image</th>
                  <th scope="col">Mode</th>
                  <th scope="col">Requested</th>
                  <th scope="col">Applied by</th>
                </tr>
              </thead>
              <tbody>
                {items.map((p) => {
                  const applied = p.appliedBy;
                  return (
                    <tr key={p.image}>
                      <td>{p.image}</td>
                      <td>
                        {canOperate(user) ? (
                          <label>
                            <span class="visually-hidden">Mode for {p.image}</span>
                            <select value={p.mode} onChange={(e) => void change(p.image, e.currentTarget.value)}>
                              {MODES.map((m) => (
                                <option key={m} value={m}>
                                  {m}
                                </option>
                              ))}
                            </select>
                          </label>
                        ) : (
                          p.mode
                        )}
                      </td>
                      <td>{`${p.requestedBy}, ${when(p.requestedAt)}`}</td>
                      <td>{applied.length ? applied.join(', ') : 'not yet'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          );
        }}
      </Load>
    </section>
  );
}
