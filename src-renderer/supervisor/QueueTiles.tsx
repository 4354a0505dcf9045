// One tile per queue: calls waiting now and the longest wait, service level and abandon rate
// today, each with its band as colour AND a symbol and a word. A tile opens the queue's calls.
import type { QueueStat } from '../../src-shared/supervisor/stats';
import { useT } from '../i18n';
import { abandonBand, clock, percent, slBand, waitBand } from './figures';

export function QueueTiles({ queues, onOpen }: { queues: readonly QueueStat[]; onOpen: (queue: string) => void }) {
  const t = useT();
  if (!queues.length) return <p className="muted" data-testid="queues-empty">{t('queues.none')}</p>;
  return (
    <ul className="queue-tiles" aria-label={t('queues.tiles')}>
      {queues.map((q) => {
        const sl = slBand(q.serviceLevelPct);
        const ab = abandonBand(q.abandonRatePct);
        const wait = waitBand(q);
        return (
          <li key={q.queue}>
            <button
              type="button"
              className="queue-tile"
              data-testid="queue-tile"
              data-queue={q.queue}
              data-waiting={q.waiting}
              data-sl={q.serviceLevelPct ?? ''}
              data-band={sl.band}
              aria-label={t('queues.tile.open', { queue: q.label })}
              onClick={() => onOpen(q.queue)}
            >
              <span className="tile-name">{q.label}</span>
              <span className="tile-figures">
                <span className={`tile-figure band-${wait === 'bad' ? 'bad' : 'none'}`}>
                  <span className="tile-value" data-testid="tile-waiting">{q.waiting}</span>
                  <span className="tile-label">{t('queues.waiting')}</span>
                </span>
                <span className={`tile-figure band-${wait === 'bad' ? 'bad' : 'none'}`}>
                  <span className="tile-value">{q.waiting ? clock(q.longestWaitS) : '—'}</span>
                  <span className="tile-label">
                    {t('queues.longestWait')}
                    {wait === 'bad' && <span className="band-word"> ✕ {t('queues.overTarget', { s: q.slSeconds })}</span>}
                  </span>
                </span>
                <span className={`tile-figure band-${sl.band}`}>
                  <span className="tile-value" data-testid="tile-sl">{percent(q.serviceLevelPct)}</span>
                  <span className="tile-label">
                    {t('queues.serviceLevel', { s: q.slSeconds })}
                    <span className="band-word" data-testid="tile-sl-word"> {sl.symbol} {t(sl.word)}</span>
                  </span>
                </span>
                <span className={`tile-figure band-${ab.band}`}>
                  <span className="tile-value" data-testid="tile-abandon">{percent(q.abandonRatePct)}</span>
                  <span className="tile-label">
                    {t('queues.abandonRate')}
                    <span className="band-word"> {ab.symbol} {t(ab.word)}</span>
                  </span>
                </span>
              </span>
              <span className="tile-foot">
                {t('queues.tile.counts', { offered: q.offered, answered: q.answered, abandoned: q.abandoned, timedOut: q.timedOut })}
                {' · '}
                {t('queues.tile.agents', { available: q.agents.available, busy: q.agents.onCall + q.agents.ringing + q.agents.wrapUp, onBreak: q.agents.break })}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
