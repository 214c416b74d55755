/**
 * Client-side routing with the History API: the server answers every non-API GET with index.html,
 * so a reload or a shared link lands on the same page. Links are plain <a href> intercepted here.
 */
import { signal, useSignal } from './signal.js';

export const location = signal(window.location.pathname + window.location.search);

export function navigate(to: string): void {
  if (to === location.get()) return;
  window.history.pushState(null, '', to);
  location.set(to);
  window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => location.set(window.location.pathname + window.location.search));

// same-origin links navigate without a reload (modified clicks keep the browser's behaviour)
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin || url.pathname.startsWith('/api/')) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});

export function usePath(): { path: string; params: URLSearchParams } {
  const full = useSignal(location);
  const [path, search] = full.split('?') as [string, string | undefined];
  return { path, params: new URLSearchParams(search ?? '') };
}

/** Replaces the query string (filters) without a new history entry. */
export function setQuery(params: Record<string, string | undefined>): void {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  const to = window.location.pathname + (text ? `?${text}` : '');
  window.history.replaceState(null, '', to);
  location.set(to);
}
