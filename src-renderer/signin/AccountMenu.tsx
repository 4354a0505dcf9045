// The header's account entry (Settings → Sign in / Sign out): who is signed in with the role the
// hub gave, Sign out (not during a call: the softphone stops with it), or Sign in when nobody is.
// An account that sees no customers is told so here too, beside the sync status.
import { useT, type StringKey } from '../i18n';
import { useTelephony } from '../telephony/store';
import { useSession } from './store';
import { AlertIcon, SignOutIcon } from '../app/icons';

export function AccountMenu() {
  const t = useT();
  const view = useSession((s) => s.view);
  const busy = useSession((s) => s.busy);
  const liveCall = useTelephony((s) => s.calls.some((c) => c.state !== 'ended'));
  if (!view || view.mode === 'env') return null;
  const notice = view.signedIn && view.customersVisible === false;
  return (
    <div className="account" data-testid="account" data-user={view.user ?? ''} data-role={view.role ?? ''}>
      {notice && (
        <span className="account-notice" role="status" data-testid="sync-notice" aria-label={t('account.noCustomers')} title={t('signin.noCustomers')}>
          <AlertIcon size={14} /> 0
        </span>
      )}
      {view.signedIn ? (
        <>
          <span className="account-user" title={view.hubUrl ?? undefined}>
            {view.displayName ?? view.user}
            {view.role && <span className="account-role" data-testid="account-role">{t(`account.role.${view.role}` as StringKey)}</span>}
          </span>
          {/* an icon (the header is full at 1366 px), named for screen readers and in its tooltip */}
          <button
            type="button" className="btn account-btn account-btn-icon" data-testid="account-signout" disabled={busy || liveCall}
            aria-label={busy ? t('account.signingOut') : t('account.signOut')}
            title={liveCall ? t('account.signOutBusy') : `${t('account.signOut')} (${t('account.user', { name: view.user ?? '' })})`}
            onClick={() => void useSession.getState().signOut()}
          >
            <SignOutIcon />
          </button>
        </>
      ) : (
        <button type="button" className="btn account-btn" data-testid="account-signin" onClick={() => useSession.getState().openForm(true)}>
          {t('account.signIn')}
        </button>
      )}
    </div>
  );
}

/** Under the header, from the sign-in on: the account sees no customers, and why (the hub's words in the tooltip). */
export function NoCustomersBanner() {
  const t = useT();
  const view = useSession((s) => s.view);
  if (!view?.signedIn || view.customersVisible !== false) return null;
  return (
    <div className="demo-banner signin-no-customers" role="note" data-testid="no-customers-banner" title={view.notice ?? undefined}>
      {t('signin.noCustomers')}
    </div>
  );
}
