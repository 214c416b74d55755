/** Alerts the server raised (new vulnerabilities, policy failures, runtime) and their delivery per channel. */
import { query } from '../api.js';
import { Load, Severity, shortDigest, when } from '../components/status.js';
import { useApi } from '../components/use-api.js';
import { setQuery, usePath } from '../router.js';

/** GET /api/v1/alerts (src/server/alerts/alert.ts Alert, plus delivery outcomes). */
interface AlertRow {
  id: string;
  time: string;
  kind: string;
  title: string;
  image?: { digest: string; repository: string; tags: string[] };
  details: { vulnerabilities?: Array<{ id: string; severity: string }>; message?: string };
  link?: string;
  delivery: Record<string, { ok: boolean; attempts: number; pending?: boolean; error?: string }>;
}

const PAGE = 50;

export function AlertsPage() {
  const { params } = usePath();
  const kind = params.get('kind') ?? '';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const state = useApi<{ alerts: AlertRow[]; total: number }>(`/alerts${query({ kind, limit: PAGE, offset })}`);
  return (
    <>
      <h1>Alerts</h1>
      <form class="filters" role="search" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
        <label>
          Kind
          <select name="kind" value={kind} onChange={(e) => setQuery({ kind: e.currentTarget.value })}>
            <option value="">any</option>
            {['new-vulnerability', 'policy-fail', 'runtime', 'test'].map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Load state={state}>
        {({ alerts, total }) => {
          if (!alerts.length) return <p>No alerts.</p>;
          return (
            <>
              <table aria-label="Alerts">
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Image</th>
                    <th scope="col">Title</th>
                    <th scope="col">Vulnerabilities</th>
                    <th scope="col">Delivery</th>
                  </tr>
                </thead>
                <tbody>
                  {alerts.map((a) => (
                    <tr key={a.id}>
                      <td>{when(a.time)}</td>
                      <td>{a.kind}</td>
                      <td>{a.image ? <a href={`/images/${encodeURIComponent(a.image.digest)}`}>{a.image.repository || shortDigest(a.image.digest)}</a> : '—'}</td>
                      <td>{a.title}</td>
                      <td>
                        {a.details.vulnerabilities?.map((v) => (
                          <span key={v.id}>
                            <Severity value={v.severity} /> {v.id}{' '}
                          </span>
                        )) ?? a.details.message ?? ''}
                      </td>
                      <td>
                        {Object.entries(a.delivery)
                          .map(([channel, d]) => `${channel}: ${d.pending ? 'pending' : d.ok ? 'delivered' : `failed (${d.error ?? 'error'})`}`)
                          .join('; ') || 'no channels'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <nav aria-label="Pages" class="pager">
                {offset > 0 && (
                  <button type="button" onClick={() => setQuery({ kind, offset: String(Math.max(0, offset - PAGE)) })}>
                    Newer
                  </button>
                )}
                <span>
                  {offset + 1}–{offset + alerts.length} of {total}
                </span>
                {offset + alerts.length < total && (
                  <button type="button" onClick={() => setQuery({ kind, offset: String(offset + PAGE) })}>
                    Older
                  </button>
                )}
              </nav>
            </>
          );
        }}
      </Load>
    </>
  );
}
