import { useT, useLang, LANGS, LANG_NAMES, type Lang } from '../i18n';
import { useFormat } from '../i18n/useFormat';
import { SearchBox } from '../pop/SearchBox';
import { selectInlineSearch, usePop } from '../pop/store';
import { useStatus } from './statusStore';
import { RegistrationBadge } from '../telephony/RegistrationBadge';
import { SyncStatusBadge } from '../sync/SyncStatusBadge';
import { AgentStateControl } from '../agent-state/AgentStateControl';
import { AccountMenu } from '../signin/AccountMenu';

export function Header() {
  const t = useT();
  const f = useFormat();
  const { status, error, connection } = useStatus();
  const lang = useLang((s) => s.lang);
  const setLang = useLang((s) => s.setLang);
  const inlineSearch = usePop(selectInlineSearch);
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">P</span>
        <span className="brand-name">{t('app.title')}</span>
        <span className="brand-tag">{t('app.tagline')}</span>
      </div>
      <AgentStateControl />
      {inlineSearch ? <div className="search-slot" /> : <SearchBox />}
      <RegistrationBadge />
      <div className="hoststatus" data-testid="host-status">
        {error ? (
          <span className="host-error" role="status">● {t('header.statusError')}</span>
        ) : status ? (
          <>
            <span
              className={`conn conn-${connection}`}
              data-testid="host-connection"
              data-state={connection}
              role="img"
              title={connection === 'open' ? t('header.live') : t('header.offline')}
              aria-label={connection === 'open' ? t('header.live') : t('header.offline')}
            />
            <span className="host-kind" data-testid="host-kind" data-host={status.host}>
              {t(status.host === 'electron' ? 'header.host.electron' : 'header.host.web')}
            </span>
            <span className="host-count" data-testid="customer-count" data-count={status.customers}>
              {t('header.customers', { n: f.number(status.customers) })}
            </span>
            <span className="host-region">{status.region}</span>
            {status.demo && <span className="tag tag-demo">{t('demo.tag')}</span>}
          </>
        ) : (
          <span className="muted">…</span>
        )}
      </div>
      <SyncStatusBadge />
      <AccountMenu />
      <div className="lang" role="group" aria-label={t('header.language')} data-testid="lang-switch" data-lang={lang}>
        {LANGS.map((l: Lang) => (
          <button
            key={l}
            type="button"
            className={`lang-btn${l === lang ? ' is-active' : ''}`}
            aria-pressed={l === lang}
            title={LANG_NAMES[l]}
            data-lang={l}
            onClick={() => setLang(l)}
          >
            {l.toUpperCase()}
          </button>
        ))}
      </div>
    </header>
  );
}

export function DemoBanner() {
  const t = useT();
  const f = useFormat();
  const demo = useStatus((s) => s.status?.demo ?? null);
  if (!demo) return null;
  return (
    <div className="demo-banner" data-testid="demo-banner" role="note">
      <strong>{t('demo.tag')}</strong> {t('demo.banner', { n: f.number(demo.customers), date: f.dateTime(demo.loadedAt) })}
    </div>
  );
}
