// The softphone: one sip.js UserAgent over WebSocket and the calls it rings or places. This file
// builds the UserAgent from the settings and hands the work to its parts:
//   registration.ts  connection, REGISTER, backoff and retry
//   incoming.ts      a ringing call: host record, lookup, card and pop
//   outgoing.ts      dialling
//   callSession.ts   one call's state transitions, its card, how it ended
//   callControls.ts  answer, decline, hang up, hold, mute, DTMF
//   transfer.ts      blind and attended transfers, and REFERs we receive
//   media.ts         ring tone, remote audio, devices, RTP counters
// It writes only the telephony store (store.ts, rendered by React) and emits call events
// (callEvents.ts) that the pop and the cases follow; it imports neither of them.
import { SIPExtension, UserAgent, type Invitation } from 'sip.js';
import { SoftphoneConfig } from '../../src-shared/api/contract';
import type { LookupResult } from '../../src-shared/pop/schema';
import { bridge } from '../bridge';
import { watchForWake } from './backoff';
import { callEvents, type CallEvents } from './callEvents';
import { CallControls } from './callControls';
import { CallSessions } from './callSession';
import { EarlyLookups, readRawInvite } from './earlyInvite';
import { installFastGrammar } from './fastGrammar';
import { describe, safe } from './guard';
import { IncomingCalls } from './incoming';
import { guardIncoming, type GuardedTransport } from './inviteGuard';
import { refreshDevices, unlockAudioOnGesture, watchDevices } from './media';
import { syncNotifyPermission } from './notify';
import { OutgoingCalls, type DialOptions } from './outgoing';
import { HostCredentials } from './hostCredentials';
import { Registration } from './registration';
import { getCall, removeCall, useTelephony } from './store';
import { Transfers } from './transfer';

export class Softphone {
  private config: SoftphoneConfig | null = null;
  private readonly early = new EarlyLookups<LookupResult>();
  private readonly sessions: CallSessions;
  private readonly registration: Registration;
  private readonly controls: CallControls;
  private readonly incoming: IncomingCalls;
  private readonly outgoing: OutgoingCalls;
  private readonly transfers: Transfers;
  /** Set when the settings came from the host without a password (the host keeps it). */
  private hostCredentials: HostCredentials | null = null;
  private started = false;
  private cleanups: (() => void)[] = [];

  constructor(readonly events: CallEvents = callEvents) {
    const line = { ua: () => this.registration.ua, config: () => this.config };
    this.sessions = new CallSessions(events);
    this.registration = new Registration({
      hasLiveCalls: () => this.sessions.hasLive(),
      learnChallenge: (response) => this.hostCredentials?.learn(response) ?? Promise.resolve(false),
    });
    this.controls = new CallControls(this.sessions, events);
    this.incoming = new IncomingCalls(line, this.sessions, this.controls, events, this.early);
    this.outgoing = new OutgoingCalls(line, this.sessions, this.controls, events);
    this.transfers = new Transfers(line, this.sessions, this.controls, this.outgoing);
  }

  /** Once per page: load the settings from the host and connect. */
  start(): void {
    if (this.started) return;
    this.started = true;
    installFastGrammar();
    syncNotifyPermission();
    void refreshDevices();
    this.cleanups.push(unlockAudioOnGesture(), watchDevices());
    this.cleanups.push(watchForWake(safe('wake', () => this.registration.kick('wake'))));
    const onOnline = safe('online', () => this.registration.kick('online'));
    const onVisible = safe('visible', () => {
      if (document.visibilityState === 'visible' && useTelephony.getState().reg.kind !== 'registered') this.registration.kick('visible');
    });
    const onHide = safe('pagehide', () => {
      void this.registration.ua?.stop().catch(() => {});
    });
    window.addEventListener('online', onOnline);
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('pagehide', onHide);
    this.cleanups.push(() => {
      window.removeEventListener('online', onOnline);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('pagehide', onHide);
    });
    void this.loadConfig(0);
  }

  private async loadConfig(tries: number): Promise<void> {
    try {
      const config = await bridge.invoke('softphoneConfig', {});
      useTelephony.setState({ config, configError: null });
      if (config) await this.configure(config);
      else this.registration.setReg({ kind: 'unconfigured' });
    } catch (err) {
      useTelephony.setState({ configError: describe(err) });
      // the host may still be starting: try again, spaced out
      setTimeout(() => void this.loadConfig(tries + 1), Math.min(10_000, 500 * 2 ** Math.min(tries, 5)));
    }
  }

  /** New settings (or the first ones): tear down, connect and register with them. */
  async configure(raw: SoftphoneConfig): Promise<void> {
    const gen = this.registration.begin();
    await this.teardown();
    if (!this.registration.isCurrent(gen)) return;
    const parsed = SoftphoneConfig.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      this.registration.setReg({ kind: 'failed', reason: 'config', detail: i ? `${i.path.join('.')}: ${i.message}` : 'invalid' });
      return;
    }
    const config = parsed.data;
    this.config = config;
    useTelephony.setState({ config });
    const uri = UserAgent.makeURI(config.uri);
    if (!uri) {
      this.registration.setReg({ kind: 'failed', reason: 'config', detail: `uri: "${config.uri}" is not a SIP URI` });
      return;
    }
    let ua: UserAgent;
    try {
      ua = new UserAgent({
        uri,
        displayName: config.displayName || undefined,
        authorizationUsername: config.user,
        authorizationPassword: config.password,
        transportOptions: { server: config.server, connectionTimeout: 4, keepAliveInterval: 0 },
        reconnectionAttempts: 0, // ours: backoff with jitter, see registration.ts
        sipExtensionReplaces: SIPExtension.Supported,
        userAgentString: 'Pronto softphone (sip.js)',
        logBuiltinEnabled: false,
        logLevel: 'warn',
        logConnector: (level, category, _label, content) => {
          if (level === 'error') console.warn(`sip.js ${category}: ${content}`);
        },
        noAnswerTimeout: 300,
        sessionDescriptionHandlerFactoryOptions: {
          peerConnectionConfiguration: { iceServers: [] },
          iceGatheringTimeout: 1000,
        },
        delegate: {
          onConnect: safe('onConnect', () => this.registration.onConnect(gen)),
          onDisconnect: safe('onDisconnect', (error?: Error) => this.registration.onDisconnect(gen, error)),
          onInvite: (invitation: Invitation) => this.onInvite(gen, invitation),
        },
      });
    } catch (err) {
      this.registration.setReg({ kind: 'failed', reason: 'config', detail: describe(err) });
      return;
    }
    // A password typed in the settings form is used as typed; one saved on the host never comes
    // back to the page: the host signs with HA1 per realm instead (hostCredentials.ts).
    this.hostCredentials = null;
    if (!config.password) {
      this.hostCredentials = new HostCredentials(async (realm) => (await bridge.invoke('softphoneCredential', { realm }))?.ha1 ?? null);
      this.hostCredentials.install(ua, config.user);
    }
    this.earlyLookups(ua, gen);
    this.registration.attach(ua, gen);
  }

  private onInvite(gen: number, invitation: Invitation): void {
    try {
      if (!this.registration.isCurrent(gen)) {
        void invitation.reject({ statusCode: 480 }).catch(() => {});
        return;
      }
      this.incoming.onInvite(invitation);
    } catch (err) {
      console.warn('pronto softphone: incoming call dropped', err);
      try {
        void invitation.reject({ statusCode: 500 }).catch(() => {});
      } catch {
        /* nothing more to do */
      }
    }
  }

  /** Sees each message before sip.js does: a new call's lookup leaves at once (earlyInvite.ts). */
  private earlyLookups(ua: UserAgent, gen: number): void {
    const transport = ua.transport as unknown as GuardedTransport;
    const deliver = transport.onMessage;
    if (typeof deliver !== 'function') return;
    // inviteGuard: control characters out before sip.js parses; a 400 for an INVITE it drops
    transport.onMessage = guardIncoming(transport, deliver, (message) => {
      try {
        const raw = this.registration.isCurrent(gen) ? readRawInvite(message) : null;
        if (raw) {
          const region = this.config?.region;
          this.early.start(raw, performance.now(), () => bridge.invoke('lookup', { identity: raw.identity, ...(region ? { region } : {}) }));
        }
      } catch (err) {
        console.warn('pronto softphone: early lookup skipped', err);
      }
    });
  }

  private async teardown(): Promise<void> {
    const ua = this.registration.detach();
    this.sessions.endAll();
    if (ua) {
      try {
        await Promise.race([ua.stop(), new Promise((r) => setTimeout(r, 2000))]);
      } catch {
        /* already stopped */
      }
    }
  }

  // ---- what the UI calls ---------------------------------------------------------------------

  /** Click-to-dial (or a typed number / extension). Resolves with the call id. */
  dial(target: string, opts: DialOptions = {}): Promise<string | null> {
    return this.outgoing.dial(target, opts);
  }

  answer(id: string): Promise<void> {
    return this.controls.answer(id);
  }

  decline(id: string): Promise<void> {
    return this.controls.decline(id);
  }

  hangup(id: string): Promise<void> {
    return this.controls.hangup(id);
  }

  hold(id: string, on: boolean): Promise<void> {
    return this.controls.hold(id, on);
  }

  mute(id: string, on: boolean): void {
    this.controls.mute(id, on);
  }

  dtmf(id: string, tone: string): void {
    this.controls.dtmf(id, tone);
  }

  blindTransfer(id: string, target: string): Promise<void> {
    return this.transfers.blind(id, target);
  }

  startConsult(id: string, target: string): Promise<void> {
    return this.transfers.startConsult(id, target);
  }

  async completeConsult(consultId: string): Promise<void> {
    this.transfers.completeConsult(consultId);
  }

  /** Agent clicked a card: its caller's pop comes on screen. */
  focus(id: string): void {
    this.sessions.show(id);
  }

  dismiss(id: string): void {
    const call = getCall(id);
    if (call && call.state === 'ended') removeCall(id);
  }
}

export const softphone = new Softphone();
