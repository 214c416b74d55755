/** The signed-in layout: navigation, the user and role, and the page for the current path. */
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { AlertsPage } from './pages/alerts.js';
import { AuditPage } from './pages/audit.js';
import { ImagePage } from './pages/image.js';
import { ImagesPage } from './pages/images.js';
import { OverviewPage } from './pages/overview.js';
import { PoliciesPage, PolicyPage } from './pages/policies.js';
import { RegistriesPage } from './pages/registries.js';
import { RuntimePage } from './pages/runtime.js';
import { usePath } from './router.js';
import { clearSession, type Me } from './session.js';

const NAV: Array<[string, string]> = [
  ['/', 'Overview'],
  ['/images', 'Images'],
  ['/policies', 'Policies'],
  ['/registries', 'Registries'],
  ['/alerts', 'Alerts'],
  ['/runtime', 'Runtime'],
  ['/audit', 'Audit log'],
];

function page(path: string): { title: string; body: ComponentChildren } {
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second] = segments;
  if (!first) return { title: 'Overview', body: <OverviewPage /> };
  if (first === 'images' && second) return { title: 'Image', body: <ImagePage key={second} digest={second} /> };
  if (first === 'images') return { title: 'Images', body: <ImagesPage /> };
  if (first === 'policies' && second) return { title: `Policy ${second}`, body: <PolicyPage key={second} name={second} /> };
  if (first === 'policies') return { title: 'Policies', body: <PoliciesPage /> };
  if (first === 'registries') return { title: 'Registries', body: <RegistriesPage /> };
  if (first === 'alerts') return { title: 'Alerts', body: <AlertsPage /> };
  if (first === 'runtime') return { title: 'Runtime', body: <RuntimePage /> };
  if (first === 'audit') return { title: 'Audit log', body: <AuditPage /> };
  return { title: 'Not found', body: <h1>No such page</h1> };
}

export function App({ user }: { user: Me }) {
  const { path } = usePath();
  const current = page(path);
  useEffect(() => {
    document.title = `${current.title} · Bulkhead`;
  }, [current.title]);
  return (
    <>
      <header>
        <a href="/" class="brand">
          Bulkhead
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([href, label]) => {
              const active = href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
              return (
                <li key={href}>
                  <a href={href} aria-current={active ? 'page' : undefined}>
                    {label}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
        <p class="who">
          Signed in as <strong>{user.name}</strong> (<span data-testid="role">{user.role}</span>){' '}
          <button type="button" onClick={clearSession}>
            Sign out
          </button>
        </p>
      </header>
      <main>{current.body}</main>
    </>
  );
}
