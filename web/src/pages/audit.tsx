/** The audit log in order, a page at a time, with the hash chain's verification (GET /api/v1/audit/verify). */
import { query } from '../api.js';
import { Load, when } from '../components/status.js';
import { useApi } from '../components/use-api.js';
import { setQuery, usePath } from '../router.js';

interface AuditRow {
  seq: number;
  time: string;
  actor: string;
  action: string;
  target: string;
  details: string;
  outcome: string;
}
interface Verification {
  ok: boolean;
  rows: number;
  brokenAt?: number;
  reason?: string;
}

const PAGE = 200;

export function AuditPage() {
  const { params } = usePath();
  const after = Number(params.get('after') ?? 0) || 0;
  const verify = useApi<Verification>('/audit/verify');
  const rows = useApi<AuditRow[]>(`/audit${query({ after, limit: PAGE })}`);
  return (
    <>
      <h1>Audit log</h1>
      <section aria-labelledby="h-verify">
        <h2 id="h-verify">Hash chain</h2>
        <Load state={verify}>
          {(v) =>
            v.ok ? (
              <p role="status" class="ok">
                The audit chain verifies: {v.rows} entries, none changed or missing.
              </p>
            ) : (
              <p role="alert" class="error">
                The audit chain is broken at entry {v.brokenAt}: {v.reason}
              </p>
            )
          }
        </Load>
      </section>
      <section aria-labelledby="h-entries">
        <h2 id="h-entries">Entries</h2>
        <Load state={rows}>
          {(entries) => (
            <>
              <table aria-label="Audit entries">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Time</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Target</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((e) => (
                    <tr key={e.seq} class={e.outcome === 'denied' ? 'denied' : ''}>
                      <td>{e.seq}</td>
                      <td>{when(e.time)}</td>
                      <td>{e.actor}</td>
                      <td>{e.action}</td>
                      <td>{e.target}</td>
                      <td>{e.outcome}</td>
                      <td>
                        <code>{e.details === '{}' ? '' : e.details}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <nav aria-label="Pages" class="pager">
                {after > 0 && (
                  <button type="button" onClick={() => setQuery({ after: String(Math.max(0, after - PAGE)) || undefined })}>
                    Earlier
                  </button>
                )}
                {entries.length === PAGE && (
                  <button type="button" onClick={() => setQuery({ after: String(entries[entries.length - 1]!.seq) })}>
                    Later
                  </button>
                )}
              </nav>
            </>
          )}
        </Load>
      </section>
    </>
  );
}
