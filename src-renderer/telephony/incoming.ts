// A call rings: record it with the host, look the caller up, and draw its card and its pop in
// one React commit (the card waits up to CARD_WAIT_MS for the lookup). This is the pop path:
// nothing before the host round trip may wait for anything else.
import type { Cancel, Invitation } from 'sip.js';
import type { LookupResult } from '../../src-shared/pop/schema';
import { callerIdentity, type CallerIdentity } from '../../src-shared/telephony/identity';
import { bridge } from '../bridge';
import { t } from '../i18n';
import type { CallEvents } from './callEvents';
import type { CallControls } from './callControls';
import { newCallView, newEntry, type CallSessions } from './callSession';
import type { EarlyLookups } from './earlyInvite';
import { hookAnswerFailure } from './failure';
import { describe, safe, uuid } from './guard';
import { attention } from './notify';
import type { PhoneLine } from './outgoing';
import { markInvite } from './popMarks';
import { headersOf, safeHeader } from './sipMessages';
import { getCall, useTelephony } from './store';

function customerName(result: LookupResult | null): string | null {
  if (!result) return null;
  if (result.match === 'single' && result.pop) return result.pop.customer.name;
  return null;
}

export class IncomingCalls {
  constructor(
    private readonly line: Pick<PhoneLine, 'config'>,
    private readonly sessions: CallSessions,
    private readonly controls: CallControls,
    private readonly events: CallEvents,
    /** Lookups started from the raw INVITE text, before sip.js parsed it (earlyInvite.ts). */
    private readonly early: EarlyLookups<LookupResult>,
  ) {}

  onInvite(invitation: Invitation): void {
    const req = invitation.request;
    const sipCallId = typeof req.callId === 'string' ? req.callId.trim() : '';
    let id = sipCallId ? sipCallId.slice(0, 200) : `no-call-id-${uuid()}`;
    if (this.sessions.get(id)) id = `${id}~${uuid().slice(0, 8)}`;
    const { headers, ruri } = headersOf(req);
    const who = callerIdentity(headers, ruri);
    const region = this.line.config()?.region;
    // the lookup that left when the INVITE's bytes arrived, if it asked for this same caller
    const early = sipCallId && !who.withheld ? this.early.take(sipCallId, who.identity) : null;
    const inviteAt = markInvite(id, early?.at);

    // The pop path: one host round trip, started before anything else is drawn. incomingCall
    // records the call (and looks the caller up again when there was no early lookup).
    const record = bridge.invoke('incomingCall', {
      callId: id,
      identity: who.identity,
      display: who.display,
      line: who.line,
      forwardedBy: who.forwardedBy,
      withheld: who.withheld,
      ...(region ? { region } : {}),
      // a queue's offer: its wrap-up rule for the agent state (src-shared/agent-state/machine.ts)
      wrapUp: safeHeader(req, 'X-Pronto-Wrapup').slice(0, 128),
    });

    const entry = newEntry(invitation, 'inbound');
    // an answer that fails (an offer the browser cannot accept, no microphone) ends as `failed`
    // with why, and the caller hears 488 for an offer we cannot take (failure.ts)
    hookAnswerFailure(invitation, (failure) => {
      entry.failure = failure;
      entry.endReason = 'failed';
      entry.endDetail = failure.detail;
    });
    // The card waits for the lookup (a few ms) so card and pop are one React commit; it shows
    // on its own if the host is slow.
    this.sessions.add(id, entry, newCallView(id, 'inbound', who, null, null), true);
    invitation.delegate = {
      ...invitation.delegate,
      onCancel: safe('onCancel', (cancel: Cancel) => {
        entry.cancelled = /cause\s*=\s*200\b/i.test(safeHeader(cancel.request, 'Reason')) ? 'elsewhere' : 'caller';
      }),
    };
    if (early) record.catch((err: unknown) => console.warn('pronto softphone: incomingCall failed', err));
    const lookup = early ? early.promise.catch(() => record) : record;
    lookup.then(
      (result) => this.onLookup(id, who, result, null, inviteAt),
      (err: unknown) => this.onLookup(id, who, null, describe(err), inviteAt),
    );
    // after the lookup's handlers: without an early lookup they share one answer, and the pop
    // comes first
    record.then(
      () => this.events.emit('recorded', { callId: id, direction: 'inbound' }),
      () => {},
    );

    // Attended transfer arriving at the target: the replacing call takes over at once.
    if (invitation.replacee) {
      void this.controls.answer(id);
    }
  }

  private onLookup(id: string, who: CallerIdentity, result: LookupResult | null, error: string | null, inviteAt: number): void {
    const name = customerName(result);
    const customerId = result?.match === 'single' ? result.pop?.customer.customerId ?? null : null;
    // card and pop in the same task: React draws them in one commit
    this.sessions.ensureCard(id, { lookup: result, lookupError: error, customerId, customerName: name });
    this.events.emit('lookup', { callId: id, result, error });
    const s = useTelephony.getState();
    const pinned = s.pinnedId ? getCall(s.pinnedId) : undefined;
    const pinnedLive = pinned && pinned.state !== 'ended';
    if (!pinnedLive) this.sessions.show(id, inviteAt);
    const call = getCall(id);
    if (call && call.state === 'ringing') {
      const body = name
        ? `${name}${result?.pop?.customer.company ? ` — ${result.pop.customer.company}` : ''}`
        : who.withheld
          ? t('notify.withheld')
          : t('notify.unknown', { number: result?.normalized ?? who.identity });
      // after the pop is painted: nothing on the pop path waits for a notification
      requestAnimationFrame(() => setTimeout(() => void attention(id, t('notify.title'), body), 0));
    }
  }
}
