/** The dashboard's entry: restores the session, then shows the login form or the app. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { App } from './app.js';
import { LoginPage } from './pages/login.js';
import { getToken, me, type Me } from './session.js';
import { useSignal } from './signal.js';
import './style.css';

function Root() {
  const user = useSignal(me);
  const [checking, setChecking] = useState(() => getToken() !== undefined && me.get() === undefined);
  useEffect(() => {
    if (!checking) return;
    api<Me>('/me').then(
      (m) => {
        me.set(m);
        setChecking(false);
      },
      () => setChecking(false),
    );
  }, [checking]);
  if (checking) return <p aria-busy="true">Loading…</p>;
  return user ? <App user={user} /> : <LoginPage />;
}

render(<Root />, document.getElementById('app')!);
