// The phone's registration state, always in the header: an agent must know at a glance whether
// calls can reach them. Test hook: data-testid="sip-registration" data-state data-reason.
import { useEffect, useState } from 'react';
import { useTelephony, type RegState } from './store';
import { useT } from '../i18n';
import { lineOf } from './line';

function useCountdown(until: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [until]);
  return until === null ? null : Math.max(0, Math.ceil((until - now) / 1000));
}

export function regLabel(reg: RegState, t: ReturnType<typeof useT>, seconds: number | null): string {
  switch (reg.kind) {
    case 'unconfigured':
      return t('reg.unconfigured');
    case 'connecting':
      return seconds !== null && seconds > 0 ? t('reg.retry', { s: seconds }) : t('reg.connecting');
    case 'registering':
      return t('reg.registering');
    case 'registered':
      return t('reg.registered');
    case 'failed':
      return reg.reason === 'auth' ? t('reg.failed.auth') : reg.reason === 'config' ? t('reg.failed.config', { msg: reg.detail }) : t('reg.failed.other', { msg: reg.detail });
    case 'stopped':
      return t('reg.stopped');
  }
}

export function RegistrationBadge() {
  const t = useT();
  const reg = useTelephony((s) => s.reg);
  // the line the agent is reachable on: the address's user (a hub-issued credential's digest user
  // is `<expiry>:<extension>`, not something to show)
  const user = useTelephony((s) => lineOf(s.config?.uri ?? '', s.config?.user ?? ''));
  const seconds = useCountdown(reg.kind === 'connecting' ? reg.retryAt : null);
  const label = regLabel(reg, t, seconds);
  const reason = reg.kind === 'failed' ? reg.reason : reg.kind === 'connecting' ? reg.reason ?? '' : '';
  const detail = reg.kind === 'failed' ? reg.detail : reg.kind === 'connecting' && reg.reason ? reg.reason : '';
  const state = reg.kind === 'registering' ? 'connecting' : reg.kind;
  return (
    <button
      type="button"
      className={`sip-reg sip-reg-${state}`}
      data-testid="sip-registration"
      data-state={state}
      data-phase={reg.kind}
      data-reason={reason}
      data-retry-at={reg.kind === 'connecting' && reg.retryAt ? reg.retryAt : ''}
      title={`${t('reg.title', { state: detail ? `${label} (${detail})` : label })}${reg.kind === 'failed' && reg.reason === 'auth' ? ` — ${t('reg.fixAuth')}` : ''}`}
      onClick={() => useTelephony.setState((s) => ({ settingsOpen: !s.settingsOpen }))}
    >
      <span className="sip-reg-dot" aria-hidden="true" />
      <span className="sip-reg-label" aria-live="polite">{label}</span>
      {user && reg.kind === 'registered' && <span className="sip-reg-user">{user}</span>}
    </button>
  );
}

