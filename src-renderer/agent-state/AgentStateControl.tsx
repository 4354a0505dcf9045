// The agent's state, always in the header: colour, icon and word (never colour alone), the break
// reason, the time in state (m:ss, every second) and who changed it when a supervisor did. One
// click opens the menu (Available, Break → its reason, Sign out); Ctrl+Shift+A is Available,
// Ctrl+Shift+B asks for the break reason (app/shortcuts.ts).
// Test hooks: data-testid="agent-state" (data-state, data-reason, data-cause, data-set-by),
// "agent-state-menu", "agent-state-option-<available|break|offline>", "agent-state-reason-<code>",
// "agent-state-set-by", "agent-state-time".
import { useCallback, useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import type { AgentState, BreakReason } from '../../src-shared/agent-state/states';
import { OFFLINE_NOT_REGISTERED, OFFLINE_SIGNED_OUT } from '../../src-shared/agent-state/machine';
import { useLang, useT, type Lang } from '../i18n';
import { clock, useNow } from '../sync/time';
import { installAgentStateShortcuts } from '../app/shortcuts';
import { StateIcon } from './StateIcon';
import { startAgentState, useAgentState } from './store';
import './agent-state.css';

type T = ReturnType<typeof useT>;

export function stateLabel(t: T, state: AgentState): string {
  return t(`agentState.${state}`);
}

export function reasonLabel(t: T, lang: Lang, state: AgentState, reason: string | null, reasons: readonly BreakReason[]): string | null {
  if (!reason) return null;
  if (state === 'offline') {
    if (reason === OFFLINE_NOT_REGISTERED) return t('agentState.reason.notRegistered');
    if (reason === OFFLINE_SIGNED_OUT) return t('agentState.reason.signedOut');
    return reason;
  }
  const r = reasons.find((x) => x.code === reason);
  return r ? (lang === 'it' ? r.labelIt : r.labelEn) : reason;
}

type Mode = 'closed' | 'main' | 'reasons';

export function AgentStateControl() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useAgentState((s) => s.view);
  const reasons = useAgentState((s) => s.reasons);
  const error = useAgentState((s) => s.error);
  const [mode, setMode] = useState<Mode>('closed');
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const now = useNow(1000, view !== null);

  useEffect(() => startAgentState(), []);

  const close = useCallback((focusButton: boolean) => {
    setMode('closed');
    if (focusButton) buttonRef.current?.focus();
  }, []);

  useEffect(
    () => installAgentStateShortcuts({
      available: () => {
        setMode('closed');
        void useAgentState.getState().choose('available');
      },
      breakMenu: () => setMode('reasons'),
    }),
    [],
  );

  // Open: the first item takes the focus; a click outside or Escape closes.
  useEffect(() => {
    if (mode === 'closed') return;
    const first = menuRef.current?.querySelector<HTMLElement>('[role^="menuitem"]:not([disabled])');
    first?.focus();
    function onDown(e: MouseEvent) {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) setMode('closed');
    }
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [mode]);

  function onMenuKey(e: ReactKeyboardEvent<HTMLDivElement>) {
    const items = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]:not([disabled])') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => {
      e.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    };
    if (e.key === 'ArrowDown') move(i + 1);
    else if (e.key === 'ArrowUp') move(i - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(items.length - 1);
    else if (e.key === 'Escape') {
      e.preventDefault();
      if (mode === 'reasons') setMode('main');
      else close(true);
    } else if (e.key === 'ArrowLeft' && mode === 'reasons') {
      e.preventDefault();
      setMode('main');
    } else if (e.key === 'Tab') close(false);
    else if (mode === 'reasons' && /^[1-9]$/.test(e.key) && !e.ctrlKey && !e.metaKey && !e.altKey) {
      const r = reasons[Number(e.key) - 1];
      if (r) {
        e.preventDefault();
        void choose('break', r.code);
      }
    }
  }

  async function choose(state: 'available' | 'break' | 'offline', reason: string | null = null) {
    close(true);
    await useAgentState.getState().choose(state, reason);
  }

  const state = view?.state ?? 'offline';
  const reasonText = view ? reasonLabel(t, lang, view.state, view.reason, reasons) : null;
  const elapsed = view ? clock((now - Date.parse(view.since)) / 1000) : '';
  const supervisor = view?.cause === 'supervisor' && view.setBy ? view.setBy : null;
  const chosen = view?.chosen ?? null;
  const busy = state === 'ringing' || state === 'oncall' || state === 'wrapup';
  const next = busy && chosen ? [stateLabel(t, chosen.state), reasonLabel(t, lang, chosen.state, chosen.reason, reasons)].filter(Boolean).join(' · ') : null;
  const title = [
    t('agentState.title', { state: [stateLabel(t, state), reasonText].filter(Boolean).join(' · ') }),
    next ? t('agentState.next', { state: next }) : null,
    view && !view.hub ? t('agentState.localOnly') : null,
  ].filter(Boolean).join('\n');

  return (
    <div className="agent-state" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={`as-button as-${state}`}
        data-testid="agent-state"
        data-state={view ? state : 'unknown'}
        data-reason={view?.reason ?? ''}
        data-cause={view?.cause ?? ''}
        data-set-by={supervisor ?? ''}
        aria-haspopup="menu"
        aria-expanded={mode !== 'closed'}
        aria-controls={mode !== 'closed' ? 'agent-state-menu' : undefined}
        title={title}
        onClick={() => setMode((m) => (m === 'closed' ? 'main' : 'closed'))}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && mode === 'closed') {
            e.preventDefault();
            setMode('main');
          }
        }}
      >
        <StateIcon state={state} />
        <span className="as-label">{view ? stateLabel(t, state) : '…'}</span>
        {reasonText && <span className="as-reason" data-testid="agent-state-reason">{reasonText}</span>}
        {view && (
          <span className="as-time" data-testid="agent-state-time">
            {elapsed}
          </span>
        )}
        <svg className="as-caret" width="10" height="10" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
          <path d="M1.5 3.5 5 7l3.5-3.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
      {supervisor && (
        <span className="as-setby" data-testid="agent-state-set-by" role="status">
          {supervisor === 'pbx' ? t('agentState.setByPbx') : t('agentState.setBy', { name: supervisor })}
        </span>
      )}
      {error && mode === 'closed' && (
        <span className="as-error" role="alert" data-testid="agent-state-error">
          {t('agentState.error', { msg: error })}
        </span>
      )}
      {mode !== 'closed' && (
        <div
          ref={menuRef}
          id="agent-state-menu"
          className="as-menu"
          role="menu"
          aria-label={mode === 'reasons' ? t('agentState.breakReason') : t('agentState.menu')}
          aria-describedby={next ? 'agent-state-next' : undefined}
          data-testid="agent-state-menu"
          data-mode={mode}
          onKeyDown={onMenuKey}
        >
          {next && (
            <div className="as-menu-note" id="agent-state-next" role="presentation">
              {t('agentState.next', { state: next })}
            </div>
          )}
          {mode === 'main' ? (
            <>
              <button
                type="button"
                role="menuitemradio"
                aria-checked={chosen?.state === 'available'}
                className="as-item as-item-available"
                data-testid="agent-state-option-available"
                onClick={() => void choose('available')}
              >
                <StateIcon state="available" size={16} />
                <span className="as-item-label">{t('agentState.available')}</span>
                <kbd className="as-kbd">{t('agentState.shortcutAvailable')}</kbd>
              </button>
              <button
                type="button"
                role="menuitem"
                aria-haspopup="menu"
                className="as-item as-item-break"
                data-testid="agent-state-option-break"
                onClick={() => setMode('reasons')}
              >
                <StateIcon state="break" size={16} />
                <span className="as-item-label">{t('agentState.chooseBreak')}</span>
                <kbd className="as-kbd">{t('agentState.shortcutBreak')}</kbd>
              </button>
              <div className="as-sep" role="separator" />
              <button
                type="button"
                role="menuitemradio"
                aria-checked={chosen?.state === 'offline'}
                className="as-item as-item-offline"
                data-testid="agent-state-option-offline"
                onClick={() => void choose('offline')}
              >
                <StateIcon state="offline" size={16} />
                <span className="as-item-label">{t('agentState.chooseOffline')}</span>
              </button>
            </>
          ) : (
            <>
              <div className="as-menu-title" aria-hidden="true">{t('agentState.breakReason')}</div>
              {reasons.map((r, i) => (
                <button
                  key={r.code}
                  type="button"
                  role="menuitemradio"
                  aria-checked={chosen?.state === 'break' && chosen.reason === r.code}
                  className="as-item as-item-reason"
                  data-testid={`agent-state-reason-${r.code}`}
                  onClick={() => void choose('break', r.code)}
                >
                  <span className="as-item-label">{lang === 'it' ? r.labelIt : r.labelEn}</span>
                  {i < 9 && <kbd className="as-kbd" aria-hidden="true">{i + 1}</kbd>}
                </button>
              ))}
              <div className="as-sep" role="separator" />
              <button type="button" role="menuitem" className="as-item as-item-back" data-testid="agent-state-back" onClick={() => setMode('main')}>
                <span className="as-item-label">← {t('agentState.back')}</span>
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );
}
