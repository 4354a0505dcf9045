// The way into the Queues view, in a strip under the header: shown only when the hub says this
// user is a supervisor or an admin (supervisorMe). Asked at start and every minute until the hub
// has answered once (a desktop may start before its hub is reachable). A call ringing in brings
// the pop back: the caller's record comes first, the figures are one click away.
import { useEffect } from 'react';
import { useT } from '../i18n';
import { useTelephony } from '../telephony/store';
import { useSupervisor } from './store';
import './supervisor.css';

const RETRY_MS = 60_000;

export function SupervisorEntry() {
  const t = useT();
  const me = useSupervisor((s) => s.me);
  const open = useSupervisor((s) => s.open);
  const show = useSupervisor((s) => s.show);
  useEffect(() => {
    void useSupervisor.getState().loadMe();
    const id = setInterval(() => {
      if (!useSupervisor.getState().me) void useSupervisor.getState().loadMe();
    }, RETRY_MS);
    const offCalls = useTelephony.subscribe((cur, prev) => {
      const before = new Set(prev.calls.map((c) => c.id));
      if (cur.calls.some((c) => c.direction === 'inbound' && c.state === 'ringing' && !before.has(c.id))) useSupervisor.getState().show(false);
    });
    return () => {
      clearInterval(id);
      offCalls();
    };
  }, []);
  if (!me?.supervisor) return null;
  return (
    <nav className="view-tabs" aria-label={t('queues.nav')} data-testid="view-tabs">
      <button type="button" className={`view-tab${open ? '' : ' is-active'}`} aria-current={open ? undefined : 'page'} data-testid="view-calls" onClick={() => show(false)}>
        {t('queues.nav.calls')}
      </button>
      <button type="button" className={`view-tab${open ? ' is-active' : ''}`} aria-current={open ? 'page' : undefined} data-testid="view-queues" onClick={() => show(true)}>
        {t('queues.nav.queues')}
      </button>
    </nav>
  );
}
