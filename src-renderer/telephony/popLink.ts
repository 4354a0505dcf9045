// The softphone feeds the same pop store the simulated calls use, so the same PopView renders a
// real call. Per-call performance marks measure the pop path:
//   invite-received:<callId>  the INVITE reached onInvite
//   pop-painted:<callId>      the first animation frame after React committed that call's pop
// and the measure invite-to-paint:<callId>; the pop strip shows invite→paint as "popped in N ms"
// (app/perf.ts). Nothing here looks marks up or clears them by name while calls ring: each of
// those scans every mark, and there are a few per call.
import { usePop, type SelectedState } from '../pop/store';
import { useSearch } from '../pop/searchStore';
import { setRequestedAt } from '../app/perf';
import type { LookupResult } from '../../src-shared/pop/schema';

export const MARK_INVITE = 'invite-received';
export const MARK_CALL_PAINTED = 'pop-painted';
export const inviteMark = (callId: string): string => `${MARK_INVITE}:${callId}`;
/** The host answered incomingCall (splits host time from render time). */
export const answeredMark = (callId: string): string => `pop-answered:${callId}`;
/** React committed the call's pop (layout effect). */
export const committedMark = (callId: string): string => `pop-committed:${callId}`;
export const paintedMark = (callId: string): string => `${MARK_CALL_PAINTED}:${callId}`;
export const popMeasure = (callId: string): string => `invite-to-paint:${callId}`;

/** Pop-store call ids used for softphone calls (the simulator counts up from 1). */
let popSeq = 1_000_000_000;
const popIdToCall = new Map<number, string>();
const painted = new Set<string>();
/** INVITE time of each marked call (for its measure). */
const inviteAt = new Map<string, number>();
const markedCalls: string[] = [];
const KEEP_MARKS = 5000;

/** Marks the INVITE's arrival; `at`: when its bytes arrived, if read before sip.js parsed it. */
export function markInvite(callId: string, at?: number): number {
  const t = at ?? performance.now();
  try {
    performance.mark(inviteMark(callId), { startTime: t });
    inviteAt.set(callId, t);
    markedCalls.push(callId);
    if (markedCalls.length > KEEP_MARKS) {
      const old = markedCalls.shift()!;
      inviteAt.delete(old);
      performance.clearMarks(inviteMark(old));
      performance.clearMarks(answeredMark(old));
      performance.clearMarks(committedMark(old));
      performance.clearMarks(paintedMark(old));
      performance.clearMeasures(popMeasure(old));
      painted.delete(old);
    }
  } catch {
    /* marks are best effort */
  }
  return t;
}

/** Puts a call's lookup on screen (the pop shows while the phone still rings). */
export function showCallPop(callId: string, raw: string, result: LookupResult | null, error: string | null, invitedAt: number | null): void {
  const id = ++popSeq;
  popIdToCall.set(id, callId);
  if (invitedAt !== null) {
    try {
      performance.mark(answeredMark(callId));
    } catch {
      /* ignore */
    }
  }
  if (popIdToCall.size > 200) popIdToCall.delete(popIdToCall.keys().next().value!);
  // the strip's "popped in N ms": from the INVITE for a ringing call; no figure when the agent
  // brings an older call back on screen
  setRequestedAt(invitedAt);
  const selected: SelectedState | null =
    result && result.match === 'single' && result.pop
      ? { customerId: result.pop.customer.customerId, source: 'lookup', status: 'done', pop: result.pop, error: null }
      : null;
  try {
    const search = useSearch.getState();
    search.clear();
    search.setOpen(false);
  } catch {
    /* the search box is not essential to the pop */
  }
  usePop.setState({
    call: { id, raw, status: error ? 'error' : 'done', result, error },
    selected,
    lastPopMs: null,
  });
}

/** Which softphone call the pop store's current call belongs to ('' for none / simulated). */
export function callOfPop(popCallId: number | undefined): string {
  return popCallId === undefined ? '' : popIdToCall.get(popCallId) ?? '';
}

/** Called from a layout effect after React committed a pop for `callId`: marks the next frame. */
export function markPaintedNextFrame(callId: string): void {
  if (painted.has(callId)) return;
  painted.add(callId);
  try {
    performance.mark(committedMark(callId));
  } catch {
    /* ignore */
  }
  requestAnimationFrame(() => {
    try {
      const at = performance.mark(paintedMark(callId)).startTime;
      const from = inviteAt.get(callId);
      if (from !== undefined) performance.measure(popMeasure(callId), { start: from, end: at });
    } catch {
      /* ignore */
    }
  });
}
