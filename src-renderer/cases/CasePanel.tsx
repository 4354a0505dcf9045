// The case beside the pop: what happened on this call, typed while talking, saved as typed.
// Test hooks (contract): case-panel (data-case-id, data-status), case-disposition, case-notes,
// case-followup-date, case-followup-task, case-submit, case-saved, case-wrapup-timer, case-end-call.
import { useEffect, useId, useRef, useState } from 'react';
import type { Case } from '../../src-shared/cases/schema';
import { useT } from '../i18n';
import { useFormat } from '../i18n/useFormat';
import { usePop } from '../pop/store';
import { displayPhone } from '../pop/phone';
import { CheckIcon, PhoneIcon } from '../app/icons';
import { useTelephony } from '../telephony/store';
import { clock, relativeTime, useNow } from '../sync/time';
import { dispositionLabel, isSimulatedCall, useCases, type SaveState } from './store';
import { resyncPop, startPopSync } from './popSync';
import './cases.css';

function SavedIndicator({ state, error }: { state: SaveState; error: string | null }) {
  const t = useT();
  const text = state === 'saved' ? t('case.saved') : state === 'error' ? t('case.saveFailed') : t('case.saving');
  return (
    <span
      className={`case-saved is-${state}`}
      data-testid="case-saved"
      data-state={state}
      data-saved={state === 'saved' ? 'true' : 'false'}
      role="status"
      aria-live="polite"
      title={state === 'error' && error ? error : undefined}
    >
      {state === 'saved' && <CheckIcon size={13} strokeWidth={3} />}
      {text}
    </span>
  );
}

export function WrapUpTimer({ endedAt, limit }: { endedAt: string; limit: number }) {
  const t = useT();
  const now = useNow(1000);
  const start = Date.parse(endedAt);
  const elapsed = Number.isNaN(start) ? 0 : Math.max(0, Math.floor((now - start) / 1000));
  const state = elapsed > limit ? 'over' : elapsed >= limit * 0.75 ? 'warn' : 'ok';
  const pct = limit > 0 ? Math.min(100, (elapsed / limit) * 100) : 100;
  return (
    <div className={`wrapup is-${state}`} data-testid="case-wrapup-timer" data-state={state} data-elapsed={elapsed} data-limit={limit} role="timer">
      <div className="wrapup-row">
        <span className="wrapup-label">{state === 'over' ? t('case.wrapup.over') : t('case.wrapup.title')}</span>
        <span className="wrapup-clock">
          {clock(elapsed)} <span className="wrapup-limit">/ {clock(limit)}</span>
        </span>
      </div>
      <div className="wrapup-meter" aria-hidden="true">
        <span style={{ transform: `scaleX(${pct / 100})` }} />
      </div>
    </div>
  );
}

function CallInfo({ c }: { c: Case }) {
  const t = useT();
  const live = useTelephony((s) => (c.callId ? s.calls.find((x) => x.id === c.callId) : undefined));
  if (!c.callId) return <span className="muted">{t('case.call.none')}</span>;
  const sim = isSimulatedCall(c.callId);
  const parts: string[] = [sim ? t('case.call.simulated') : t('case.call.phone')];
  if (c.callLine) parts.push(t('case.call.line', { line: c.callLine }));
  if (c.callDurationS !== null) parts.push(clock(c.callDurationS));
  else if (live && live.state !== 'ended') parts.push(t('case.call.live'));
  return (
    <span className="case-call" data-call-id={c.callId} title={c.callId}>
      <PhoneIcon size={12} strokeWidth={2.4} /> {parts.join(' · ')}
      {!sim && <code className="case-call-id">{c.callId.length > 14 ? `${c.callId.slice(0, 13)}…` : c.callId}</code>}
    </span>
  );
}

function OpenCases({ exclude }: { exclude: string }) {
  const t = useT();
  const f = useFormat();
  const open = useCases((s) => s.openCases);
  const resume = useCases((s) => s.resume);
  const refreshOpen = useCases((s) => s.refreshOpen);
  const [expanded, setExpanded] = useState(false);
  const now = useNow(30_000, expanded);
  const others = open.filter((c) => c.caseId !== exclude && c.status !== 'submitted' && (c.notes.trim() || c.disposition || c.status === 'wrap_up'));
  useEffect(() => {
    if (expanded) void refreshOpen();
  }, [expanded, refreshOpen]);
  if (others.length === 0) return null;
  return (
    <div className="case-open">
      <button type="button" className="btn btn-link btn-small" aria-expanded={expanded} data-testid="case-open-toggle" onClick={() => setExpanded((e) => !e)}>
        {t('case.open.toggle', { n: others.length })}
      </button>
      {expanded && (
        <ul className="case-open-list">
          {others.slice(0, 8).map((c) => (
            <li key={c.caseId}>
              <button type="button" className="case-open-item" data-testid="case-open-item" data-case-id={c.caseId} onClick={() => void resume(c.caseId)}>
                <span className="case-open-who">{c.customerId ?? t('case.customer.none')}</span>
                <span className="case-open-when">{t(c.status === 'wrap_up' ? 'case.status.wrap_up' : 'case.status.draft')} · {relativeTime(f.lang, c.updatedAt, now)}</span>
                {c.notes.trim() && <span className="case-open-notes">{c.notes.trim().slice(0, 80)}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Submitted({ c }: { c: Case }) {
  const t = useT();
  const f = useFormat();
  const dispositions = useCases((s) => s.dispositions);
  const newCase = useCases((s) => s.newCase);
  const popCustomer = usePop((s) => (s.selected?.status === 'done' ? s.selected.customerId : null));
  const accepted = c.offers.filter((o) => o.outcome === 'accepted').length;
  return (
    <div className="case-done" data-testid="case-submitted">
      <div className="case-done-head">
        <CheckIcon size={20} strokeWidth={3} />
        <strong>{t('case.submitted.title')}</strong>
      </div>
      <dl className="facts case-done-facts">
        <dt>{t('case.disposition')}</dt>
        <dd>{dispositionLabel(dispositions, c.disposition, f.lang)}</dd>
        {c.submittedAt && (
          <>
            <dt>{t('case.submitted.at')}</dt>
            <dd>{f.dateTime(c.submittedAt)}</dd>
          </>
        )}
        {c.offers.length > 0 && (
          <>
            <dt>{t('case.offers')}</dt>
            <dd>{t('case.offers.summary', { n: c.offers.length, accepted })}</dd>
          </>
        )}
        {c.followUpDate && (
          <>
            <dt>{t('case.followup')}</dt>
            <dd>{f.date(c.followUpDate)}{c.followUpTask ? ` · ${c.followUpTask}` : ''}</dd>
          </>
        )}
      </dl>
      {c.notes.trim() && <p className="case-done-notes">{c.notes}</p>}
      <p className={`case-done-sync${c.pending ? ' is-pending' : ''}`} data-pending={String(c.pending)}>
        {c.pending ? t('case.submitted.pending') : t('case.submitted.synced')}
      </p>
      <button type="button" className="btn" data-testid="case-new" onClick={() => void newCase(popCustomer ?? c.customerId)}>
        {t('case.new')}
      </button>
    </div>
  );
}

/** Who the case is about, its call, and "link to" the customer in the pop. Follows the pop on
 *  its own: a new caller's pop re-renders this line, not the whole panel. */
function CaseLinks({ current, waiting }: { current: Case; waiting: boolean }) {
  const t = useT();
  const linkCustomer = useCases((s) => s.linkCustomer);
  const popId = usePop((s) => (s.selected?.status === 'done' ? s.selected.pop?.customer.customerId ?? null : null));
  const popName = usePop((s) => (s.selected?.status === 'done' ? s.selected.pop?.customer.name ?? null : null));
  const callNumber = usePop((s) => (s.call?.status === 'done' ? s.call.result?.normalized ?? null : null));
  const submitted = current.status === 'submitted';
  const customerName = current.customerId && popId === current.customerId ? popName : current.customerId;
  // not while the pop's own call's draft is about to replace this case
  const other = popId && popId !== current.customerId && !submitted && !waiting ? { customerId: popId, name: popName ?? popId } : null;
  return (
    <div className="case-links">
      <span className={`case-customer${current.customerId ? '' : ' is-none'}`} data-testid="case-customer">
        {customerName ?? (callNumber ? t('case.customer.unknownCaller', { number: displayPhone(callNumber) }) : t('case.customer.none'))}
      </span>
      <CallInfo c={current} />
      {other && (
        <button type="button" className="btn btn-link btn-small case-link-btn" data-testid="case-link-customer" onClick={() => void linkCustomer(other.customerId)}>
          {t('case.linkTo', { name: other.name })}
        </button>
      )}
    </div>
  );
}

export function CasePanel() {
  const t = useT();
  const f = useFormat();
  const current = useCases((s) => s.current);
  const draft = useCases((s) => s.draft);
  const saveState = useCases((s) => s.saveState);
  const saveError = useCases((s) => s.saveError);
  const dispositions = useCases((s) => s.dispositions);
  const wrapUpSeconds = useCases((s) => s.wrapUpSeconds);
  const submitError = useCases((s) => s.submitError);
  const submitting = useCases((s) => s.submitting);
  const restored = useCases((s) => s.restored);
  const startError = useCases((s) => s.startError);
  const choices = useCases((s) => s.choices);
  // the pop on screen is another call's whose draft is about to start: typing waits for it
  const waiting = useCases((s) => s.pendingCallId !== null && s.current?.callId !== s.pendingCallId);
  const { edit, flush, submit, endCall } = useCases.getState();
  const liveCall = useTelephony((s) => (current?.callId ? s.calls.find((c) => c.id === current.callId) : undefined));
  const dispRef = useRef<HTMLSelectElement>(null);
  const ids = useId();

  useEffect(() => {
    startPopSync();
    void useCases.getState().init();
  }, []);

  useEffect(() => {
    if (submitError === 'disposition') dispRef.current?.focus();
  }, [submitError]);

  // Ctrl+Enter submits the open case from anywhere (the customer-notes box keeps it for itself).
  useEffect(() => {
    function onKey(e: globalThis.KeyboardEvent) {
      if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      const s = useCases.getState();
      if (!s.current || s.current.status === 'submitted') return;
      e.preventDefault();
      void s.submit();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!current || !draft) {
    if (!startError) return null;
    return (
      <aside className="case-panel" data-testid="case-panel" data-case-id="" data-status="">
        <p className="case-error" role="alert">{t('case.startFailed', { msg: startError })}</p>
        <button type="button" className="btn btn-small" data-testid="case-retry" onClick={resyncPop}>{t('case.retry')}</button>
      </aside>
    );
  }

  const submitted = current.status === 'submitted';
  const canEndCall =
    current.status === 'draft' && !!current.callId && (isSimulatedCall(current.callId) || !liveCall || liveCall.state === 'ended');
  const chosen = Object.values(choices);

  const statusLabel = t(`case.status.${current.status}`);
  return (
    <aside
      className={`case-panel is-${current.status}`}
      data-testid="case-panel"
      data-case-id={current.caseId}
      data-status={current.status}
      data-customer-id={current.customerId ?? ''}
      data-call-id={current.callId ?? ''}
      data-restored={restored ? 'true' : 'false'}
      aria-label={t('case.title')}
    >
      <header className="case-head">
        <h2 className="case-title">{t('case.title')}</h2>
        <span className={`case-status is-${current.status}`}>{statusLabel}</span>
        <span className="spacer" />
        {!submitted && <SavedIndicator state={saveState} error={saveError} />}
      </header>

      <CaseLinks current={current} waiting={waiting} />

      {startError && (
        <div className="case-error" role="alert">
          {t('case.startFailed', { msg: startError })}{' '}
          <button type="button" className="btn btn-link btn-small" data-testid="case-retry" onClick={resyncPop}>{t('case.retry')}</button>
        </div>
      )}

      {restored && !submitted && (
        <p className="case-restored" data-testid="case-restored">{t('case.restored', { when: f.dateTime(current.updatedAt) })}</p>
      )}

      {current.status === 'wrap_up' && current.callEndedAt && <WrapUpTimer endedAt={current.callEndedAt} limit={wrapUpSeconds} />}

      {submitted ? (
        <Submitted c={current} />
      ) : (
        <div className={`case-form${waiting ? ' is-waiting' : ''}`} aria-busy={waiting} data-waiting={waiting ? 'true' : 'false'}>
          <div className={`case-field${submitError === 'disposition' ? ' is-invalid' : ''}`}>
            <label className="case-label" htmlFor={`${ids}-disp`}>{t('case.disposition')}</label>
            <select
              id={`${ids}-disp`}
              ref={dispRef}
              className="input case-select"
              data-testid="case-disposition"
              value={draft.disposition ?? ''}
              aria-invalid={submitError === 'disposition'}
              aria-describedby={submitError === 'disposition' ? `${ids}-disp-err` : undefined}
              disabled={waiting}
              onChange={(e) => edit('disposition', e.target.value || null)}
            >
              <option value="">{t('case.disposition.choose')}</option>
              {dispositions.map((d) => (
                <option key={d.code} value={d.code}>
                  {f.lang === 'it' ? d.labelIt : d.labelEn}
                </option>
              ))}
            </select>
            {submitError === 'disposition' && (
              <p className="case-error" id={`${ids}-disp-err`} role="alert" data-testid="case-error">
                {t('case.disposition.required')}
              </p>
            )}
          </div>

          <div className="case-field case-field-notes">
            <label className="case-label" htmlFor={`${ids}-notes`}>{t('case.notes')}</label>
            <textarea
              id={`${ids}-notes`}
              className="input case-notes"
              data-testid="case-notes"
              value={draft.notes}
              placeholder={t('case.notes.placeholder')}
              spellCheck
              readOnly={waiting}
              onChange={(e) => edit('notes', e.target.value)}
              onBlur={() => void flush()}
            />
          </div>

          <fieldset className="case-field case-followup">
            <legend className="case-label">{t('case.followup')}</legend>
            <input
              type="date"
              className="input case-followup-date"
              data-testid="case-followup-date"
              aria-label={t('case.followup.date')}
              value={draft.followUpDate ?? ''}
              readOnly={waiting}
              onChange={(e) => edit('followUpDate', e.target.value || null)}
              onBlur={() => void flush()}
            />
            <input
              type="text"
              className="input case-followup-task"
              data-testid="case-followup-task"
              aria-label={t('case.followup.task')}
              placeholder={t('case.followup.task')}
              value={draft.followUpTask}
              maxLength={500}
              readOnly={waiting}
              onChange={(e) => edit('followUpTask', e.target.value)}
              onBlur={() => void flush()}
            />
          </fieldset>

          {chosen.length > 0 && (
            <p className="case-offers-chosen" data-testid="case-offers-chosen">
              {t('case.offers.chosen', {
                accepted: chosen.filter((c) => c.outcome === 'accepted').length,
                declined: chosen.filter((c) => c.outcome !== 'accepted').length,
              })}
            </p>
          )}

          {submitError && submitError !== 'disposition' && (
            <p className="case-error" role="alert" data-testid="case-error">{t('case.submitFailed', { msg: submitError })}</p>
          )}

          <div className="case-actions">
            {canEndCall && (
              <button type="button" className="btn btn-end" data-testid="case-end-call" onClick={() => void endCall()}>
                <PhoneIcon size={14} /> {t('case.endCall')}
              </button>
            )}
            <button
              type="button"
              className="btn btn-primary case-submit"
              data-testid="case-submit"
              disabled={submitting || waiting}
              onClick={() => void submit()}
              title={t('case.submit.shortcut')}
            >
              {submitting ? t('case.submitting') : t('case.submit')}
            </button>
          </div>
        </div>
      )}

      <OpenCases exclude={current.caseId} />
    </aside>
  );
}

