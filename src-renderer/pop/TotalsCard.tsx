import type { Totals } from '../../src-shared/pop/schema';
import { useT } from '../i18n';
import { useFormat } from '../i18n/useFormat';

export function TotalsCard({ totals, fallbackCurrency, pending = false }: { totals: Totals; fallbackCurrency: string | null; pending?: boolean }) {
  const t = useT();
  const f = useFormat();
  const cur = totals.currency ?? fallbackCurrency;
  return (
    <section className="card card-totals" aria-labelledby="totals-title" data-testid="pop-totals" data-pending={pending || undefined}>
      <h3 id="totals-title" className="card-title">{t('totals.title')}</h3>
      {pending ? (
        // Zeros here would read as "never bought anything": say the history is on its way instead.
        <p className="card-empty">{t('purchases.pending')}</p>
      ) : (
        <>
          <div className="figure">
            <span className="figure-label">{t('totals.lifetime')}</span>
            <span className="figure-value" data-amount={totals.lifetimeValue}>
              {f.money(totals.lifetimeValue, cur)}
            </span>
          </div>
          <dl className="facts">
            <dt>{t('totals.last12')}</dt>
            <dd className="num" data-amount={totals.last12Months}>{f.money(totals.last12Months, cur)}</dd>
            <dt>{t('totals.orders')}</dt>
            <dd className="num" data-count={totals.orderCount}>{f.number(totals.orderCount)}</dd>
            <dt>{t('totals.last')}</dt>
            <dd>{totals.lastPurchaseAt ? f.date(totals.lastPurchaseAt) : <span className="muted">{t('totals.never')}</span>}</dd>
            <dt>{t('totals.first')}</dt>
            <dd>{totals.firstPurchaseAt ? f.date(totals.firstPurchaseAt) : <span className="muted">{t('totals.never')}</span>}</dd>
          </dl>
        </>
      )}
    </section>
  );
}
