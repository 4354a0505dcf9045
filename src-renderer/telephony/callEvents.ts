// What the softphone tells the rest of the renderer about its calls. The softphone only emits:
// the pop (pop/callPops.ts) and the cases (cases/callCases.ts) subscribe, so the telephony code
// never imports their stores, and a new listener (agent state, queue events) needs no edit here.
//
// Delivery is synchronous, in the order of emission, at the exact points where the softphone
// used to write those stores itself: a subscriber sees the same state, in the same task, as
// before. A throwing subscriber is logged and skipped: it must never stop the next call.
import type { LookupResult } from '../../src-shared/pop/schema';
import type { CallEvent } from '../../src-shared/telephony/calls';
import type { CallerIdentity } from '../../src-shared/telephony/identity';
import type { EndReason } from './store';

export type Direction = 'inbound' | 'outbound';

export interface CallEventMap {
  /** A call's card exists (inbound: INVITE accepted by sip.js; outbound: dialled). */
  offered: { callId: string; direction: Direction; who: CallerIdentity; customerId: string | null };
  /** Inbound: the caller's lookup answered (or failed: `error`). */
  lookup: { callId: string; result: LookupResult | null; error: string | null };
  /** The host recorded the call (incomingCall / outgoingCall answered). */
  recorded: { callId: string; direction: Direction };
  /** This call's pop goes on screen. `invitedAt`: INVITE time when it pops as it rings, else null. */
  pop: { callId: string; raw: string; result: LookupResult | null; error: string | null; invitedAt: number | null };
  /** Outbound: the INVITE is about to leave; `customerId` when dialled from a customer's pop. */
  dialing: { callId: string; customerId: string | null };
  answered: { callId: string; direction: Direction };
  /** A hold or resume was accepted by the other side. */
  held: { callId: string; held: boolean };
  /** The call is over; `progress` is what was reported to the host. */
  ended: { callId: string; direction: Direction; reason: EndReason; progress: CallEvent; durationS: number | null };
}

export type CallEventName = keyof CallEventMap;
type Listener<K extends CallEventName> = (event: CallEventMap[K]) => void;

/** A small typed emitter (no Node `events` in the renderer bundle). */
export class CallEvents {
  private readonly listeners = new Map<CallEventName, Set<Listener<never>>>();

  /** Subscribes; returns the unsubscribe. */
  on<K extends CallEventName>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  emit<K extends CallEventName>(name: K, event: CallEventMap[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<K>)(event);
      } catch (err) {
        console.warn(`pronto softphone: ${name} listener failed`, err);
      }
    }
  }
}

/** The page's softphone emits here (one softphone per page). */
export const callEvents = new CallEvents();
