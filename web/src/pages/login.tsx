/** Sign in with a name and password (POST /api/v1/login) or by pasting an API token. */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorBox } from '../components/status.js';
import { me, setToken, type Me } from '../session.js';

export function LoginPage() {
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const finish = async (token: string) => {
    const user = await api<Me>('/me', { token });
    setToken(token);
    me.set(user);
  };
  const run = (work: () => Promise<void>) => async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const withPassword = run(async () => {
    const form = new FormData(document.getElementById('login-password') as HTMLFormElement);
    const result = await api<{ token: string }>('/login', { method: 'POST', body: { name: form.get('name'), password: form.get('password') }, token: '' });
    await finish(result.token);
  });
  const withToken = run(async () => {
    const form = new FormData(document.getElementById('login-token') as HTMLFormElement);
    await finish(String(form.get('token') ?? '').trim());
  });

  return (
    <main class="login">
      <h1>Bulkhead</h1>
      <ErrorBox error={error} />
      <section aria-labelledby="h-password">
        <h2 id="h-password">Sign in with a password</h2>
        <form id="login-password" onSubmit={withPassword}>
          <label>
            Name <input name="name" autocomplete="username" required />
          </label>
          <label>
            Password <input name="password" type="password" autocomplete="current-password" required />
          </label>
          <button type="submit" disabled={busy}>
            Sign in
          </button>
        </form>
      </section>
      <section aria-labelledby="h-token">
        <h2 id="h-token">Or use an API token</h2>
        <form id="login-token" onSubmit={withToken}>
          <label>
            API token <input name="token" type="password" autocomplete="off" required />
          </label>
          <button type="submit" disabled={busy}>
            Use token
          </button>
        </form>
      </section>
    </main>
  );
}
