// What the agent does with a call: answer, decline, hang up, hold, mute, send tones. Each one
// acts on the call's sip.js session; the state it leads to is recorded by callSession.ts when
// sip.js reports it (Established, Terminated), except hold, which has no session state of its own.
import { SessionState, Web, type Core } from 'sip.js';
import { bridge } from '../bridge';
import type { CallEvents } from './callEvents';
import type { CallSessions } from './callSession';
import { callFailure, refuseSilentAnswer } from './failure';
import { describe, safe } from './guard';
import { micConstraints } from './media';
import { clearAttention } from './notify';
import { statusText } from './sipMessages';
import { getCall, useTelephony } from './store';

const DTMF_TONE = /^[0-9A-D#*]$/;

export class CallControls {
  constructor(
    private readonly sessions: CallSessions,
    private readonly events: CallEvents,
  ) {}

  async answer(id: string): Promise<void> {
    const e = this.sessions.get(id);
    if (!e || e.direction !== 'inbound' || e.session.state !== SessionState.Initial) return;
    // an attended transfer's replacing call takes over the consultation: that one is not held
    const replacee = e.session.replacee;
    const except = new Set([id]);
    for (const [otherId, other] of this.sessions.entries) if (other.session === replacee) except.add(otherId);
    await this.holdOthers(except);
    useTelephony.setState({ pinnedId: id });
    this.sessions.show(id);
    clearAttention(id);
    try {
      await e.session.accept({ sessionDescriptionHandlerOptions: { constraints: micConstraints() }, sessionDescriptionHandlerModifiers: [refuseSilentAnswer] });
    } catch (err) {
      // usually known already (failure.ts hookAnswerFailure, before sip.js ended the call)
      const failure = e.failure ?? callFailure(err);
      e.failure = failure;
      e.endReason = 'failed';
      e.endDetail = failure.detail;
      this.sessions.patch(id, { error: describe(err) });
    }
  }

  async decline(id: string): Promise<void> {
    const e = this.sessions.get(id);
    if (!e || e.direction !== 'inbound' || e.session.state !== SessionState.Initial) return;
    e.endReason = 'declined';
    try {
      await e.session.reject({ statusCode: 486, reasonPhrase: 'Busy Here' });
    } catch (err) {
      this.sessions.patch(id, { error: describe(err) });
    }
  }

  /** Ends the call in whatever way its state allows: BYE, CANCEL, or declining a ringing one. */
  async hangup(id: string): Promise<void> {
    const e = this.sessions.get(id);
    if (!e) return;
    const s = e.session;
    try {
      if (s.state === SessionState.Established) {
        e.endReason ??= 'ended';
        await s.bye();
      } else if (e.direction === 'outbound' && (s.state === SessionState.Initial || s.state === SessionState.Establishing)) {
        e.endReason ??= 'ended';
        await e.session.cancel();
      } else if (e.direction === 'inbound' && s.state === SessionState.Initial) {
        await this.decline(id);
      }
    } catch (err) {
      this.sessions.patch(id, { error: describe(err) });
    }
  }

  /** Hold or resume by re-INVITE; the card is `busy` until the other side answered it. */
  async hold(id: string, on: boolean): Promise<void> {
    const e = this.sessions.get(id);
    const call = getCall(id);
    if (!e || !call || call.busy || e.session.state !== SessionState.Established) return;
    if ((call.state === 'held') === on) return;
    const s = e.session;
    this.sessions.patch(id, { busy: true, error: null });
    const opts = { ...(s.sessionDescriptionHandlerOptionsReInvite as Web.SessionDescriptionHandlerOptions), hold: on };
    s.sessionDescriptionHandlerOptionsReInvite = opts;
    const apply = (held: boolean) => {
      const sdh = s.sessionDescriptionHandler;
      if (sdh instanceof Web.SessionDescriptionHandler) {
        sdh.enableReceiverTracks(!held);
        sdh.enableSenderTracks(!held && !(getCall(id)?.muted ?? false));
      }
    };
    await new Promise<void>((resolve) => {
      s.invite({
        requestDelegate: {
          onAccept: safe('hold accepted', () => {
            apply(on);
            this.sessions.patch(id, { busy: false, state: on ? 'held' : 'active' });
            this.events.emit('held', { callId: id, held: on });
            // the call's record at the hub (what only this desktop knows): call.hold / call.resume
            bridge.invoke('callHeld', { callId: id, held: on }).catch(() => {});
            resolve();
          }),
          onReject: safe('hold rejected', (response: Core.IncomingResponse) => {
            s.sessionDescriptionHandlerOptionsReInvite = { ...opts, hold: !on } as Web.SessionDescriptionHandlerOptions;
            this.sessions.patch(id, { busy: false, error: statusText(response) });
            resolve();
          }),
        },
      }).catch((err: unknown) => {
        s.sessionDescriptionHandlerOptionsReInvite = { ...opts, hold: !on } as Web.SessionDescriptionHandlerOptions;
        this.sessions.patch(id, { busy: false, error: describe(err) });
        resolve();
      });
    });
  }

  /** The agent's attention moves to another call: put the talking ones on hold. */
  async holdOthers(except: string | Set<string>): Promise<void> {
    const skip = typeof except === 'string' ? new Set([except]) : except;
    const others = useTelephony.getState().calls.filter((c) => !skip.has(c.id) && c.state === 'active');
    await Promise.all(others.map((c) => this.hold(c.id, true)));
  }

  mute(id: string, on: boolean): void {
    const e = this.sessions.get(id);
    if (!e) return;
    const sdh = e.session.sessionDescriptionHandler;
    const held = getCall(id)?.state === 'held';
    if (sdh instanceof Web.SessionDescriptionHandler) sdh.enableSenderTracks(!on && !held);
    this.sessions.patch(id, { muted: on });
  }

  /** RFC 4733 telephone-events through the RTCDTMFSender; SIP INFO when there is none. */
  dtmf(id: string, tone: string): void {
    const e = this.sessions.get(id);
    if (!e || !DTMF_TONE.test(tone) || e.session.state !== SessionState.Established) return;
    const sdh = e.session.sessionDescriptionHandler;
    const pc = sdh instanceof Web.SessionDescriptionHandler ? sdh.peerConnection : undefined;
    const dtmfSender = pc?.getSenders().find((s) => s.track?.kind === 'audio' || s.dtmf)?.dtmf ?? null;
    if (dtmfSender && dtmfSender.canInsertDTMF) {
      if (!e.dtmfHooked) {
        e.dtmfHooked = true;
        // a tone counts as sent when the sender actually plays it out into the RTP stream
        dtmfSender.addEventListener('tonechange', (ev: RTCDTMFToneChangeEvent) => {
          if (ev.tone) this.sessions.patch(id, (c) => ({ dtmfSent: (c.dtmfSent + ev.tone).slice(-64) }));
        });
      }
      try {
        dtmfSender.insertDTMF(dtmfSender.toneBuffer + tone, 100, 70);
        return;
      } catch (err) {
        console.warn('pronto softphone: RTP DTMF failed, using SIP INFO', err);
      }
    }
    e.session
      .info({ requestOptions: { body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: `Signal=${tone}\r\nDuration=160` } } })
      .then(() => this.sessions.patch(id, (c) => ({ dtmfSent: (c.dtmfSent + tone).slice(-64) })))
      .catch((err: unknown) => this.sessions.patch(id, { error: describe(err) }));
  }
}
