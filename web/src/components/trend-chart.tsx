/**
 * The daily trend of the risk overview as a uPlot line chart (canvas). uPlot sets inline styles on
 * its elements, which the CSP allows (style-src 'unsafe-inline'); it never runs inline script.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface TrendSeries {
  /** Unix seconds of each day. */
  days: number[];
  lines: Array<{ label: string; values: Array<number | null>; color: string }>;
}

export function TrendChart({ series, title }: { series: TrendSeries; title: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const width = Math.max(320, Math.min(element.clientWidth || 800, 1000));
    const plot = new uPlot(
      {
        width,
        height: 240,
        title,
        series: [{}, ...series.lines.map((l) => ({ label: l.label, stroke: l.color, width: 2 }))],
        axes: [{}, { label: 'count' }],
        scales: { x: { time: true } },
      },
      [series.days, ...series.lines.map((l) => l.values)],
      element,
    );
    // the canvas gets an accessible name: screen readers cannot read the plot itself
    plot.root.querySelector('canvas')?.setAttribute('aria-label', title);
    plot.root.querySelector('canvas')?.setAttribute('role', 'img');
    return () => plot.destroy();
  }, [series, title]);
  return <div ref={box} class="chart" data-testid="trend-chart" />;
}
