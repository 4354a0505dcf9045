// One customer at a glance: who (header), money and credit (cards), what they bought (table).
import { memo } from 'react';
import type { Pop } from '../../src-shared/pop/schema';
import { useT } from '../i18n';
import { useFormat } from '../i18n/useFormat';
import { AccountCard } from './AccountCard';
import { CreditBanner } from './CreditBanner';
import { CreditCard } from './CreditCard';
import { PurchaseTable } from './PurchaseTable';
import { TotalsCard } from './TotalsCard';
import { displayPhone } from './phone';
import { PhoneIcon } from '../app/icons';
import { OffersCard } from '../offers/OffersCard';
import { CustomerActivity } from '../cases/CaseHistory';

export function CustomerHeader({ pop, callerE164 }: { pop: Pop; callerE164: string | null }) {
  const t = useT();
  const f = useFormat();
  const c = pop.customer;
  const countryName = f.country(c.country);
  // The sales region adds nothing when it just repeats the country ("France · France").
  const region = c.region && c.region.toLowerCase() !== countryName.toLowerCase() && c.region.toUpperCase() !== c.country ? c.region : '';
  return (
    <header className="customer">
      <div className="customer-main">
        <h2 className="customer-name" data-testid="pop-customer-name">{c.name}</h2>
        {c.company && <div className="customer-company" data-testid="pop-customer-company">{c.company}</div>}
      </div>
      <div className="customer-meta">
        {c.segment && (
          <span className="chip chip-segment" title={t('customer.segment')}>{c.segment}</span>
        )}
        <span className="chip" title={t('customer.country')}>
          {countryName}
          {region ? <span className="muted"> · {region}</span> : null}
        </span>
        <span className="chip chip-id" title={t('customer.id')}>{c.customerId}</span>
      </div>
      <div className="customer-contact">
        {c.phones.map((p) => (
          <span key={p.e164} className={`phone${p.e164 === callerE164 ? ' is-caller' : ''}`}>
            {p.e164 === callerE164 && <PhoneIcon size={13} strokeWidth={2.5} />}
            <span className="phone-label">{p.label}</span> {displayPhone(p.e164)}
          </span>
        ))}
        {c.email && <span className="email">{c.email}</span>}
      </div>
    </header>
  );
}

/** Memoised: a re-render of the pop root (timing, strip) does not redraw the customer. */
export const CustomerPop = memo(function CustomerPop({ pop, callerE164 }: { pop: Pop; callerE164: string | null }) {
  return (
    <div className="customer-pop">
      <CreditBanner credit={pop.credit} account={pop.account} />
      <CustomerHeader pop={pop} callerE164={callerE164} />
      <OffersCard pop={pop} />
      <div className="cards">
        <AccountCard account={pop.account} />
        <CreditCard credit={pop.credit} />
        <TotalsCard totals={pop.totals} fallbackCurrency={pop.account?.currency ?? pop.credit?.currency ?? null} pending={pop.historyPending === true} />
      </div>
      <CustomerActivity customerId={pop.customer.customerId} />
      <PurchaseTable purchases={pop.purchases} orderCount={pop.totals.orderCount} pending={pop.historyPending === true} />
    </div>
  );
});
