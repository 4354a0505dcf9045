// Today's callers who gave up (or were timed out) and have not reached an agent since: click to
// call them back through the softphone's own dial path (the call is recorded like any other).
import { useState } from 'react';
import type { AbandonedCaller } from '../../src-shared/supervisor/stats';
import { useT } from '../i18n';
import { softphone } from '../telephony/softphone';
import { useTelephony } from '../telephony/store';
import { clock } from './figures';

export function CallBackList({ callers }: { callers: readonly AbandonedCaller[] | null }) {
  const t = useT();
  const registered = useTelephony((s) => s.reg.kind === 'registered');
  const [failed, setFailed] = useState<string | null>(null);
  const time = (iso: string) => new Date(iso).toLocaleTimeString(document.documentElement.lang || undefined, { hour: '2-digit', minute: '2-digit' });
  const dial = async (number: string) => {
    setFailed(null);
    if ((await softphone.dial(number)) === null) setFailed(number);
  };
  return (
    <section className="queues-card callback-card" aria-labelledby="callback-title">
      <div className="queues-card-head">
        <h3 id="callback-title">{t('queues.callback')}</h3>
        {callers && <span className="muted small">{t('queues.callback.count', { n: callers.length })}</span>}
      </div>
      {!registered && <p className="muted small">{t('dial.notReady')}</p>}
      {failed && <p className="small is-error" role="alert">{t('queues.callback.failed', { number: failed })}</p>}
      {callers === null ? (
        <p className="muted">…</p>
      ) : callers.length === 0 ? (
        <p className="muted" data-testid="callback-empty">{t('queues.callback.none')}</p>
      ) : (
        <ul className="callback-list" data-testid="callback-list">
          {callers.map((c) => (
            <li key={c.caller} data-testid="callback-item" data-caller={c.caller}>
              <span className="callback-who">
                <span className="callback-number">{c.caller}</span>
                <span className="muted small">
                  {t(c.outcome === 'timedOut' ? 'queues.outcome.timedOut' : 'queues.outcome.abandoned')} {time(c.at)}
                  {c.queue ? ` · ${c.queue}` : ''}
                  {c.waitedS !== null ? ` · ${t('queues.waited', { t: clock(c.waitedS) })}` : ''}
                  {c.attempts > 1 ? ` · ${t('queues.callback.attempts', { n: c.attempts })}` : ''}
                </span>
              </span>
              <button
                type="button"
                className="btn btn-small btn-primary"
                data-testid="callback-dial"
                disabled={!registered}
                aria-label={t('queues.callback.dial', { number: c.caller })}
                onClick={() => void dial(c.caller)}
              >
                {t('queues.callback.call')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
