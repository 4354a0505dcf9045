// Calls waiting (the peak of each quarter hour, bars) and service level (%, line) through today,
// drawn with uPlot (small, canvas, no dependencies). The figures are also written out as text
// for screen readers (the canvas itself is hidden from them).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useLang, useT } from '../i18n';
import type { ChartSeries } from './figures';

const WAITING = '#1d4ed8';
const SL = '#116b3a';

export function QueueChart({ series, width }: { series: ChartSeries; width: number }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const widthNow = useRef(width);
  widthNow.current = width;

  useEffect(() => {
    if (!box.current) return;
    const opts: uPlot.Options = {
      width: Math.max(320, widthNow.current),
      height: 220,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      // half a quarter hour of room each side: the first and the current bar are drawn whole
      scales: { x: { time: true, range: (_u, min, max) => [min - 450, max + 450] }, n: { range: (_u, _min, max) => [0, Math.max(3, Math.ceil(max ?? 0))] }, pct: { range: [0, 100] } },
      axes: [
        // hours in the UI language (uPlot's own labels are English: 9:15pm)
        { stroke: '#334155', grid: { stroke: '#e5e9ef' }, values: (_u, v) => v.map((x) => new Date(x * 1000).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' })) },
        { scale: 'n', label: t('queues.chart.waiting'), stroke: WAITING, grid: { stroke: '#e5e9ef' }, values: (_u, v) => v.map((x) => (Number.isInteger(x) ? String(x) : '')) },
        { scale: 'pct', side: 1, label: t('queues.chart.sl'), stroke: SL, grid: { show: false }, values: (_u, v) => v.map((x) => `${x}%`) },
      ],
      series: [
        {},
        { label: t('queues.chart.waiting'), scale: 'n', stroke: WAITING, fill: 'rgba(29, 78, 216, 0.18)', width: 1, paths: uPlot.paths.bars!({ size: [0.7, 24] }), points: { show: false } },
        { label: t('queues.chart.sl'), scale: 'pct', stroke: SL, width: 2.5, dash: [6, 3], spanGaps: true, points: { show: true, size: 5 } },
      ],
    };
    const u = new uPlot(opts, [series.x, series.waiting, series.sl], box.current);
    plot.current = u;
    return () => {
      u.destroy();
      plot.current = null;
    };
    // rebuilt on a new series or language; size changes below
  }, [series, t, lang]);

  useEffect(() => {
    plot.current?.setSize({ width: Math.max(320, width), height: 220 });
  }, [width]);

  const last = series.x.length - 1;
  return (
    <div className="queue-chart" data-testid="queue-chart" data-points={series.x.length}>
      <div ref={box} aria-hidden="true" />
      <p className="sr-only">
        {series.x.length === 0
          ? t('queues.chart.empty')
          : t('queues.chart.summary', { peak: Math.max(...series.waiting), offered: series.offered.reduce((a, b) => a + b, 0), last: series.sl[last] === null ? '—' : `${series.sl[last]}%` })}
      </p>
      {series.x.length === 0 && <p className="muted small">{t('queues.chart.empty')}</p>}
    </div>
  );
}
