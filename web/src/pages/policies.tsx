/**
 * Policies and their exceptions: the active YAML of each policy, its versions, and for roles that
 * may operate an editor and an exception form (the API refuses anyway; the buttons are hidden so
 * auditors are not offered what they cannot do).
 */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorBox, Load, when } from '../components/status.js';
import { useApi } from '../components/use-api.js';
import { useSignal } from '../signal.js';
import { canOperate, me } from '../session.js';

interface PolicyRow {
  name: string;
  version: number;
  created_at: string;
  created_by: string;
}
interface PolicyDetail extends PolicyRow {
  yaml: string;
  policy?: { exceptions?: Array<{ images: string[]; rules?: string[]; findings?: string[]; reason: string; owner: string; expires: string }> };
}

export function PoliciesPage() {
  const state = useApi<PolicyRow[]>('/policies');
  const user = useSignal(me);
  return (
    <>
      <h1>Policies</h1>
      <Load state={state}>
        {(rows) =>
          rows.length ? (
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Version</th>
                  <th scope="col">Changed</th>
                  <th scope="col">By</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((p) => (
                  <tr key={p.name}>
                    <td>
                      <a href={`/policies/${encodeURIComponent(p.name)}`}>{p.name}</a>
                    </td>
                    <td>{p.version}</td>
                    <td>{when(p.created_at)}</td>
                    <td>{p.created_by}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>No policies yet.</p>
          )
        }
      </Load>
      {canOperate(user) && <NewPolicy onSaved={state.reload} />}
    </>
  );
}

function NewPolicy({ onSaved }: { onSaved(): void }) {
  const [name, setName] = useState('');
  return (
    <section aria-labelledby="h-new-policy">
      <h2 id="h-new-policy">New policy</h2>
      <label>
        Name <input name="policy-name" value={name} onInput={(e) => setName(e.currentTarget.value)} pattern="[A-Za-z0-9._-]{1,64}" />
      </label>
      {name && <PolicyEditor name={name} initial={'version: 1\n'} onSaved={onSaved} />}
    </section>
  );
}

export function PolicyPage({ name }: { name: string }) {
  const state = useApi<PolicyDetail>(`/policies/${encodeURIComponent(name)}`);
  const user = useSignal(me);
  const [editing, setEditing] = useState(false);
  return (
    <>
      <h1>Policy {name}</h1>
      <Load state={state}>
        {(policy) => (
          <>
            <p>
              Version {policy.version}, changed {when(policy.created_at)} by {policy.created_by}
            </p>
            {editing ? (
              <PolicyEditor
                name={name}
                initial={policy.yaml}
                onSaved={() => {
                  setEditing(false);
                  state.reload();
                }}
              />
            ) : (
              <>
                <pre aria-label="Policy YAML" class="yaml">
                  {policy.yaml}
                </pre>
                {canOperate(user) && (
                  <button type="button" onClick={() => setEditing(true)}>
                    Edit policy
                  </button>
                )}
              </>
            )}
            <section aria-labelledby="h-exceptions">
              <h2 id="h-exceptions">Exceptions</h2>
              {policy.policy?.exceptions?.length ? (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Images</th>
                      <th scope="col">Rules / findings</th>
                      <th scope="col">Reason</th>
                      <th scope="col">Owner</th>
                      <th scope="col">Expires</th>
                    </tr>
                  </thead>
                  <tbody>
                    {policy.policy.exceptions.map((x, i) => (
                      <tr key={i}>
                        <td>{x.images.join(', ')}</td>
                        <td>{[...(x.rules ?? []), ...(x.findings ?? [])].join(', ') || 'all'}</td>
                        <td>{x.reason}</td>
                        <td>{x.owner}</td>
                        <td>{x.expires}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <p>No exceptions.</p>
              )}
              {canOperate(user) && <ExceptionForm name={name} owner={user?.name ?? ''} onSaved={state.reload} />}
            </section>
          </>
        )}
      </Load>
    </>
  );
}

function PolicyEditor({ name, initial, onSaved }: { name: string; initial: string; onSaved(): void }) {
  const [text, setText] = useState(initial);
  const [error, setError] = useState<Error>();
  const save = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api(`/policies/${encodeURIComponent(name)}`, { method: 'PUT', text: { body: text, type: 'text/yaml' } });
      onSaved();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form onSubmit={save}>
      <label>
        Policy YAML
        <textarea name="yaml" rows={18} cols={80} value={text} onInput={(e) => setText(e.currentTarget.value)} spellcheck={false} />
      </label>
      <ErrorBox error={error} />
      <button type="submit">Save policy</button>
    </form>
  );
}

function ExceptionForm({ name, owner, onSaved }: { name: string; owner: string; onSaved(): void }) {
  const [error, setError] = useState<Error>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const list = (key: string) =>
      String(form.get(key) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    setError(undefined);
    try {
      const findings = list('findings');
      const rules = list('rules');
      await api(`/policies/${encodeURIComponent(name)}/exceptions`, {
        method: 'POST',
        body: { images: list('images'), ...(rules.length ? { rules } : {}), ...(findings.length ? { findings } : {}), reason: form.get('reason'), owner: form.get('owner'), expires: form.get('expires') },
      });
      (event.currentTarget as HTMLFormElement | null)?.reset();
      onSaved();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form onSubmit={submit} aria-labelledby="h-add-exception">
      <h3 id="h-add-exception">Add an exception</h3>
      <label>
        Images (comma-separated patterns) <input name="images" required />
      </label>
      <label>
        Rules <input name="rules" />
      </label>
      <label>
        Findings (ids) <input name="findings" />
      </label>
      <label>
        Reason <input name="reason" required />
      </label>
      <label>
        Owner <input name="owner" required value={owner} />
      </label>
      <label>
        Expires <input name="expires" type="date" required />
      </label>
      <ErrorBox error={error} />
      <button type="submit">Add exception</button>
    </form>
  );
}
