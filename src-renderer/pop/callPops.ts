// Softphone calls on the pop: the softphone emits `pop` (telephony/callEvents.ts) and this
// puts that call's lookup into the same pop store the simulated calls use, so the same PopView
// renders a real call. It also remembers which pop belongs to which call (cases/popSync opens
// that call's case; the softphone's paint probe marks that call's paint).
import type { LookupResult } from '../../src-shared/pop/schema';
import { setRequestedAt } from '../app/perf';
import type { CallEvents } from '../telephony/callEvents';
import { useSearch } from './searchStore';
import { usePop, type SelectedState } from './store';

/** Pop-store call ids used for softphone calls (the simulator counts up from 1). */
let popSeq = 1_000_000_000;
const popIdToCall = new Map<number, string>();

/** Puts a call's lookup on screen (the pop shows while the phone still rings). */
export function showCallPop(callId: string, raw: string, result: LookupResult | null, error: string | null, invitedAt: number | null): void {
  const id = ++popSeq;
  popIdToCall.set(id, callId);
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

/** Follows the softphone's `pop` events; returns the unsubscribe. */
export function followCallPops(events: CallEvents): () => void {
  return events.on('pop', ({ callId, raw, result, error, invitedAt }) => {
    // the agent clicked the card of the call already on screen: nothing to redraw
    if (invitedAt === null && callOfPop(usePop.getState().call?.id) === callId) return;
    showCallPop(callId, raw, result, error, invitedAt);
  });
}
