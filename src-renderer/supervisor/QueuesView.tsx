// The supervisor's Queues view: live tiles per queue, today's chart, the agents table and the
// call-back list. Shown in place of the pop (the softphone stays where it is).
import { useEffect, useMemo, useRef, useState } from 'react';
import { useT } from '../i18n';
import { AgentsTable } from './AgentsTable';
import { CallBackList } from './CallBackList';
import { chartSeries } from './figures';
import { QueueCalls } from './QueueCalls';
import { QueueChart } from './QueueChart';
import { QueueTiles } from './QueueTiles';
import { useSupervisor } from './store';
import './supervisor.css';

/** Live figures older than this are called stale (the hub pushes at least every 5 s). */
const STALE_MS = 15_000;

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [w, setW] = useState(600);
  useEffect(() => {
    if (!ref.current) return;
    const ro = new ResizeObserver(([e]) => setW(Math.floor(e!.contentRect.width)));
    ro.observe(ref.current);
    return () => ro.disconnect();
  }, []);
  return [ref, w];
}

export function QueuesView() {
  const t = useT();
  const s = useSupervisor();
  const now = useNow(1000);
  const [chartBox, chartWidth] = useWidth<HTMLDivElement>();
  const series = useMemo(() => chartSeries(s.day?.rows ?? [], s.chartQueue), [s.day, s.chartQueue]);
  const ageS = s.statsAt === null ? null : Math.max(0, Math.floor((now - s.statsAt) / 1000));
  const stale = s.statsAt === null || now - s.statsAt > STALE_MS;
  const queues = s.stats?.queues ?? [];
  const opened = s.queue ? queues.find((q) => q.queue === s.queue) : undefined;

  return (
    <main className="main queues-main" data-testid="queues-view" aria-labelledby="queues-title">
      <div className="queues">
        <div className="queues-head">
          <h2 id="queues-title">{t('queues.title')}</h2>
          <span className={`queues-age${stale ? ' is-stale' : ''}`} role="status" data-testid="queues-age" data-stale={stale}>
            {stale && <span aria-hidden="true">⚠ </span>}
            {ageS === null ? t('queues.age.none') : stale ? t('queues.age.stale', { s: ageS }) : t('queues.age', { s: ageS })}
          </span>
          {s.me?.team && <span className="muted small">{t('queues.team', { team: s.me.team })}</span>}
          <button type="button" className="btn btn-small queues-back" data-testid="queues-back" onClick={() => s.show(false)}>
            {t('queues.back')}
          </button>
        </div>
        {s.error && <p className="queues-error" role="alert" data-testid="queues-error">{t('queues.error', { msg: s.error })}</p>}

        <QueueTiles queues={queues} onOpen={(q) => void s.openQueue(q)} />

        <div className="queues-middle">
          <section className="queues-card" aria-labelledby="chart-title">
            <div className="queues-card-head">
              <h3 id="chart-title">{t('queues.chart.title')}</h3>
              <label className="small">
                {t('queues.filter.queue')}{' '}
                <select data-testid="chart-queue" value={s.chartQueue} onChange={(e) => s.setChartQueue(e.target.value)}>
                  <option value="">{t('queues.filter.all')}</option>
                  {queues.map((q) => <option key={q.queue} value={q.queue}>{q.label}</option>)}
                </select>
              </label>
            </div>
            <div ref={chartBox}>
              <QueueChart series={series} width={chartWidth} />
            </div>
          </section>
          <CallBackList callers={s.abandoned} />
        </div>

        <AgentsTable agents={s.stats?.agents ?? []} queues={queues} elapsedS={ageS ?? 0} />
      </div>
      {s.queue && <QueueCalls label={opened?.label ?? s.queue} calls={s.calls} onClose={() => void s.openQueue(null)} />}
    </main>
  );
}
