// "Offer next": the pop's top 3 offers, best first, service actions (settle the overdue amount)
// first and set apart. The agent marks each one Accepted / Declined / Not interested; the marks go
// with the case when it is submitted.
// Test hooks (contract): offer (data-sku, data-kind), offer-accept, offer-decline, offer-not-interested.
import type { OfferOutcomeKind } from '../../src-shared/cases/schema';
import { SERVICE_CREDIT_REVIEW, SERVICE_SETTLE_OVERDUE, type Offer, type OfferKind } from '../../src-shared/offers/schema';
import type { Pop } from '../../src-shared/pop/schema';
import { useT, type StringKey } from '../i18n';
import { useFormat } from '../i18n/useFormat';
import { useCases } from '../cases/store';
import './offers.css';

const KIND_KEY: Record<OfferKind, StringKey> = {
  cross_sell: 'offer.kind.cross_sell',
  up_sell: 'offer.kind.up_sell',
  service: 'offer.kind.service',
};

const SERVICE_NAME: Record<string, StringKey> = {
  [SERVICE_SETTLE_OVERDUE]: 'offer.service.settleOverdue',
  [SERVICE_CREDIT_REVIEW]: 'offer.service.creditReview',
};

const OUTCOMES: { outcome: OfferOutcomeKind; key: StringKey; testId: string }[] = [
  { outcome: 'accepted', key: 'offer.accept', testId: 'offer-accept' },
  { outcome: 'declined', key: 'offer.decline', testId: 'offer-decline' },
  { outcome: 'not_interested', key: 'offer.notInterested', testId: 'offer-not-interested' },
];

/** Service actions first (the host already orders them so; kept here so the UI never depends on it). */
export function orderOffers(offers: readonly Offer[]): Offer[] {
  return [...offers.filter((o) => o.kind === 'service'), ...offers.filter((o) => o.kind !== 'service')].slice(0, 3);
}

export function OffersCard({ pop }: { pop: Pop }) {
  const t = useT();
  const f = useFormat();
  const current = useCases((s) => s.current);
  const choices = useCases((s) => s.choices);
  const setChoice = useCases((s) => s.setChoice);
  const offers = orderOffers(pop.offers);
  if (offers.length === 0) return null;

  const caseForThis = current && current.customerId === pop.customer.customerId ? current : null;
  const locked = !caseForThis || caseForThis.status === 'submitted';
  const hint = !caseForThis ? t('offer.noCase') : caseForThis.status === 'submitted' ? t('offer.recorded') : t('offer.hint');

  return (
    <section className="offers" aria-labelledby="offers-title" data-testid="offers">
      <header className="offers-head">
        <h3 id="offers-title" className="card-title">{t('offer.title')}</h3>
        <span className="offers-hint muted">{hint}</span>
      </header>
      <ol className="offer-list">
        {offers.map((o, i) => {
          const chosen = caseForThis ? choices[o.sku]?.outcome ?? null : null;
          const name = o.kind === 'service' && SERVICE_NAME[o.sku] ? t(SERVICE_NAME[o.sku]!) : o.productName;
          const reason = f.lang === 'it' ? o.reasonIt || o.reason : o.reason;
          return (
            <li
              key={i /* by position: the next caller's offers reuse these rows (no state per row) */}
              className={`offer offer-${o.kind}${chosen ? ` is-${chosen}` : ''}`}
              data-testid="offer"
              data-sku={o.sku}
              data-kind={o.kind}
              data-outcome={chosen ?? ''}
            >
              <div className="offer-main">
                <span className={`offer-kind kind-${o.kind}`}>{t(KIND_KEY[o.kind])}</span>
                <span className="offer-name" title={o.kind === 'service' ? undefined : o.sku}>{name}</span>
                {o.price !== null && (
                  <span className={`offer-price${o.kind === 'service' ? ' is-due' : ''}`} data-amount={o.price}>
                    {f.money(o.price, o.currency)}
                  </span>
                )}
                {o.basis === 'upfront' && <span className="offer-basis">{t('offer.upfront')}</span>}
              </div>
              <div className="offer-outcomes" role="group" aria-label={t('offer.outcome', { name })}>
                {OUTCOMES.map((b) => (
                  <button
                    key={b.outcome}
                    type="button"
                    className={`offer-btn is-${b.outcome}${chosen === b.outcome ? ' is-on' : ''}`}
                    data-testid={b.testId}
                    aria-pressed={chosen === b.outcome}
                    disabled={locked}
                    onClick={() => setChoice(o.sku, o.kind, chosen === b.outcome ? null : b.outcome)}
                  >
                    {t(b.key)}
                  </button>
                ))}
              </div>
              <p className="offer-reason" data-testid="offer-reason" title={reason}>{reason}</p>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
