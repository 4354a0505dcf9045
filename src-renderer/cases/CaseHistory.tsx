// The customer's logged cases in the pop, newest first; "pending sync" until the hub has them.
// Test hooks (contract): case-history-item (data-pending).
import { useId } from 'react';
import { useSettledEffect } from '../app/settle';
import { useT } from '../i18n';
import { useFormat } from '../i18n/useFormat';
import { onDelivered } from '../sync/store';
import { CustomerNotes } from '../notes/CustomerNotes';
import { dispositionLabel, useCases } from './store';

const EXCERPT = 140;

export function CaseHistory({ customerId }: { customerId: string }) {
  const t = useT();
  const f = useFormat();
  const history = useCases((s) => (s.history?.customerId === customerId ? s.history : null));
  const dispositions = useCases((s) => s.dispositions);
  const id = useId();

  // after the pop has settled on this customer (app/settle.ts)
  useSettledEffect(() => {
    void useCases.getState().loadHistory(customerId);
    return onDelivered(() => void useCases.getState().loadHistory(customerId));
  }, [customerId]);

  const items = history?.items ?? [];
  return (
    <section className="activity-card chistory" aria-labelledby={`${id}-title`} data-testid="case-history">
      <h3 id={`${id}-title`} className="card-title">
        {t('history.title')}
        {items.length > 0 && <span className="count">{items.length}</span>}
      </h3>
      {history?.status === 'error' && <p className="case-error">{t('history.failed', { msg: history.error ?? '' })}</p>}
      <ul className="activity-list">
        {items.map((c) => {
          const notes = c.notes.trim().replace(/\s+/g, ' ');
          const accepted = c.offers.filter((o) => o.outcome === 'accepted').length;
          return (
            <li key={c.caseId} className="history-item" data-testid="case-history-item" data-case-id={c.caseId} data-pending={String(c.pending)}>
              <div className="history-head">
                <span className="history-disp">{dispositionLabel(dispositions, c.disposition, f.lang) || '—'}</span>
                <span className="history-date">{f.dateTime(c.submittedAt ?? c.createdAt)}</span>
                {c.pending && <span className="pending-tag" title={t('sync.pendingTitle')}>{t('pending.tag')}</span>}
              </div>
              {notes && <p className="history-notes" title={notes.length > EXCERPT ? c.notes : undefined}>{notes.length > EXCERPT ? `${notes.slice(0, EXCERPT - 1)}…` : notes}</p>}
              {(accepted > 0 || c.followUpDate) && (
                <p className="history-extra">
                  {accepted > 0 && <span>{t('history.accepted', { n: accepted })}</span>}
                  {c.followUpDate && <span>{t('history.followup', { date: f.date(c.followUpDate) })}{c.followUpTask ? ` · ${c.followUpTask}` : ''}</span>}
                </p>
              )}
            </li>
          );
        })}
        {history?.status === 'done' && items.length === 0 && <li className="activity-empty muted">{t('history.empty')}</li>}
      </ul>
    </section>
  );
}

/** History and notes side by side, between the money cards and the purchases. */
export function CustomerActivity({ customerId }: { customerId: string }) {
  return (
    <div className="activity">
      <CaseHistory customerId={customerId} />
      <CustomerNotes customerId={customerId} />
    </div>
  );
}
