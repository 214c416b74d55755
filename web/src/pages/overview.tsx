/**
 * Risk overview: images by their worst severity, fixable counts, and the 30-day trend
 * (GET /api/v1/summary).
 */
import { useMemo } from 'preact/hooks';
import { Load, SEVERITIES } from '../components/status.js';
import { TrendChart, type TrendSeries } from '../components/trend-chart.js';
import { useApi } from '../components/use-api.js';
import type { Summary } from './summary-shape.js';

const COLORS: Record<string, string> = { critical: '#8b0000', high: '#d2451e', medium: '#d89a00', low: '#3b7dd8', images: '#333' };

export function OverviewPage() {
  const state = useApi<Summary>('/summary');
  return (
    <>
      <h1>Risk overview</h1>
      <Load state={state}>{(summary) => <Overview summary={summary} />}</Load>
    </>
  );
}

function Overview({ summary }: { summary: Summary }) {
  const series = useMemo<TrendSeries>(() => {
    // findings per severity that matter most, and the estate's size, per day
    const keys = Object.keys(COLORS);
    return {
      days: summary.trend.map((p) => Math.floor(Date.parse(`${p.date}T00:00:00Z`) / 1000)),
      lines: keys.map((k) => ({ label: k === 'images' ? 'images' : `${k} findings`, color: COLORS[k]!, values: summary.trend.map((p) => (typeof p[k] === 'number' ? (p[k] as number) : null)) })),
    };
  }, [summary]);
  return (
    <>
      <section aria-labelledby="h-by-severity">
        <h2 id="h-by-severity">Images by worst severity</h2>
        <table class="counts">
          <thead>
            <tr>
              <th scope="col">Worst severity</th>
              <th scope="col">Images</th>
            </tr>
          </thead>
          <tbody>
            {[...SEVERITIES, 'none'].map((s) => (
              <tr key={s}>
                <th scope="row">
                  <a href={`/images?severity=${s}`} class={`badge sev-${s}`}>
                    {s}
                  </a>
                </th>
                <td data-severity={s}>{summary.byWorstSeverity[s] ?? 0}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td>{summary.images}</td>
            </tr>
          </tfoot>
        </table>
      </section>
      <section aria-labelledby="h-fixable">
        <h2 id="h-fixable">Fixable</h2>
        <dl class="facts">
          <div>
            <dt>Fixable vulnerabilities</dt>
            <dd data-testid="fixable-findings">{summary.fixable.findings}</dd>
          </div>
          <div>
            <dt>Images with a fix available</dt>
            <dd data-testid="fixable-images">
              <a href="/images?fixable=true">{summary.fixable.images}</a>
            </dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="h-trend">
        <h2 id="h-trend">Trend (last 30 days)</h2>
        {series.days.length ? <TrendChart series={series} title="Findings per day" /> : <p>No scans in the last 30 days.</p>}
      </section>
    </>
  );
}
