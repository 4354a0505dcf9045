// hold / blocked must be impossible to miss: a full-width band across the top of the pop.
import type { Account, Credit } from '../../src-shared/pop/schema';
import { useT } from '../i18n';
import { useFormat } from '../i18n/useFormat';
import { AlertIcon, BlockIcon } from '../app/icons';

export function CreditBanner({ credit, account }: { credit: Credit | null; account: Account | null }) {
  const t = useT();
  const f = useFormat();
  if (!credit || (credit.status !== 'hold' && credit.status !== 'blocked')) return null;
  const blocked = credit.status === 'blocked';
  return (
    <div
      className={`credit-banner ${blocked ? 'is-blocked' : 'is-hold'}`}
      role="alert"
      data-testid="pop-credit-banner"
      data-status={credit.status}
    >
      {blocked ? <BlockIcon className="credit-banner-icon" size={30} strokeWidth={2.5} /> : <AlertIcon className="credit-banner-icon" size={30} strokeWidth={2.5} />}
      <div className="credit-banner-text">
        <strong>{t(blocked ? 'credit.banner.blocked' : 'credit.banner.hold')}</strong>
        <span>{t(blocked ? 'credit.banner.blockedBody' : 'credit.banner.holdBody')}</span>
      </div>
      {account && account.overdueAmount > 0 && (
        <span className="credit-banner-extra">
          {t('credit.banner.overdue', { amount: f.money(account.overdueAmount, account.currency) })}
        </span>
      )}
    </div>
  );
}
