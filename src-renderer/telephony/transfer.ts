// Transfers, both ways round:
//   - we transfer: blind (REFER, then leave the call) or attended (hold the caller, consult the
//     target on a second call, then REFER the caller with Replaces = the consultation dialog);
//   - we are the transferee: a REFER on one of our calls is followed with a new call.
// The card of the transferred call shows transfer.status: pending → done | failed (consulting
// while an attended transfer's consultation runs).
import { Inviter, SessionState, type Core, type Notification as SipNotification, type Referral, type URI } from 'sip.js';

/** How long the transfer target gets to end a replaced consultation before we do (RFC 5589 §7). */
export const CONSULT_GRACE_MS = 2000;
import { t } from '../i18n';
import type { CallControls } from './callControls';
import { newCallView, newEntry, type CallEntry, type CallSessions } from './callSession';
import { describe, safe, uuid } from './guard';
import { micConstraints } from './media';
import { targetUri, type OutgoingCalls, type PhoneLine } from './outgoing';
import { sipfragStatus, statusText } from './sipMessages';
import { getCall } from './store';

export class Transfers {
  constructor(
    private readonly line: PhoneLine,
    private readonly sessions: CallSessions,
    private readonly controls: CallControls,
    private readonly outgoing: OutgoingCalls,
  ) {
    sessions.onRefer = (id, referral) => this.onRefer(id, referral);
  }

  /** Blind transfer: REFER to the target, then leave the call. */
  async blind(id: string, target: string): Promise<void> {
    const e = this.sessions.get(id);
    const uri = targetUri(target, this.line.config());
    if (!e || !uri || e.session.state !== SessionState.Established) {
      this.sessions.patch(id, { transfer: { target, mode: 'blind', status: 'failed', detail: uri ? null : 'invalid target' } });
      return;
    }
    this.sessions.patch(id, { transfer: { target, mode: 'blind', status: 'pending', detail: null } });
    await this.refer(id, e, uri, target, 'blind');
  }

  /** Attended transfer, step 1: hold the caller and call the target. */
  async startConsult(id: string, target: string): Promise<void> {
    const e = this.sessions.get(id);
    if (!e || e.session.state !== SessionState.Established || !targetUri(target, this.line.config())) {
      this.sessions.patch(id, { transfer: { target, mode: 'attended', status: 'failed', detail: 'invalid target' } });
      return;
    }
    await this.controls.hold(id, true);
    this.sessions.patch(id, { transfer: { target, mode: 'attended', status: 'consulting', detail: null } });
    const consult = await this.outgoing.dial(target, { consultFor: id });
    if (!consult) this.sessions.patch(id, { transfer: { target, mode: 'attended', status: 'failed', detail: t('dial.notReady') } });
  }

  /**
   * Attended transfer, step 2: REFER the caller to the target with Replaces = the consultation
   * dialog. The Refer-To is the target's address of record (the PBX routes by number; a WS
   * contact is not reachable from outside).
   */
  completeConsult(consultId: string): void {
    const consult = getCall(consultId);
    const origId = consult?.consultFor;
    const c = this.sessions.get(consultId);
    const o = origId ? this.sessions.get(origId) : undefined;
    if (!consult || !origId || !c || !o) return;
    const dialog = c.session.dialog;
    const target = consult.target ?? '';
    const aor = targetUri(target, this.line.config());
    if (!dialog || !aor || c.session.state !== SessionState.Established || o.session.state !== SessionState.Established) {
      this.sessions.patch(origId, { transfer: { target, mode: 'attended', status: 'failed', detail: 'consultation not established' } });
      return;
    }
    const replaces = `${dialog.callId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`;
    this.sessions.patch(origId, { transfer: { target, mode: 'attended', status: 'pending', detail: null } });
    // sip.js writes a URI Refer-To without <>, which is unparsable once it carries ?Replaces=
    // (RFC 3261 §20: a URI with '?' must be bracketed): send the REFER on the dialog ourselves.
    const referTo = `<${aor.toString()}?Replaces=${encodeURIComponent(replaces)}>`;
    const ua = this.line.ua();
    const origDialog = o.session.dialog;
    if (!ua || !origDialog) return;
    const settle = this.settle(origId, o, target, 'attended');
    const done = (ok: boolean, detail: string | null) => {
      settle(ok, detail);
      // The target should end the replaced consultation itself (RFC 3891); a gateway or carrier
      // that does not would leave it, and its media session in the bridge, open: end it for them.
      if (ok) setTimeout(() => {
        if (c.session.state === SessionState.Established) void c.session.bye().catch(() => {});
      }, CONSULT_GRACE_MS);
    };
    o.session.delegate = {
      ...o.session.delegate,
      onNotify: safe('REFER NOTIFY', (n: SipNotification) => this.onNotify(n, done)),
    };
    try {
      origDialog.refer(
        { onReject: safe('REFER rejected', (r: Core.IncomingResponse) => done(false, statusText(r))) },
        {
          extraHeaders: [
            `Referred-By: <${ua.configuration.uri.toString()}>`,
            `Contact: ${ua.contact.toString()}`,
            'Allow: ACK,CANCEL,INVITE,MESSAGE,BYE,OPTIONS,INFO,NOTIFY,REFER',
            `Refer-To: ${referTo}`,
          ],
        },
      );
    } catch (err) {
      done(false, describe(err));
    }
  }

  private async refer(id: string, e: CallEntry, uri: URI, target: string, mode: 'blind' | 'attended'): Promise<void> {
    const done = this.settle(id, e, target, mode);
    try {
      await e.session.refer(uri, {
        requestDelegate: {
          onAccept: safe('REFER accepted', () => {
            // blind: our part is done once the transferee took it; attended: wait for its NOTIFY
            if (mode === 'blind') done(true, null);
          }),
          onReject: safe('REFER rejected', (r: Core.IncomingResponse) => done(false, statusText(r))),
        },
        onNotify: safe('REFER NOTIFY', (n: SipNotification) => this.onNotify(n, done)),
      });
    } catch (err) {
      done(false, describe(err));
    }
  }

  /** The transfer's outcome, once: a done transfer leaves the call (BYE). */
  private settle(id: string, e: CallEntry, target: string, mode: 'blind' | 'attended'): (ok: boolean, detail: string | null) => void {
    let settled = false;
    return (ok, detail) => {
      if (settled) return;
      settled = true;
      this.sessions.patch(id, { transfer: { target, mode, status: ok ? 'done' : 'failed', detail } });
      if (ok) {
        e.endReason = 'transferred';
        if (e.session.state === SessionState.Established) void e.session.bye().catch(() => {});
      }
    };
  }

  /** The transferee reports the new call's progress as message/sipfrag NOTIFYs. */
  private onNotify(n: SipNotification, done: (ok: boolean, detail: string | null) => void): void {
    void n.accept().catch(() => {});
    const code = sipfragStatus(n.request.body);
    if (code >= 200 && code < 300) done(true, null);
    else if (code >= 300) done(false, `SIP/2.0 ${code}`);
  }

  /** We are the transferee: follow the REFER with a new call, the old one ends. */
  private onRefer(id: string, referral: Referral): void {
    const e = this.sessions.get(id);
    const ua = this.line.ua();
    if (!e || !ua) {
      void referral.reject().catch(() => {});
      return;
    }
    let inviter: Inviter;
    try {
      // parses Refer-To (and its Replaces): an unusable REFER is refused, not half-accepted
      inviter = referral.makeInviter({ sessionDescriptionHandlerOptions: { constraints: micConstraints() } });
    } catch (err) {
      console.warn('pronto softphone: REFER refused', err);
      void referral.reject({ statusCode: 400 }).catch(() => {});
      return;
    }
    referral
      .accept()
      .then(() => {
        const newId = (inviter.request.callId || uuid()).slice(0, 200);
        const old = getCall(id);
        const target = referral.referTo.uri.user ?? referral.referTo.uri.toString();
        const who = { identity: target, display: '', withheld: false, line: '', forwardedBy: null };
        this.sessions.add(newId, newEntry(inviter, 'outbound'), newCallView(newId, 'outbound', who, target, old?.customerId ?? null));
        return inviter.invite();
      })
      .catch((err: unknown) => console.warn('pronto softphone: transfer not followed', err));
  }
}
