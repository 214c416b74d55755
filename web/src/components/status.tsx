/** Small pieces every page uses: errors in place, loading text, severity and status badges. */
import type { ComponentChildren } from 'preact';
import type { Loaded } from './use-api.js';

export function ErrorBox({ error }: { error: Error | undefined }) {
  if (!error) return null;
  return (
    <p role="alert" class="error">
      {error.message}
    </p>
  );
}

/** Renders the error, a loading line, or the children with the data. */
export function Load<T>({ state, children }: { state: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (state.error) return <ErrorBox error={state.error} />;
  if (state.data === undefined) return <p aria-busy="true">Loading…</p>;
  return <>{children(state.data)}</>;
}

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const;

export function Severity({ value }: { value: string | null | undefined }) {
  const v = value ?? 'none';
  return <span class={`badge sev-${v}`}>{v}</span>;
}

export function Status({ value }: { value: string | null | undefined }) {
  const v = value ?? 'unknown';
  return <span class={`badge st-${v}`}>{v}</span>;
}

export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').slice(0, 19);
}
