// One card per call. Ringing calls sit on top with Answer / Decline; a live call has the
// controls; ended calls stay a moment so the agent sees what happened.
// Test hooks: data-testid="call-card" data-call-id data-state (ringing|active|held|ended)
// data-direction data-customer-id data-end-reason; buttons call-answer, call-decline,
// call-hangup, call-hold, call-mute, call-dtmf, call-transfer.
import { memo, useEffect, useReducer, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import { PhoneIcon } from '../app/icons';
import { displayPhone } from '../pop/phone';
import { softphone } from './softphone';
import { foldCalls, orderCalls, useTelephony, type CallView } from './store';
import type { FailureKind } from './failure';
import { useT, type StringKey } from '../i18n';

// One clock for every card's timer: all of them tick in the same task, so ~20 ringing cards are
// one React commit (and one layout) per second, not twenty.
const tickListeners = new Set<() => void>();
let tickTimer: ReturnType<typeof setInterval> | null = null;
let tickNow = Date.now();
function subscribeTick(listener: () => void): () => void {
  tickListeners.add(listener);
  if (!tickTimer) {
    tickNow = Date.now();
    tickTimer = setInterval(() => {
      tickNow = Date.now();
      for (const l of tickListeners) l();
    }, 1000);
  }
  return () => {
    tickListeners.delete(listener);
    if (tickListeners.size === 0 && tickTimer) {
      clearInterval(tickTimer);
      tickTimer = null;
    }
  };
}
const noSubscribe = () => () => {};
const getTick = () => tickNow;
const getZero = () => 0;

function useNow(active: boolean): number {
  return useSyncExternalStore(active ? subscribeTick : noSubscribe, active ? getTick : getZero);
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

/** "+390287654321" / "sip:0287…@host" → something a person reads. */
function readableNumber(call: CallView): string {
  const n = call.lookup?.normalized;
  if (n) return displayPhone(n);
  const raw = call.direction === 'outbound' ? call.target ?? '' : call.who.identity;
  const m = /^(?:sips?|tel):([^@;?]+)/i.exec(raw);
  return m ? m[1]! : raw;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

function Keypad({ call }: { call: CallView }) {
  const t = useT();
  return (
    <div className="keypad" data-testid="call-keypad">
      <div className="keypad-keys">
        {KEYS.map((k) => (
          <button key={k} type="button" className="keypad-key" data-testid="call-dtmf-key" data-key={k} onClick={() => softphone.dtmf(call.id, k)}>
            {k}
          </button>
        ))}
      </div>
      {call.dtmfSent && <div className="muted small" data-testid="call-dtmf-sent">{t('call.dtmfSent', { digits: call.dtmfSent })}</div>}
    </div>
  );
}

function TransferForm({ call }: { call: CallView }) {
  const t = useT();
  const [target, setTarget] = useState('');
  const blind = (e: FormEvent) => {
    e.preventDefault();
    if (target.trim()) void softphone.blindTransfer(call.id, target.trim());
  };
  return (
    <form className="transfer" onSubmit={blind} data-testid="call-transfer-form">
      <label className="field-label" htmlFor={`transfer-${call.id}`}>{t('call.transfer.target')}</label>
      <input
        id={`transfer-${call.id}`}
        className="input"
        data-testid="call-transfer-target"
        inputMode="tel"
        autoComplete="off"
        value={target}
        onChange={(e) => setTarget(e.target.value)}
      />
      <div className="card-actions">
        <button type="submit" className="btn btn-small" data-testid="call-transfer-blind" disabled={!target.trim()}>
          {t('call.transfer.blind')}
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid="call-transfer-attended"
          disabled={!target.trim()}
          onClick={() => void softphone.startConsult(call.id, target.trim())}
        >
          {t('call.transfer.attended')}
        </button>
      </div>
    </form>
  );
}

const stateKey: Record<CallView['state'], StringKey> = { ringing: 'call.ringing', active: 'call.active', held: 'call.held', ended: 'call.ended' };
const endKey: Record<NonNullable<CallView['endReason']>, StringKey> = {
  cancelled: 'call.end.cancelled',
  declined: 'call.end.declined',
  ended: 'call.end.ended',
  elsewhere: 'call.end.elsewhere',
  failed: 'call.end.failed',
  transferred: 'call.end.transferred',
};

/** Why the audio could not be connected, in the agent's language (the detail: failure.ts). */
const failureKey: Record<FailureKind, StringKey> = {
  'no-dtls': 'call.failure.no-dtls',
  'no-ice': 'call.failure.no-ice',
  codec: 'call.failure.codec',
  offer: 'call.failure.offer',
  'mic-denied': 'call.failure.mic-denied',
  'no-mic': 'call.failure.no-mic',
  'mic-busy': 'call.failure.mic-busy',
  connection: 'call.failure.connection',
  refused: 'call.failure.refused',
  other: 'call.failure.other',
};

/** The ringing dot: on and off with the shared clock (every ringing card in step, no animation). */
function RingDot() {
  const now = useNow(true);
  return <span className={`ring-dot${Math.floor(now / 1000) % 2 ? ' is-off' : ''}`} aria-hidden="true" />;
}

/** mm:ss since `since`; only this text re-renders every second, not the card. */
function CallTimer({ since, until }: { since: number; until: number | null }) {
  const now = useNow(until === null);
  return <span className="call-timer num" data-testid="call-timer">{formatDuration((until ?? now) - since)}</span>;
}

export const CallCard = memo(function CallCard({ call, shown }: { call: CallView; shown: boolean }) {
  const t = useT();
  const [panel, setPanel] = useState<'none' | 'keypad' | 'transfer'>('none');
  const live = call.state !== 'ended';
  const inCall = call.state === 'active' || call.state === 'held';
  const ringingIn = call.state === 'ringing' && call.direction === 'inbound';
  const since = call.answeredAt ?? call.offeredAt;
  const name =
    call.customerName ??
    (call.who.withheld
      ? t('call.withheld')
      : call.lookup?.match === 'multiple'
        ? t('call.shared', { n: call.lookup.candidates.length })
        : call.lookup || call.lookupError || call.direction === 'outbound'
          ? call.who.display || t('call.unknown')
          : t('call.lookingUp'));
  const company = call.lookup?.pop?.customer.company ?? '';
  const number = call.who.withheld ? '' : readableNumber(call);
  const stateLabel = call.state === 'ringing' && call.direction === 'outbound' ? t('call.dialing') : t(stateKey[call.state]);

  return (
    <li
      className={`call-card is-${call.state}${shown ? ' is-shown' : ''}`}
      data-testid="call-card"
      data-call-id={call.id}
      data-state={call.state}
      data-direction={call.direction}
      data-customer-id={call.customerId ?? ''}
      data-match={call.lookup?.match ?? ''}
      data-end-reason={call.endReason ?? ''}
      data-muted={call.muted ? 'true' : 'false'}
      data-shown={shown ? 'true' : 'false'}
      data-dtmf-sent={call.dtmfSent}
      data-dtmf-received={call.dtmfReceived}
      data-rtp-in={call.rtpIn ?? ''}
      data-rtp-out={call.rtpOut ?? ''}
      data-energy-in={call.energyIn ?? ''}
      data-transfer={call.transfer?.status ?? ''}
      aria-label={`${stateLabel}: ${name}`}
    >
      <div className="call-head">
        <span className={`call-state state-${call.state}`}>
          {call.state === 'ringing' && <RingDot />}
          {stateLabel}
        </span>
        <span className="call-dir muted">{t(call.direction === 'inbound' ? 'call.incoming' : 'call.outgoing')}</span>
        <span className="spacer" />
        <CallTimer since={since} until={call.endedAt} />
      </div>
      <button type="button" className="call-who" onClick={() => softphone.focus(call.id)} title={t('call.showPop')} data-testid="call-show-pop">
        <span className="call-name" data-testid="call-name">{name}</span>
        {company && <span className="call-company">{company}</span>}
        {number && <span className="call-number num" data-testid="call-number">{number}</span>}
      </button>
      <div className="call-meta">
        {call.who.line && <span className="tag tag-line" data-testid="call-line">{t('call.line', { line: call.who.line })}</span>}
        {call.who.forwardedBy && <span className="muted small" data-testid="call-forwarded">{t('call.forwardedBy', { who: call.who.forwardedBy })}</span>}
        {call.consultFor && <span className="muted small">{t('call.consultFor', { who: call.consultFor.slice(0, 8) })}</span>}
      </div>

      {ringingIn && (
        <div className="card-actions card-actions-big">
          <button type="button" className="btn btn-answer" data-testid="call-answer" onClick={() => void softphone.answer(call.id)}>
            <PhoneIcon size={16} /> {t('call.answer')}
          </button>
          <button type="button" className="btn btn-decline" data-testid="call-decline" onClick={() => void softphone.decline(call.id)}>
            {t('call.decline')}
          </button>
        </div>
      )}
      {call.state === 'ringing' && call.direction === 'outbound' && (
        <div className="card-actions">
          <button type="button" className="btn btn-decline" data-testid="call-hangup" onClick={() => void softphone.hangup(call.id)}>
            {t('call.cancel')}
          </button>
        </div>
      )}
      {inCall && (
        <>
          <div className="card-actions">
            <button type="button" className="btn btn-decline" data-testid="call-hangup" onClick={() => void softphone.hangup(call.id)}>
              {t('call.hangup')}
            </button>
            <button
              type="button"
              className={`btn btn-small${call.state === 'held' ? ' is-on' : ''}`}
              data-testid="call-hold"
              aria-pressed={call.state === 'held'}
              disabled={call.busy}
              onClick={() => void softphone.hold(call.id, call.state !== 'held')}
            >
              {t(call.state === 'held' ? 'call.resume' : 'call.hold')}
            </button>
            <button
              type="button"
              className={`btn btn-small${call.muted ? ' is-on' : ''}`}
              data-testid="call-mute"
              aria-pressed={call.muted}
              onClick={() => softphone.mute(call.id, !call.muted)}
            >
              {t(call.muted ? 'call.unmute' : 'call.mute')}
            </button>
            <button
              type="button"
              className={`btn btn-small${panel === 'keypad' ? ' is-on' : ''}`}
              data-testid="call-dtmf"
              aria-expanded={panel === 'keypad'}
              onClick={() => setPanel(panel === 'keypad' ? 'none' : 'keypad')}
            >
              {t('call.keypad')}
            </button>
            {!call.consultFor && (
              <button
                type="button"
                className={`btn btn-small${panel === 'transfer' ? ' is-on' : ''}`}
                data-testid="call-transfer"
                aria-expanded={panel === 'transfer'}
                onClick={() => setPanel(panel === 'transfer' ? 'none' : 'transfer')}
              >
                {t('call.transfer')}
              </button>
            )}
            {call.consultFor && call.state === 'active' && (
              <button type="button" className="btn btn-small btn-primary" data-testid="call-transfer-complete" onClick={() => void softphone.completeConsult(call.id)}>
                {t('call.transfer.complete')}
              </button>
            )}
          </div>
          {panel === 'keypad' && <Keypad call={call} />}
          {panel === 'transfer' && !call.transfer && <TransferForm call={call} />}
          {call.rtpIn !== null && (
            <div className="muted small num" data-testid="call-audio-stats">{t('call.audio', { in: call.rtpIn, out: call.rtpOut ?? 0 })}</div>
          )}
        </>
      )}
      {call.transfer && (
        <div className={`call-note${call.transfer.status === 'failed' ? ' is-error' : ''}`} data-testid="call-transfer-status" data-status={call.transfer.status}>
          {call.transfer.status === 'consulting'
            ? t('call.transfer.consulting', { target: call.transfer.target })
            : call.transfer.status === 'failed'
              ? t('call.transfer.failed', { msg: call.transfer.detail ?? '' })
              : call.transfer.status === 'done'
                ? t('call.transfer.done', { target: call.transfer.target })
                : '…'}
        </div>
      )}
      {call.dtmfReceived && <div className="muted small" data-testid="call-dtmf-received">{t('call.dtmfReceived', { digits: call.dtmfReceived })}</div>}
      {call.error && live && <div className="call-note is-error" role="alert">{t('call.error', { msg: call.error })}</div>}
      {!live && (
        <div className="card-actions">
          {/* a call the softphone could not connect says so, never "caller hung up"; the browser's
              or far end's own words in the tooltip (text only, as every string here) */}
          <span className="call-end" data-testid="call-end-reason" data-failure={call.failure?.kind} title={call.failure?.detail || undefined}>
            {call.endReason === 'failed' && call.failure
              ? t('call.end.noAudio', { reason: t(failureKey[call.failure.kind], { detail: call.failure.detail }) })
              : call.endReason ? t(endKey[call.endReason], { detail: call.endDetail ? `: ${call.endDetail}` : '' }) : t('call.ended')}
          </span>
          <span className="spacer" />
          <button type="button" className="btn btn-link btn-small" data-testid="call-dismiss" onClick={() => softphone.dismiss(call.id)}>
            {t('call.dismiss')}
          </button>
        </div>
      )}
    </li>
  );
});

/**
 * `value`, changing on screen at most once every `ms`: a change after a quiet spell shows at
 * once, the ones that follow land together (the last one always does).
 */
function useSettled<T>(value: T, ms: number, same: (a: T, b: T) => boolean): T {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const shown = useRef({ value, at: 0 });
  if (!same(value, shown.current.value) && Date.now() - shown.current.at >= ms) shown.current = { value, at: Date.now() };
  const pending = !same(value, shown.current.value);
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(rerender, Math.max(0, shown.current.at + ms - Date.now()));
    return () => clearTimeout(timer);
  });
  return shown.current.value;
}

interface FoldCounts {
  more: number;
  ringing: number;
}
const sameCounts = (a: FoldCounts, b: FoldCounts): boolean => a.more === b.more && a.ringing === b.ringing;

/**
 * The "N more calls" row. In a burst its counts change with every call that ends; each change
 * would cost the renderer a layout and a paint of its own between two pops, so they settle for
 * half a second. Mounted only while something is folded: it starts from the live counts.
 */
function FoldRow({ counts, expanded, onToggle }: { counts: FoldCounts; expanded: boolean; onToggle: () => void }) {
  const t = useT();
  const { more, ringing } = useSettled(counts, 500, sameCounts);
  return (
    <li className="call-more">
      <button
        type="button"
        className="btn btn-link btn-small call-more-btn"
        data-testid="call-cards-more"
        data-hidden={more}
        data-ringing={ringing}
        aria-expanded={expanded}
        onClick={onToggle}
      >
        {expanded ? t('calls.fewer') : ringing > 0 ? t('calls.moreRinging', { n: more, ringing }) : t('calls.more', { n: more })}
      </button>
    </li>
  );
}

export function CallCards() {
  const t = useT();
  const calls = useTelephony((s) => s.calls);
  const shownId = useTelephony((s) => s.shownId);
  const [expanded, setExpanded] = useState(false);
  const ordered = orderCalls(calls);
  const { visible, hidden } = foldCalls(ordered, shownId);
  // the burst is over: the next one starts folded again
  useEffect(() => {
    if (hidden.length === 0) setExpanded(false);
  }, [hidden.length]);
  if (ordered.length === 0) return <p className="muted small calls-empty">{t('calls.none')}</p>;
  const cards = expanded ? ordered : visible;
  return (
    <ul className="call-cards" data-testid="call-cards" aria-live="polite">
      {cards.map((c) => (
        <CallCard key={c.id} call={c} shown={c.id === shownId} />
      ))}
      {hidden.length > 0 && (
        <FoldRow
          counts={{ more: hidden.length, ringing: hidden.filter((c) => c.state === 'ringing').length }}
          expanded={expanded}
          onToggle={() => setExpanded((e) => !e)}
        />
      )}
    </ul>
  );
}
