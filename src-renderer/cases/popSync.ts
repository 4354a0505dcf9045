// Keeps the case panel in step with the pop: a call's pop opens that call's draft; the customer
// found for an unknown caller (search, chooser, new contact) is linked to it; a customer opened
// without a call gets a draft of their own (or the one left open for them).
// Softphone calls: their SIP Call-ID comes from pop/callPops; when the softphone says a call
// ended, its case goes into wrap-up (cases/callCases.ts ends the cases not on screen). Simulated
// calls get a `sim-…` call id of their own.
//
// Off the pop path: a call's draft is started POP_SETTLE_MS after its pop went on screen (the pop
// paints first), at once when the call is answered. A pop replaced before then (calls ringing in
// a burst, each newer one on screen for a moment) gets no draft of its own; until the draft is on
// screen the case panel does not take typing (see CasePanel's `waiting`).
import { usePop, type CallState, type SelectedState } from '../pop/store';
import { callOfPop } from '../pop/callPops';
import { getCall, useTelephony } from '../telephony/store';
import { bridge } from '../bridge';
import { newSimCallId, useCases } from './store';
import { POP_SETTLE_MS } from '../app/settle';

const simIds = new Map<number, string>();
function simCallId(popCallId: number): string {
  let id = simIds.get(popCallId);
  if (!id) {
    id = newSimCallId();
    simIds.set(popCallId, id);
    if (simIds.size > 200) simIds.delete(simIds.keys().next().value!);
  }
  return id;
}

/** The contract call id of what the pop shows ('' when no call is on screen or it is still loading). */
export function popCallId(call: CallState | null): string {
  if (!call || call.status === 'loading') return '';
  return callOfPop(call.id) || simCallId(call.id);
}

function popCustomer(selected: SelectedState | null): string | null {
  if (!selected) return null;
  return selected.status === 'done' || selected.status === 'loading' ? selected.customerId : null;
}

let lastKey = '';

/** Calls whose draft was asked for (the softphone ends only those on the host). */
const requested = new Set<string>();
export function caseRequestedFor(callId: string): boolean {
  return requested.has(callId);
}

let deferred: { callId: string; timer: ReturnType<typeof setTimeout> } | null = null;

function cancelDeferred(): void {
  if (!deferred) return;
  clearTimeout(deferred.timer);
  deferred = null;
  if (useCases.getState().pendingCallId !== null) useCases.setState({ pendingCallId: null });
}

/** The draft of the call on screen, once its pop has settled (or at once: answered). */
function deferStart(callId: string): void {
  if (deferred?.callId === callId) return;
  cancelDeferred();
  deferred = { callId, timer: setTimeout(startDeferred, POP_SETTLE_MS) };
  useCases.setState({ pendingCallId: callId });
  if (useTelephony.getState().pinnedId === callId) startDeferred();
}

function startDeferred(): void {
  const d = deferred;
  if (!d) return;
  clearTimeout(d.timer);
  deferred = null;
  const { call, selected } = usePop.getState();
  if (popCallId(call) !== d.callId) return; // another pop took its place meanwhile
  requested.add(d.callId);
  if (requested.size > 1000) requested.delete(requested.values().next().value!);
  const line = getCall(d.callId)?.who.line ?? '';
  void useCases
    .getState()
    .startCaseForPop({ callId: d.callId, customerId: popCustomer(selected), line })
    .finally(() => {
      if (useCases.getState().pendingCallId === d.callId) useCases.setState({ pendingCallId: null });
    });
}

function sync(): void {
  const { call, selected } = usePop.getState();
  if (call?.status === 'loading') return; // wait for the answer
  const callId = popCallId(call);
  const customerId = popCustomer(selected);
  const key = `${callId}|${customerId ?? ''}|${selected?.source ?? ''}`;
  if (key === lastKey) return;
  lastKey = key;
  const cases = useCases.getState();
  const cur = cases.current;

  if (callId) {
    if (cur && cur.callId === callId) {
      cancelDeferred();
      if (cur.status === 'submitted') {
        // This call's case is done: another customer opened now gets a draft of their own.
        if (customerId && customerId !== cur.customerId) void cases.openCustomerCase(customerId);
        return;
      }
      // The caller was identified (search, chooser, new contact), or the agent picked another
      // candidate of the chooser: the call's case follows. A known caller's case keeps its customer.
      if (customerId && customerId !== cur.customerId && (!cur.customerId || selected?.source === 'chooser')) {
        void cases.linkCustomer(customerId);
      }
      return;
    }
    deferStart(callId); // reads the pop (customer, line) when it starts
    return;
  }
  cancelDeferred();
  if (customerId) void cases.openCustomerCase(customerId);
}

/** A softphone call on screen ended: its case goes into wrap-up (idempotent on the host). */
const endedSent = new Set<string>();
function watchTelephony(): void {
  if (deferred && useTelephony.getState().pinnedId === deferred.callId) startDeferred(); // answered
  const cur = useCases.getState().current;
  if (!cur?.callId || cur.status !== 'draft' || endedSent.has(cur.callId)) return;
  const call = getCall(cur.callId);
  if (!call || call.state !== 'ended') return;
  endedSent.add(cur.callId);
  const durationS = call.answeredAt != null && call.endedAt != null ? Math.max(0, Math.round((call.endedAt - call.answeredAt) / 1000)) : null;
  void useCases.getState().callEnded({ callId: cur.callId, durationS });
}

/** Tries again for what the pop shows (after a failed start, e.g. the host was unreachable). */
export function resyncPop(): void {
  lastKey = '';
  sync();
}

let started = false;
export function startPopSync(): void {
  if (started) return;
  started = true;
  usePop.subscribe(sync);
  useTelephony.subscribe(watchTelephony);
  useCases.subscribe((s, prev) => {
    if (s.current !== prev.current) watchTelephony();
  });
  // Back online after a failed start: open the case now.
  bridge.onConnection((c) => {
    if (c === 'open' && useCases.getState().startError) resyncPop();
  });
  sync();
}
