// The cases' side of softphone calls, following the softphone's call events
// (telephony/callEvents.ts): a call dialled from a customer's pop gets that customer's case at
// once; a call that ends while its case is not the one on screen (a newer call's pop replaced
// it) has that case ended here. The case on screen is moved to wrap-up by popSync instead.
import { bridge } from '../bridge';
import type { CallEvents } from '../telephony/callEvents';
import { caseRequestedFor } from './popSync';
import { useCases } from './store';

const KEEP = 1000;

/** Subscribes; returns the unsubscribe. */
export function followCallCases(events: CallEvents): () => void {
  /** Outbound calls whose case was opened here (inbound ones are opened by popSync). */
  const started = new Set<string>();
  const offDialing = events.on('dialing', ({ callId, customerId }) => {
    if (!customerId) return;
    started.add(callId);
    if (started.size > KEEP) started.delete(started.values().next().value!);
    void useCases.getState().startCaseForPop({ callId, customerId });
  });
  const offEnded = events.on('ended', ({ callId, durationS }) => {
    const hasCase = started.delete(callId) || caseRequestedFor(callId);
    if (!hasCase || useCases.getState().current?.callId === callId) return;
    // off the softphone's task; the host treats a repeat as a no-op
    setTimeout(() => {
      bridge.invoke('caseCallEnded', { callId, durationS }).catch((err: unknown) => console.warn('pronto softphone: caseCallEnded failed', err));
    }, 0);
  });
  return () => {
    offDialing();
    offEnded();
  };
}
