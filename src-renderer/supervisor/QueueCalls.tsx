// The day's calls of one queue (a tile was opened), in a modal dialog: when each entered, who
// answered, how long the caller waited, how it ended.
import { useEffect, useRef } from 'react';
import type { CallOutcome, QueueCall } from '../../src-shared/supervisor/stats';
import { useT, type StringKey } from '../i18n';
import { clock } from './figures';

const OUTCOME: Record<CallOutcome, { key: StringKey; symbol: string }> = {
  answered: { key: 'queues.outcome.answered', symbol: '✓' },
  abandoned: { key: 'queues.outcome.abandoned', symbol: '✕' },
  timedOut: { key: 'queues.outcome.timedOut', symbol: '✕' },
  waiting: { key: 'queues.outcome.waiting', symbol: '…' },
  ended: { key: 'queues.outcome.ended', symbol: '–' },
};

export function QueueCalls({ label, calls, onClose }: { label: string; calls: readonly QueueCall[] | null; onClose: () => void }) {
  const t = useT();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);
  const time = (iso: string) => new Date(iso).toLocaleTimeString(document.documentElement.lang || undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return (
    <dialog ref={dialog} className="queue-calls" data-testid="queue-calls" aria-labelledby="queue-calls-title" onClose={onClose}>
      <div className="queues-card-head">
        <h3 id="queue-calls-title">{t('queues.calls.title', { queue: label })}</h3>
        <button type="button" className="btn btn-small" data-testid="queue-calls-close" onClick={() => dialog.current?.close()}>
          {t('queues.calls.close')}
        </button>
      </div>
      {calls === null ? (
        <p className="muted">…</p>
      ) : calls.length === 0 ? (
        <p className="muted">{t('queues.calls.none')}</p>
      ) : (
        <div className="table-scroll">
          <table className="calls-table">
            <caption className="sr-only">{t('queues.calls.title', { queue: label })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('queues.calls.entered')}</th>
                <th scope="col">{t('queues.calls.caller')}</th>
                <th scope="col">{t('queues.calls.outcome')}</th>
                <th scope="col">{t('queues.calls.answeredBy')}</th>
                <th scope="col" className="num">{t('queues.calls.waited')}</th>
              </tr>
            </thead>
            <tbody>
              {calls.map((c) => (
                <tr key={c.callId} data-testid="queue-call" data-outcome={c.outcome}>
                  <td>{time(c.entered)}</td>
                  <td>{c.caller ?? t('queues.calls.withheld')}</td>
                  <td className={`outcome outcome-${c.outcome}`}>
                    <span aria-hidden="true">{OUTCOME[c.outcome].symbol} </span>
                    {t(OUTCOME[c.outcome].key)}
                    {c.transferred ? ` · ${t('queues.calls.transferred')}` : ''}
                  </td>
                  <td>{c.answeredBy ?? '—'}</td>
                  <td className="num">{clock(c.waitedS)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </dialog>
  );
}
