// Placing calls: click-to-dial from a pop, a typed number or extension, an attended transfer's
// consultation. A customer's case is opened by the cases module on the `dialing` event.
import { Inviter, SessionState, UserAgent, type Core, type InviterOptions, type URI } from 'sip.js';
import type { SoftphoneConfig } from '../../src-shared/api/contract';
import type { CallerIdentity } from '../../src-shared/telephony/identity';
import { bridge } from '../bridge';
import type { CallEvents } from './callEvents';
import type { CallControls } from './callControls';
import { newCallView, newEntry, type CallSessions } from './callSession';
import { callFailure, isMediaRefusal, refusalFailure } from './failure';
import { safe, uuid } from './guard';
import { micConstraints } from './media';
import { statusText } from './sipMessages';
import { useTelephony } from './store';

export interface DialOptions {
  /** The customer whose pop we dial from (their case follows the call). */
  customerId?: string | null;
  /** That customer's name, for the card. */
  customerName?: string | null;
  /** Attended transfer: the call this consultation is for (it stays on hold, not this one). */
  consultFor?: string;
}

export interface PhoneLine {
  ua(): UserAgent | null;
  config(): SoftphoneConfig | null;
}

/** A typed number or extension as a SIP URI at our own domain; a sip:/tel: URI as it is. */
export function targetUri(target: string, config: SoftphoneConfig | null): URI | undefined {
  const t = target.trim();
  if (!t || t.length > 256) return undefined;
  if (/^(sips?|tel):/i.test(t)) return UserAgent.makeURI(t);
  const number = t.replace(/[\s().\-/]/g, '');
  if (!/^\+?[0-9*#]{1,32}$/.test(number)) return undefined;
  const own = config ? UserAgent.makeURI(config.uri) : undefined;
  if (!own?.host) return undefined;
  return UserAgent.makeURI(`sip:${number}@${own.host}${own.port ? `:${own.port}` : ''}`);
}

type NewInviter = (ua: UserAgent, uri: URI, options: InviterOptions) => Inviter;

export class OutgoingCalls {
  constructor(
    private readonly line: PhoneLine,
    private readonly sessions: CallSessions,
    private readonly controls: CallControls,
    private readonly events: CallEvents,
    /** Tests hand in a fake; the app uses sip.js's Inviter. */
    private readonly newInviter: NewInviter = (ua, uri, options) => new Inviter(ua, uri, options),
  ) {}

  /** Resolves with the call id (null: not registered, or not a number we can call). */
  async dial(target: string, opts: DialOptions = {}): Promise<string | null> {
    const ua = this.line.ua();
    const uri = targetUri(target, this.line.config());
    if (!ua || !uri) return null;
    if (useTelephony.getState().reg.kind !== 'registered') return null;
    let inviter: Inviter;
    try {
      inviter = this.newInviter(ua, uri, { sessionDescriptionHandlerOptions: { constraints: micConstraints() } });
    } catch (err) {
      console.warn('pronto softphone: cannot dial', err);
      return null;
    }
    const id = (inviter.request.callId || uuid()).slice(0, 200);
    const entry = newEntry(inviter, 'outbound');
    const who: CallerIdentity = { identity: target, display: '', withheld: false, line: '', forwardedBy: null };
    const view = newCallView(id, 'outbound', who, target, opts.customerId ?? null);
    view.consultFor = opts.consultFor ?? null;
    if (opts.customerId && opts.customerName) view.customerName = opts.customerName;
    this.sessions.add(id, entry, view);
    if (!opts.consultFor) {
      // the agent's attention moves to the new call: put a talking call on hold
      await this.controls.holdOthers(id);
    }
    try {
      await bridge.invoke('outgoingCall', { callId: id, target: target.slice(0, 512), customerId: opts.customerId ?? null });
      this.events.emit('recorded', { callId: id, direction: 'outbound' });
    } catch (err) {
      console.warn('pronto softphone: outgoingCall not recorded', err);
    }
    // the pop stays on the customer we dial: cases/callCases.ts opens the new call's case
    this.events.emit('dialing', { callId: id, customerId: opts.customerId ?? null });
    try {
      await inviter.invite({
        requestDelegate: {
          onReject: safe('INVITE rejected', (response: Core.IncomingResponse) => {
            entry.endReason = 'failed';
            entry.endDetail = statusText(response);
            // the far end could not take our audio offer (488, 415, 606): "could not connect audio"
            if (isMediaRefusal(response.message.statusCode ?? 0)) entry.failure = refusalFailure(entry.endDetail);
          }),
        },
      });
    } catch (err) {
      // no microphone, microphone denied, no offer could be made: the call was never placed
      const failure = callFailure(err);
      entry.failure = failure;
      entry.endReason = 'failed';
      entry.endDetail = failure.detail;
      if (inviter.state === SessionState.Initial) this.sessions.finalize(id);
    }
    return id;
  }
}
