// The live calls: each one's sip.js session beside its card in the telephony store, and the
// state transitions every call goes through whoever started it:
//   ringing → active (Established) ⇄ held → ended (Terminated, or ended by us).
// It reports them to the host (callProgress) and emits them (callEvents.ts); what a call ended
// *as* (cancelled, declined, answered elsewhere, …) is decided here, once, in finalize().
import { SessionState, type Info, type Invitation, type Inviter, type Referral, type Session } from 'sip.js';
import { failureReasonText, type CallEvent } from '../../src-shared/telephony/calls';
import type { CallerIdentity } from '../../src-shared/telephony/identity';
import { bridge } from '../bridge';
import { t } from '../i18n';
import type { CallEvents, Direction } from './callEvents';
import { failureReason, type CallFailure } from './failure';
import { safe } from './guard';
import { setRinging, startCallMedia, stopRemote } from './media';
import { clearAttention } from './notify';
import { markLookupAnswered } from './popMarks';
import { addCall, getCall, patchCall, removeCall, useTelephony, type CallView, type EndReason } from './store';

const ENDED_CARDS_KEPT = 5;
const ENDED_CARD_MS = 15_000;
/** Longest an inbound card waits for its lookup before it is drawn without it. */
export const CARD_WAIT_MS = 150;

interface EntryState {
  /** Set before we end a call ourselves, so the final state knows why. */
  endReason: EndReason | null;
  endDetail: string | null;
  /** The softphone could not answer or place the call (failure.ts): what the card and the record say. */
  failure: CallFailure | null;
  cancelled: 'caller' | 'elsewhere' | null;
  statsTimer: ReturnType<typeof setInterval> | null;
  dtmfHooked: boolean;
  finalized: boolean;
}

/** Inbound calls are sip.js Invitations, outbound ones (dialled, or followed REFERs) Inviters. */
export type CallEntry = EntryState & ({ direction: 'inbound'; session: Invitation } | { direction: 'outbound'; session: Inviter });

export function newEntry(session: Invitation, direction: 'inbound'): CallEntry;
export function newEntry(session: Inviter, direction: 'outbound'): CallEntry;
export function newEntry(session: Invitation | Inviter, direction: Direction): CallEntry {
  const state: EntryState = { endReason: null, endDetail: null, failure: null, cancelled: null, statsTimer: null, dtmfHooked: false, finalized: false };
  return { ...state, session, direction } as CallEntry;
}

export function newCallView(id: string, direction: Direction, who: CallerIdentity, target: string | null, customerId: string | null): CallView {
  return {
    id, direction, state: 'ringing', endReason: null, endDetail: null, failure: null, who, target,
    lookup: null, lookupError: null, customerId, customerName: null,
    offeredAt: Date.now(), answeredAt: null, endedAt: null,
    muted: false, busy: false, dtmfSent: '', dtmfReceived: '',
    rtpIn: null, rtpOut: null, energyIn: null, consultFor: null, transfer: null, error: null,
  };
}

export class CallSessions {
  readonly entries = new Map<string, CallEntry>();
  /** Inbound cards waiting for their lookup, so card and pop are drawn in one commit. */
  private readonly pendingCards = new Map<string, { view: CallView; timer: ReturnType<typeof setTimeout> }>();
  /** We are the transferee: set by transfer.ts (a REFER on one of our calls). */
  onRefer: (id: string, referral: Referral) => void = (_id, referral) => void referral.reject().catch(() => {});

  constructor(private readonly events: CallEvents) {}

  get(id: string): CallEntry | undefined {
    return this.entries.get(id);
  }

  hasLive(): boolean {
    for (const e of this.entries.values()) if (!e.finalized) return true;
    return false;
  }

  /** A new call: its card now, or (`waitForLookup`) within CARD_WAIT_MS or when its lookup answers. */
  add(id: string, entry: CallEntry, view: CallView, waitForLookup = false): void {
    this.entries.set(id, entry);
    if (waitForLookup) this.pendingCards.set(id, { view, timer: setTimeout(() => this.ensureCard(id), CARD_WAIT_MS) });
    else addCall(view);
    this.hook(id, entry.session);
    this.events.emit('offered', { callId: id, direction: entry.direction, who: view.who, customerId: view.customerId });
  }

  /** Puts a waiting inbound card on screen (lookup answered, slow host, or the call ended). */
  ensureCard(id: string, patch: Partial<CallView> = {}): void {
    const pending = this.pendingCards.get(id);
    if (!pending) {
      if (Object.keys(patch).length) patchCall(id, patch);
      return;
    }
    clearTimeout(pending.timer);
    this.pendingCards.delete(id);
    addCall({ ...pending.view, ...patch });
    this.updateRinger();
  }

  /** Updates a call's card; a card still waiting for its lookup is drawn at once. */
  patch(id: string, patch: Partial<CallView> | ((c: CallView) => Partial<CallView>)): void {
    if (this.pendingCards.has(id)) this.ensureCard(id);
    patchCall(id, patch);
  }

  /** Shows this call's pop (from its lookup); the pop and case modules follow the `pop` event. */
  show(id: string, inviteAt: number | null = null): void {
    const call = getCall(id);
    if (!call) return;
    if (call.direction === 'inbound') {
      if (inviteAt !== null) markLookupAnswered(id);
      const error = call.lookup ? null : call.lookupError ?? t('call.lookingUp');
      this.events.emit('pop', { callId: id, raw: call.who.withheld ? '' : call.who.identity, result: call.lookup, error, invitedAt: inviteAt });
    }
    useTelephony.setState({ shownId: id });
  }

  private hook(id: string, s: Session): void {
    s.stateChange.addListener(safe('session state', (state: SessionState) => this.onState(id, state)));
    s.delegate = {
      ...s.delegate,
      onInfo: safe('onInfo', (info: Info) => {
        const body = info.request.body ?? '';
        const m = /Signal\s*=\s*([0-9A-D#*])/i.exec(body);
        void info.accept().catch(() => {});
        if (m) this.patch(id, (c) => ({ dtmfReceived: (c.dtmfReceived + m[1]!.toUpperCase()).slice(-64) }));
      }),
      onRefer: safe('onRefer', (referral: Referral) => this.onRefer(id, referral)),
    };
  }

  private onState(id: string, state: SessionState): void {
    const e = this.entries.get(id);
    if (!e) return;
    if (state === SessionState.Established) {
      this.patch(id, { state: 'active', answeredAt: Date.now(), error: null });
      clearAttention(id);
      this.progress(id, 'answered');
      this.events.emit('answered', { callId: id, direction: e.direction });
      e.statsTimer = startCallMedia(id, e.session, (counts) => this.patch(id, counts));
      if (e.direction === 'inbound') useTelephony.setState({ pinnedId: id });
      this.updateRinger();
    } else if (state === SessionState.Terminated) {
      // after the current sip.js callback and the promise handlers it settles: an Inviter
      // terminates before its onReject delegate (which records why) has run, and a failed
      // invite() (no microphone) before its promise rejects into outgoing.ts's catch
      setTimeout(() => this.finalize(id), 0);
    }
  }

  /** Ends a call from our side, whatever its state (teardown, new settings). */
  end(id: string, reason: EndReason): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.endReason ??= reason;
    try {
      const s = e.session;
      if (s.state === SessionState.Established) void s.bye().catch(() => {});
      else if (e.direction === 'outbound' && s.state !== SessionState.Terminated) void e.session.cancel().catch(() => {});
      else if (e.direction === 'inbound' && s.state === SessionState.Initial) void e.session.reject({ statusCode: 480 }).catch(() => {});
    } catch {
      /* going away anyway */
    }
    this.finalize(id);
  }

  endAll(): void {
    for (const [id, e] of this.entries) if (!e.finalized) this.end(id, 'ended');
  }

  finalize(id: string): void {
    const e = this.entries.get(id);
    if (!e || e.finalized) return;
    e.finalized = true;
    this.ensureCard(id);
    const call = getCall(id);
    if (e.statsTimer) clearInterval(e.statsTimer);
    stopRemote(id);
    clearAttention(id);
    const answered = call?.answeredAt != null;
    const reason = endReasonOf(e, answered);
    const event: CallEvent = reason === 'cancelled' ? 'cancelled' : reason === 'declined' ? 'declined' : reason === 'failed' ? 'failed' : 'ended';
    const now = Date.now();
    const failure = reason === 'failed' ? e.failure : null;
    this.patch(id, { state: 'ended', endReason: reason, endDetail: e.endDetail, failure, endedAt: now, busy: false });
    // a failed call is recorded with why (never as "caller hung up")
    this.progress(id, event, reason === 'failed' ? (failure ? failureReason(failure) : e.endDetail) : null);
    const durationS = call?.answeredAt != null ? Math.max(0, Math.round((now - call.answeredAt) / 1000)) : null;
    // cases/callCases.ts ends the case of a call whose pop was replaced by a newer call's
    this.events.emit('ended', { callId: id, direction: e.direction, reason, progress: event, durationS });
    if (useTelephony.getState().pinnedId === id) useTelephony.setState({ pinnedId: null });
    // the consultation of an attended transfer ended without a transfer: back to the caller
    if (call?.consultFor) {
      const orig = getCall(call.consultFor);
      if (orig?.transfer?.status === 'consulting') this.patch(call.consultFor, { transfer: { ...orig.transfer, status: 'failed', detail: t('call.end.ended') } });
    }
    this.updateRinger();
    setTimeout(() => {
      this.entries.delete(id);
      const c = getCall(id);
      if (c && c.state === 'ended' && useTelephony.getState().shownId !== id) removeCall(id);
    }, ENDED_CARD_MS);
    // keep the card list short: only the newest few ended calls stay
    const ended = useTelephony
      .getState()
      .calls.filter((c) => c.state === 'ended')
      .sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0));
    for (const old of ended.slice(ENDED_CARDS_KEPT)) {
      removeCall(old.id);
      const oe = this.entries.get(old.id);
      if (oe?.finalized) this.entries.delete(old.id);
    }
  }

  /** Tells the host how the call moved on (answered, and how it ended; `reason`: why it failed). */
  progress(id: string, event: CallEvent, reason: string | null = null): void {
    const call = getCall(id);
    const why = reason ? failureReasonText(reason) : '';
    bridge
      .invoke('callProgress', { callId: id, event, ...(call?.customerId ? { customerId: call.customerId } : {}), ...(why ? { reason: why } : {}) })
      .catch((err: unknown) => console.warn(`pronto softphone: callProgress ${event} failed`, err));
  }

  /** A full ring when idle, a discreet beep when a call rings while talking. */
  updateRinger(): void {
    const calls = useTelephony.getState().calls;
    const ringing = calls.some((c) => c.state === 'ringing' && c.direction === 'inbound');
    const talking = calls.some((c) => c.state === 'active' || c.state === 'held');
    setRinging(ringing ? (talking ? 'waiting' : 'ring') : null);
  }
}

/** Why a call ended, from what we asked for, what the other side said, and whether it was answered. */
export function endReasonOf(e: Pick<CallEntry, 'endReason' | 'cancelled' | 'direction'>, answered: boolean): EndReason {
  if (e.endReason === 'declined' || e.endReason === 'transferred' || (e.endReason === 'failed' && !answered)) return e.endReason;
  if (answered) return 'ended';
  if (e.cancelled === 'elsewhere') return 'elsewhere';
  if (e.cancelled === 'caller') return 'cancelled';
  if (e.direction === 'inbound') return e.endReason === 'ended' ? 'ended' : 'cancelled';
  return e.endReason ?? 'ended';
}
