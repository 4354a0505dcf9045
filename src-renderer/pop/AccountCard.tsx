import type { Account } from '../../src-shared/pop/schema';
import { useT } from '../i18n';
import { useFormat } from '../i18n/useFormat';
import { CheckIcon } from '../app/icons';

export function AccountCard({ account }: { account: Account | null }) {
  const t = useT();
  const f = useFormat();
  if (!account) {
    return (
      <section className="card card-account" aria-labelledby="account-title">
        <h3 id="account-title" className="card-title">{t('account.title')}</h3>
        <p className="card-empty">{t('account.none')}</p>
      </section>
    );
  }
  const overdue = account.overdueAmount > 0;
  return (
    <section className={`card card-account${overdue ? ' is-alert' : ''}`} aria-labelledby="account-title">
      <h3 id="account-title" className="card-title">{t('account.title')}</h3>
      <div className="figure">
        <span className="figure-label">{t('account.balance')}</span>
        <span
          className={`figure-value${account.balance < 0 ? ' is-credit' : ''}`}
          data-testid="pop-balance"
          data-amount={account.balance}
          data-currency={account.currency}
        >
          {f.money(account.balance, account.currency)}
        </span>
      </div>
      <div
        className={`overdue${overdue ? ' is-overdue' : ' is-clear'}`}
        data-testid="pop-overdue"
        data-amount={account.overdueAmount}
        data-overdue={overdue ? 'true' : 'false'}
      >
        {overdue ? (
          <>
            <span className="overdue-label">{t('account.overdue')}</span>
            <span className="overdue-amount">{f.money(account.overdueAmount, account.currency)}</span>
            {account.oldestDueDate && (
              <span className="overdue-since">{t('account.overdueSince', { date: f.date(account.oldestDueDate) })}</span>
            )}
          </>
        ) : (
          <span className="overdue-label"><CheckIcon size={14} strokeWidth={3} /> {t('account.noOverdue')}</span>
        )}
      </div>
      <dl className="facts">
        <dt>{t('account.lastPayment')}</dt>
        <dd>
          {account.lastPaymentAt ? (
            <>
              {account.lastPaymentAmount !== null && (
                <span className="num">{f.money(account.lastPaymentAmount, account.currency)}</span>
              )}{' '}
              <span className="muted">{f.date(account.lastPaymentAt)}</span>
            </>
          ) : (
            <span className="muted">{t('account.noPayment')}</span>
          )}
        </dd>
      </dl>
    </section>
  );
}
