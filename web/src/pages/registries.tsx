/** Registries the server watches: list, add (operators), poll now. Secrets are write-only. */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorBox, Load, when } from '../components/status.js';
import { useApi } from '../components/use-api.js';
import { canOperate, me } from '../session.js';
import { useSignal } from '../signal.js';

/** GET /api/v1/registries (src/server/routes/registries.ts): the secret itself is never returned. */
interface RegistryRow {
  id: string;
  name: string;
  url: string;
  username: string | null;
  hasSecret: boolean;
  repositories: string[];
  pollSeconds: number;
  lastPolledAt: string | null;
  lastError: string | null;
}

export function RegistriesPage() {
  const state = useApi<RegistryRow[]>('/registries');
  const user = useSignal(me);
  const [error, setError] = useState<Error>();
  const [notice, setNotice] = useState('');
  const poll = async (id: string) => {
    setError(undefined);
    try {
      await api(`/registries/${encodeURIComponent(id)}/poll`, { method: 'POST' });
      setNotice('Poll started.');
      state.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <>
      <h1>Registries</h1>
      <ErrorBox error={error} />
      {notice && <p role="status">{notice}</p>}
      <Load state={state}>
        {(items) => {
          if (!items.length) return <p>No registries configured.</p>;
          return (
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">URL</th>
                  <th scope="col">Credentials</th>
                  <th scope="col">Repositories</th>
                  <th scope="col">Poll every</th>
                  <th scope="col">Last polled</th>
                  <th scope="col">Last error</th>
                  {canOperate(user) && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {items.map((r) => {
                  const repos = r.repositories;
                  return (
                    <tr key={r.id}>
                      <td>{r.name}</td>
                      <td>{r.url}</td>
                      <td>{r.username ? `${r.username}${r.hasSecret ? ' (secret stored)' : ''}` : 'anonymous'}</td>
                      <td>{repos.length ? repos.join(', ') : 'all'}</td>
                      <td>{r.pollSeconds} s</td>
                      <td>{when(r.lastPolledAt)}</td>
                      <td>{r.lastError ?? '—'}</td>
                      {canOperate(user) && (
                        <td>
                          <button type="button" onClick={() => void poll(r.id)}>
                            Poll {r.name} now
                          </button>
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          );
        }}
      </Load>
      {canOperate(user) && <AddRegistry onAdded={state.reload} />}
    </>
  );
}

function AddRegistry({ onAdded }: { onAdded(): void }) {
  const [error, setError] = useState<Error>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const text = (key: string) => String(form.get(key) ?? '').trim();
    const repositories = text('repositories')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    setError(undefined);
    try {
      await api('/registries', {
        method: 'POST',
        body: {
          name: text('name'),
          url: text('url'),
          ...(text('username') ? { username: text('username'), password: text('password') } : {}),
          repositories,
          ...(text('poll') ? { pollSeconds: Number(text('poll')) } : {}),
        },
      });
      formElement.reset();
      onAdded();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <section aria-labelledby="h-add-registry">
      <h2 id="h-add-registry">Add a registry</h2>
      <form onSubmit={submit}>
        <label>
          Name <input name="name" required />
        </label>
        <label>
          URL <input name="url" type="url" required placeholder="https://registry.example" />
        </label>
        <label>
          Repositories (comma-separated globs, empty for all) <input name="repositories" />
        </label>
        <label>
          User name <input name="username" autocomplete="off" />
        </label>
        <label>
          Password or token <input name="password" type="password" autocomplete="new-password" />
        </label>
        <label>
          Poll every (seconds) <input name="poll" type="number" min={1} />
        </label>
        <ErrorBox error={error} />
        <button type="submit">Add registry</button>
      </form>
    </section>
  );
}
