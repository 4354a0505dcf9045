import type { Credit, CreditStatus } from '../../src-shared/pop/schema';
import { useT, type StringKey } from '../i18n';
import { useFormat } from '../i18n/useFormat';
import { AlertIcon, BlockIcon } from '../app/icons';

export const statusKey = (s: CreditStatus): StringKey => `credit.status.${s}`;

export function CreditStatusBadge({ status }: { status: CreditStatus }) {
  const t = useT();
  return (
    <span className={`badge badge-${status}`} data-testid="pop-credit-status" data-status={status}>
      {t(statusKey(status))}
    </span>
  );
}

export function CreditCard({ credit }: { credit: Credit | null }) {
  const t = useT();
  const f = useFormat();
  if (!credit) {
    return (
      <section className="card card-credit" aria-labelledby="credit-title">
        <h3 id="credit-title" className="card-title">{t('credit.title')}</h3>
        <p className="card-empty">{t('credit.none')}</p>
      </section>
    );
  }
  const negative = credit.available < 0;
  // On hold or blocked nothing may be bought on credit, whatever the limit leaves: the card's
  // figure says so in words with an icon (red, a hatched full meter: colour is never the only
  // signal), and what the limit would leave is a note below; limit and used stay as facts.
  const frozen = credit.status === 'hold' || credit.status === 'blocked';
  const FrozenIcon = credit.status === 'blocked' ? BlockIcon : AlertIcon;
  const used = credit.creditLimit - credit.available;
  const pct = frozen ? 100 : credit.creditLimit > 0 ? Math.max(0, Math.min(100, (used / credit.creditLimit) * 100)) : used > 0 ? 100 : 0;
  const alert = negative || frozen;
  return (
    <section className={`card card-credit${alert ? ' is-alert' : ''}`} aria-labelledby="credit-title">
      <h3 id="credit-title" className="card-title">
        {t('credit.title')}
        <CreditStatusBadge status={credit.status} />
      </h3>
      <div className={`figure${frozen ? ' is-frozen' : ''}`}>
        {/* frozen, the figure says it all: no "Available" label above "No credit available" */}
        {!frozen && (
          <span className="figure-label">
            {t('credit.available')}
            {negative && <span className="tag tag-red">{t('credit.overLimit')}</span>}
          </span>
        )}
        <span className={`figure-line${frozen ? ' is-frozen' : ''}`}>
          {frozen && <FrozenIcon className="figure-icon" size={22} strokeWidth={2.5} aria-hidden="true" />}
          <span
            className={`figure-value${negative || frozen ? ' is-negative' : ''}`}
            data-testid="pop-credit-available"
            data-amount={frozen ? 0 : credit.available}
            data-currency={credit.currency}
            data-frozen={frozen ? credit.status : undefined}
          >
            {frozen ? t(credit.status === 'blocked' ? 'credit.frozen.blocked' : 'credit.frozen.hold') : f.money(credit.available, credit.currency)}
          </span>
        </span>
        {frozen && (
          <span className="figure-note" data-testid="pop-credit-frozen-note">
            {t(credit.status === 'blocked' ? 'credit.frozenNote.blocked' : 'credit.frozenNote.hold')}{' '}
            {t(negative ? 'credit.frozenNote.over' : 'credit.frozenNote.left', { amount: f.money(Math.abs(credit.available), credit.currency) })}
          </span>
        )}
      </div>
      <div
        className={`meter${frozen ? ' is-frozen' : pct >= 100 ? ' is-full' : pct >= 80 ? ' is-high' : ''}`}
        data-testid="pop-credit-meter"
        data-frozen={frozen ? credit.status : undefined}
        role="meter"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(pct)}
        aria-valuetext={frozen ? t(credit.status === 'blocked' ? 'credit.frozen.blocked' : 'credit.frozen.hold') : undefined}
        aria-label={t('credit.limit')}
      >
        <span className="meter-fill" style={{ width: `${pct}%` }} />
      </div>
      <dl className="facts">
        <dt>{t('credit.limit')}</dt>
        <dd className="num" data-testid="pop-credit-limit">{f.money(credit.creditLimit, credit.currency)}</dd>
        <dt>{t('credit.used')}</dt>
        <dd className="num" data-testid="pop-credit-used">{f.money(used, credit.currency)}</dd>
        <dt>{t('credit.terms')}</dt>
        <dd>{credit.paymentTerms || '—'}</dd>
        <dt>{t('credit.risk')}</dt>
        <dd>{credit.riskClass || '—'}</dd>
        {credit.reviewedAt && (
          <>
            <dt>{t('credit.reviewed')}</dt>
            <dd className="muted">{f.date(credit.reviewedAt)}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
