// The softphone engine: one sip.js UserAgent + Registerer over WebSocket, the calls it rings or
// places, and everything the agent can do with them. It writes plain data into the telephony
// store (store.ts); React renders that. Every sip.js callback is wrapped: a hostile INVITE or a
// library error must never stop the next call from popping.
//
// Registration policy:
//   - lost WebSocket / PBX restart → reconnect with backoff (0.25…4 s, jittered) and re-register;
//   - `online`, wake from sleep (timer gap), page visible again → try at once;
//   - 401/403/407 on REGISTER → "authentication failed", and NOTHING more until the settings change.
import {
  Invitation,
  Inviter,
  Registerer,
  RegistererState,
  SessionState,
  SIPExtension,
  UserAgent,
  UserAgentState,
  Web,
  type Cancel,
  type Core,
  type Info,
  type Notification as SipNotification,
  type Referral,
  type Session,
} from 'sip.js';
import { SoftphoneConfig } from '../../src-shared/api/contract';
import type { LookupResult } from '../../src-shared/pop/schema';
import type { CallEvent } from '../../src-shared/telephony/calls';
import { callerIdentity, type CallerIdentity, type InviteHeaders } from '../../src-shared/telephony/identity';
import { bridge } from '../bridge';
import { useCases } from '../cases/store';
import { caseRequestedFor } from '../cases/popSync';
import { usePop } from '../pop/store';
import { backoffDelay, watchForWake } from './backoff';
import { EarlyLookups, IDENTITY_HEADERS, readRawInvite } from './earlyInvite';
import { installFastGrammar } from './fastGrammar';
import { micConstraints, playRemote, refreshDevices, setRinging, stopRemote, unlockAudioOnGesture, watchDevices } from './media';
import { attention, clearAttention, syncNotifyPermission } from './notify';
import { callOfPop, markInvite, showCallPop } from './popLink';
import { currentTT } from './strings';
import { addCall, getCall, patchCall, removeCall, useTelephony, type CallView, type EndReason, type RegState } from './store';

const ENDED_CARDS_KEPT = 5;
const ENDED_CARD_MS = 15_000;
const REGISTER_EXPIRES_S = 300;
const REGISTER_WATCHDOG_MS = 5000;
const DTMF_TONE = /^[0-9A-D#*]$/;
/** Longest an inbound card waits for its lookup before it is drawn without it. */
const CARD_WAIT_MS = 150;

interface Entry {
  session: Session;
  direction: 'inbound' | 'outbound';
  /** Set before we end a call ourselves, so the final state knows why. */
  endReason: EndReason | null;
  endDetail: string | null;
  cancelled: 'caller' | 'elsewhere' | null;
  inviteAt: number | null;
  /** Outbound with a customer: we opened its case. Inbound cases are opened by cases/popSync. */
  caseStarted: boolean;
  /** The call's pop was on screen at least once (its case may exist). */
  popShown: boolean;
  statsTimer: ReturnType<typeof setInterval> | null;
  dtmfHooked: boolean;
  finalized: boolean;
}

function newEntry(session: Session, direction: Entry['direction'], inviteAt: number | null): Entry {
  return {
    session, direction, endReason: null, endDetail: null, cancelled: null, inviteAt,
    caseStarted: false, popShown: false, statsTimer: null, dtmfHooked: false, finalized: false,
  };
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : 'unknown error';
}

function safe<A extends unknown[]>(what: string, f: (...a: A) => void): (...a: A) => void {
  return (...a: A) => {
    try {
      f(...a);
    } catch (err) {
      console.warn(`pronto softphone: ${what} failed`, err);
    }
  };
}

function uuid(): string {
  try {
    return crypto.randomUUID();
  } catch {
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  }
}

/** Raw header values of an incoming request, for callerIdentity (never throws). */
function headersOf(req: Core.IncomingRequestMessage): { headers: InviteHeaders; ruri: string } {
  const headers: Record<string, string[]> = {};
  for (const name of IDENTITY_HEADERS) {
    try {
      const values = req.getHeaders(name);
      if (values.length) headers[name] = values;
    } catch {
      /* header unreadable: skip it */
    }
  }
  let ruri = '';
  try {
    ruri = req.ruri ? String(req.ruri) : '';
  } catch {
    ruri = '';
  }
  return { headers, ruri };
}

function customerName(result: LookupResult | null): string | null {
  if (!result) return null;
  if (result.match === 'single' && result.pop) return result.pop.customer.name;
  return null;
}

class Softphone {
  private ua: UserAgent | null = null;
  private registerer: Registerer | null = null;
  private config: SoftphoneConfig | null = null;
  /** Bumps on every (re)configuration: callbacks of an older UserAgent are ignored. */
  private generation = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  private authFailed = false;
  private entries = new Map<string, Entry>();
  /** Inbound cards waiting for their lookup, so card and pop are drawn in one commit. */
  private pendingCards = new Map<string, { view: CallView; timer: ReturnType<typeof setTimeout> }>();
  /** Lookups started from the raw INVITE text, before sip.js parsed it (earlyInvite.ts). */
  private early = new EarlyLookups<LookupResult>();
  private started = false;
  private cleanups: (() => void)[] = [];

  /** Once per page: load the settings from the host and connect. */
  start(): void {
    if (this.started) return;
    this.started = true;
    installFastGrammar();
    syncNotifyPermission();
    void refreshDevices();
    this.cleanups.push(unlockAudioOnGesture(), watchDevices());
    this.cleanups.push(watchForWake(safe('wake', () => this.kick('wake'))));
    const onOnline = safe('online', () => this.kick('online'));
    const onVisible = safe('visible', () => {
      if (document.visibilityState === 'visible' && useTelephony.getState().reg.kind !== 'registered') this.kick('visible');
    });
    const onHide = safe('pagehide', () => {
      void this.ua?.stop().catch(() => {});
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
      else this.setReg({ kind: 'unconfigured' });
    } catch (err) {
      useTelephony.setState({ configError: describe(err) });
      // the host may still be starting: try again, spaced out
      setTimeout(() => void this.loadConfig(tries + 1), Math.min(10_000, 500 * 2 ** Math.min(tries, 5)));
    }
  }

  /** New settings (or the first ones): tear down, connect and register with them. */
  async configure(raw: SoftphoneConfig): Promise<void> {
    const gen = ++this.generation;
    this.clearRetry();
    this.authFailed = false;
    this.attempt = 0;
    await this.teardown();
    if (gen !== this.generation) return;
    const parsed = SoftphoneConfig.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      this.setReg({ kind: 'failed', reason: 'config', detail: i ? `${i.path.join('.')}: ${i.message}` : 'invalid' });
      return;
    }
    const config = parsed.data;
    this.config = config;
    useTelephony.setState({ config });
    const uri = UserAgent.makeURI(config.uri);
    if (!uri) {
      this.setReg({ kind: 'failed', reason: 'config', detail: `uri: "${config.uri}" is not a SIP URI` });
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
        reconnectionAttempts: 0, // ours: backoff with jitter, see scheduleRetry()
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
          onConnect: safe('onConnect', () => {
            if (gen === this.generation) this.register(gen);
          }),
          onDisconnect: safe('onDisconnect', (error?: Error) => {
            if (gen !== this.generation) return;
            this.clearWatchdog();
            if (this.authFailed) return;
            this.scheduleRetry(gen, error ? describe(error) : 'disconnected');
          }),
          onInvite: (invitation: Invitation) => {
            try {
              if (gen !== this.generation) {
                void invitation.reject({ statusCode: 480 }).catch(() => {});
                return;
              }
              this.onInvite(invitation);
            } catch (err) {
              console.warn('pronto softphone: incoming call dropped', err);
              try {
                void invitation.reject({ statusCode: 500 }).catch(() => {});
              } catch {
                /* nothing more to do */
              }
            }
          },
        },
      });
    } catch (err) {
      this.setReg({ kind: 'failed', reason: 'config', detail: describe(err) });
      return;
    }
    this.earlyLookups(ua, gen);
    this.ua = ua;
    this.connect(gen);
  }

  /** Sees each message before sip.js does: a new call's lookup leaves at once (earlyInvite.ts). */
  private earlyLookups(ua: UserAgent, gen: number): void {
    const transport = ua.transport as unknown as { onMessage?: (message: string) => void };
    const deliver = transport.onMessage;
    if (typeof deliver !== 'function') return;
    transport.onMessage = (message: string) => {
      try {
        const raw = gen === this.generation ? readRawInvite(message) : null;
        if (raw) {
          const region = this.config?.region;
          this.early.start(raw, performance.now(), () => bridge.invoke('lookup', { identity: raw.identity, ...(region ? { region } : {}) }));
        }
      } catch (err) {
        console.warn('pronto softphone: early lookup skipped', err);
      }
      deliver.call(transport, message);
    };
  }

  private async teardown(): Promise<void> {
    this.clearWatchdog();
    const ua = this.ua;
    this.ua = null;
    this.registerer = null;
    for (const [id, e] of this.entries) {
      if (!e.finalized) this.endSession(id, 'ended');
    }
    if (ua) {
      try {
        await Promise.race([ua.stop(), new Promise((r) => setTimeout(r, 2000))]);
      } catch {
        /* already stopped */
      }
    }
  }

  // ---- connection + registration ----------------------------------------------------------

  private setReg(reg: RegState): void {
    useTelephony.setState({ reg });
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private clearWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  private connect(gen: number): void {
    if (gen !== this.generation || this.authFailed) return;
    const ua = this.ua;
    if (!ua) return;
    if (ua.isConnected()) {
      this.register(gen);
      return;
    }
    this.setReg({ kind: 'connecting', attempt: this.attempt, retryAt: null, reason: null });
    const p = ua.state === UserAgentState.Started ? ua.reconnect() : ua.start();
    p.catch((err: unknown) => {
      if (gen === this.generation && !this.authFailed) this.scheduleRetry(gen, describe(err));
    });
  }

  private scheduleRetry(gen: number, reason: string): void {
    if (gen !== this.generation || this.authFailed) return;
    if (this.retryTimer) return; // one pending attempt at a time: never a storm
    const delay = backoffDelay(this.attempt);
    this.attempt++;
    this.setReg({ kind: 'connecting', attempt: this.attempt, retryAt: Date.now() + delay, reason });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect(gen);
    }, delay);
  }

  /** Try now (online again, woke up, page shown): skips the backoff, never after an auth failure. */
  kick(why: string): void {
    if (!this.ua || this.authFailed) return;
    const gen = this.generation;
    this.clearRetry();
    this.attempt = 0;
    if (!this.ua.isConnected()) {
      this.connect(gen);
      return;
    }
    // Connected, as far as the socket knows; after a sleep it may be a dead connection.
    this.register(gen);
    if (why === 'wake' || why === 'online') {
      this.clearWatchdog();
      this.watchdog = setTimeout(() => {
        this.watchdog = null;
        if (gen !== this.generation || useTelephony.getState().reg.kind === 'registered' || this.hasLiveCalls()) return;
        // no answer to our REGISTER: drop the socket and start over
        const t = (this.ua as unknown as { transport?: { disconnect(): Promise<void> } } | null)?.transport;
        void t?.disconnect().catch(() => {});
      }, REGISTER_WATCHDOG_MS);
    }
  }

  private hasLiveCalls(): boolean {
    for (const e of this.entries.values()) if (!e.finalized) return true;
    return false;
  }

  private register(gen: number): void {
    const ua = this.ua;
    if (!ua || gen !== this.generation || this.authFailed) return;
    const prev = this.registerer;
    const r = new Registerer(ua, { expires: REGISTER_EXPIRES_S });
    this.registerer = r;
    if (prev) abandonRegisterer(prev);
    if (useTelephony.getState().reg.kind !== 'registered') this.setReg({ kind: 'registering' });
    r.stateChange.addListener(
      safe('registerer state', (state: RegistererState) => {
        if (gen !== this.generation || this.registerer !== r) return;
        if (state === RegistererState.Registered) {
          this.attempt = 0;
          this.clearWatchdog();
          if (useTelephony.getState().reg.kind !== 'registered') this.setReg({ kind: 'registered', since: Date.now() });
        } else if (state === RegistererState.Unregistered && !this.authFailed) {
          // a refresh failed or the registration ran out: get it back
          if (useTelephony.getState().reg.kind === 'registered') this.scheduleRetry(gen, 'registration lost');
        }
      }),
    );
    r.register({
      requestDelegate: {
        onReject: safe('REGISTER rejected', (response: Core.IncomingResponse) => {
          if (gen !== this.generation || this.registerer !== r) return;
          const code = response.message.statusCode ?? 0;
          const detail = `${code} ${response.message.reasonPhrase ?? ''}`.trim();
          if (code === 401 || code === 403 || code === 407) {
            // Wrong credentials do not heal by retrying: stop until the settings change.
            this.authFailed = true;
            this.clearRetry();
            this.clearWatchdog();
            this.setReg({ kind: 'failed', reason: 'auth', detail });
            return;
          }
          this.scheduleRetry(gen, detail);
        }),
      },
    }).catch((err: unknown) => {
      if (gen === this.generation && this.registerer === r) this.scheduleRetry(gen, describe(err));
    });
  }

  // ---- incoming calls ----------------------------------------------------------------------

  private onInvite(invitation: Invitation): void {
    const req = invitation.request;
    const sipCallId = typeof req.callId === 'string' ? req.callId.trim() : '';
    let id = sipCallId ? sipCallId.slice(0, 200) : `no-call-id-${uuid()}`;
    if (this.entries.has(id)) id = `${id}~${uuid().slice(0, 8)}`;
    const { headers, ruri } = headersOf(req);
    const who = callerIdentity(headers, ruri);
    const region = this.config?.region;
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
    });

    const entry = newEntry(invitation, 'inbound', inviteAt);
    this.entries.set(id, entry);
    // The card waits for the lookup (a few ms) so card and pop are one React commit; it shows
    // on its own if the host is slow.
    const view = this.newView(id, 'inbound', who, null, null);
    this.pendingCards.set(id, { view, timer: setTimeout(() => this.ensureCard(id), CARD_WAIT_MS) });
    this.hookSession(id, invitation);
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

    // Attended transfer arriving at the target: the replacing call takes over at once.
    if (invitation.replacee) {
      void this.answer(id);
    }
  }

  /** Puts a waiting inbound card on screen (lookup answered, slow host, or the call ended). */
  private ensureCard(id: string, patch: Partial<CallView> = {}): void {
    const pending = this.pendingCards.get(id);
    if (!pending) {
      if (Object.keys(patch).length) patchCall(id, patch);
      return;
    }
    clearTimeout(pending.timer);
    this.pendingCards.delete(id);
    addCall({ ...pending.view, ...patch });
    this.updateRinger();
  }

  /** Updates a call's card; a card still waiting for its lookup is drawn at once. */
  private patch(id: string, patch: Partial<CallView> | ((c: CallView) => Partial<CallView>)): void {
    if (this.pendingCards.has(id)) this.ensureCard(id);
    patchCall(id, patch);
  }

  private onLookup(id: string, who: CallerIdentity, result: LookupResult | null, error: string | null, inviteAt: number): void {
    const name = customerName(result);
    const customerId = result?.match === 'single' ? result.pop?.customer.customerId ?? null : null;
    // card and pop in the same task: React draws them in one commit
    this.ensureCard(id, { lookup: result, lookupError: error, customerId, customerName: name });
    const s = useTelephony.getState();
    const pinned = s.pinnedId ? getCall(s.pinnedId) : undefined;
    const pinnedLive = pinned && pinned.state !== 'ended';
    if (!pinnedLive) this.showPop(id, inviteAt);
    const call = getCall(id);
    if (call && call.state === 'ringing') {
      const body = name
        ? `${name}${result?.pop?.customer.company ? ` — ${result.pop.customer.company}` : ''}`
        : who.withheld
          ? currentTT('notify.withheld')
          : currentTT('notify.unknown', { number: result?.normalized ?? who.identity });
      // after the pop is painted: nothing on the pop path waits for a notification
      requestAnimationFrame(() => setTimeout(() => void attention(id, currentTT('notify.title'), body), 0));
    }
  }

  /** Shows this call's pop (from its lookup) and opens its draft case. */
  showPop(id: string, inviteAt: number | null = null): void {
    const call = getCall(id);
    if (!call) return;
    if (call.direction === 'outbound') {
      useTelephony.setState({ shownId: id });
      return;
    }
    if (inviteAt === null && callOfPop(usePop.getState().call?.id) === id) {
      useTelephony.setState({ shownId: id }); // already on screen
      return;
    }
    // cases/popSync sees this pop and starts the call's draft case (caseStart) for it
    showCallPop(id, call.who.withheld ? '' : call.who.identity, call.lookup, call.lookup ? null : call.lookupError ?? currentTT('call.lookingUp'), inviteAt);
    useTelephony.setState({ shownId: id });
    const entry = this.entries.get(id);
    if (entry) entry.popShown = true;
  }

  // ---- outgoing calls ----------------------------------------------------------------------

  /** Click-to-dial (or a typed number / extension). Resolves with the call id. */
  async dial(target: string, opts: { customerId?: string | null; consultFor?: string } = {}): Promise<string | null> {
    const ua = this.ua;
    const uri = this.targetUri(target);
    if (!ua || !uri) return null;
    if (useTelephony.getState().reg.kind !== 'registered') return null;
    let inviter: Inviter;
    try {
      inviter = new Inviter(ua, uri, { sessionDescriptionHandlerOptions: { constraints: micConstraints() } });
    } catch (err) {
      console.warn('pronto softphone: cannot dial', err);
      return null;
    }
    const id = (inviter.request.callId || uuid()).slice(0, 200);
    const entry = newEntry(inviter, 'outbound', null);
    this.entries.set(id, entry);
    const who: CallerIdentity = { identity: target, display: '', withheld: false, line: '', forwardedBy: null };
    const view = this.newView(id, 'outbound', who, target, opts.customerId ?? null);
    view.consultFor = opts.consultFor ?? null;
    if (opts.customerId) {
      const sel = usePop.getState().selected;
      if (sel?.pop?.customer.customerId === opts.customerId) view.customerName = sel.pop.customer.name;
    }
    addCall(view);
    this.hookSession(id, inviter);
    if (!opts.consultFor) {
      // the agent's attention moves to the new call: put a talking call on hold
      await this.holdOthers(id);
    }
    try {
      await bridge.invoke('outgoingCall', { callId: id, target: target.slice(0, 512), customerId: opts.customerId ?? null });
    } catch (err) {
      console.warn('pronto softphone: outgoingCall not recorded', err);
    }
    if (opts.customerId) {
      // the pop stays on the customer we dial: the new call gets its case on screen
      entry.caseStarted = true;
      void useCases.getState().startCaseForPop({ callId: id, customerId: opts.customerId });
    }
    try {
      await inviter.invite({
        requestDelegate: {
          onReject: safe('INVITE rejected', (response: Core.IncomingResponse) => {
            entry.endReason = 'failed';
            entry.endDetail = `${response.message.statusCode} ${response.message.reasonPhrase ?? ''}`.trim();
          }),
        },
      });
    } catch (err) {
      entry.endReason = 'failed';
      entry.endDetail = describe(err);
      if (inviter.state === SessionState.Initial) this.finalize(id);
    }
    return id;
  }

  private targetUri(target: string): ReturnType<typeof UserAgent.makeURI> {
    const t = target.trim();
    if (!t || t.length > 256) return undefined;
    if (/^(sips?|tel):/i.test(t)) return UserAgent.makeURI(t);
    const number = t.replace(/[\s().\-/]/g, '');
    if (!/^\+?[0-9*#]{1,32}$/.test(number)) return undefined;
    const own = this.config ? UserAgent.makeURI(this.config.uri) : undefined;
    if (!own?.host) return undefined;
    return UserAgent.makeURI(`sip:${number}@${own.host}${own.port ? `:${own.port}` : ''}`);
  }

  // ---- call controls -----------------------------------------------------------------------

  async answer(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e || !(e.session instanceof Invitation) || e.session.state !== SessionState.Initial) return;
    // an attended transfer's replacing call takes over the consultation: that one is not held
    const replacee = e.session.replacee;
    const except = new Set([id]);
    for (const [otherId, other] of this.entries) if (other.session === replacee) except.add(otherId);
    await this.holdOthers(except);
    useTelephony.setState({ pinnedId: id });
    this.showPop(id);
    clearAttention(id);
    try {
      await e.session.accept({ sessionDescriptionHandlerOptions: { constraints: micConstraints() } });
    } catch (err) {
      e.endReason = 'failed';
      e.endDetail = describe(err);
      this.patch(id, { error: describe(err) });
    }
  }

  async decline(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e || !(e.session instanceof Invitation) || e.session.state !== SessionState.Initial) return;
    e.endReason = 'declined';
    try {
      await e.session.reject({ statusCode: 486, reasonPhrase: 'Busy Here' });
    } catch (err) {
      this.patch(id, { error: describe(err) });
    }
  }

  async hangup(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e) return;
    const s = e.session;
    try {
      if (s.state === SessionState.Established) {
        e.endReason ??= 'ended';
        await s.bye();
      } else if (s instanceof Inviter && (s.state === SessionState.Initial || s.state === SessionState.Establishing)) {
        e.endReason ??= 'ended';
        await s.cancel();
      } else if (s instanceof Invitation && s.state === SessionState.Initial) {
        await this.decline(id);
      }
    } catch (err) {
      this.patch(id, { error: describe(err) });
    }
  }

  async hold(id: string, on: boolean): Promise<void> {
    const e = this.entries.get(id);
    const call = getCall(id);
    if (!e || !call || call.busy || e.session.state !== SessionState.Established) return;
    if ((call.state === 'held') === on) return;
    const s = e.session;
    this.patch(id, { busy: true, error: null });
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
            this.patch(id, { busy: false, state: on ? 'held' : 'active' });
            resolve();
          }),
          onReject: safe('hold rejected', (response: Core.IncomingResponse) => {
            s.sessionDescriptionHandlerOptionsReInvite = { ...opts, hold: !on } as Web.SessionDescriptionHandlerOptions;
            this.patch(id, { busy: false, error: `${response.message.statusCode} ${response.message.reasonPhrase ?? ''}`.trim() });
            resolve();
          }),
        },
      }).catch((err: unknown) => {
        s.sessionDescriptionHandlerOptionsReInvite = { ...opts, hold: !on } as Web.SessionDescriptionHandlerOptions;
        this.patch(id, { busy: false, error: describe(err) });
        resolve();
      });
    });
  }

  private async holdOthers(except: string | Set<string>): Promise<void> {
    const skip = typeof except === 'string' ? new Set([except]) : except;
    const others = useTelephony.getState().calls.filter((c) => !skip.has(c.id) && c.state === 'active');
    await Promise.all(others.map((c) => this.hold(c.id, true)));
  }

  mute(id: string, on: boolean): void {
    const e = this.entries.get(id);
    if (!e) return;
    const sdh = e.session.sessionDescriptionHandler;
    const held = getCall(id)?.state === 'held';
    if (sdh instanceof Web.SessionDescriptionHandler) sdh.enableSenderTracks(!on && !held);
    this.patch(id, { muted: on });
  }

  /** RFC 4733 telephone-events through the RTCDTMFSender; SIP INFO when there is none. */
  dtmf(id: string, tone: string): void {
    const e = this.entries.get(id);
    if (!e || !DTMF_TONE.test(tone) || e.session.state !== SessionState.Established) return;
    const sdh = e.session.sessionDescriptionHandler;
    const pc = sdh instanceof Web.SessionDescriptionHandler ? sdh.peerConnection : undefined;
    const dtmfSender = pc?.getSenders().find((s) => s.track?.kind === 'audio' || s.dtmf)?.dtmf ?? null;
    if (dtmfSender && dtmfSender.canInsertDTMF) {
      if (!e.dtmfHooked) {
        e.dtmfHooked = true;
        // a tone counts as sent when the sender actually plays it out into the RTP stream
        dtmfSender.addEventListener('tonechange', (ev: RTCDTMFToneChangeEvent) => {
          if (ev.tone) this.patch(id, (c) => ({ dtmfSent: (c.dtmfSent + ev.tone).slice(-64) }));
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
      .then(() => this.patch(id, (c) => ({ dtmfSent: (c.dtmfSent + tone).slice(-64) })))
      .catch((err: unknown) => this.patch(id, { error: describe(err) }));
  }

  /** Blind transfer: REFER to the target, then leave the call. */
  async blindTransfer(id: string, target: string): Promise<void> {
    const e = this.entries.get(id);
    const uri = this.targetUri(target);
    if (!e || !uri || e.session.state !== SessionState.Established) {
      this.patch(id, { transfer: { target, mode: 'blind', status: 'failed', detail: uri ? null : 'invalid target' } });
      return;
    }
    this.patch(id, { transfer: { target, mode: 'blind', status: 'pending', detail: null } });
    await this.refer(id, e, uri, target, 'blind');
  }

  /** Attended transfer, step 1: hold the caller and call the target. */
  async startConsult(id: string, target: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e || e.session.state !== SessionState.Established || !this.targetUri(target)) {
      this.patch(id, { transfer: { target, mode: 'attended', status: 'failed', detail: 'invalid target' } });
      return;
    }
    await this.hold(id, true);
    this.patch(id, { transfer: { target, mode: 'attended', status: 'consulting', detail: null } });
    const consult = await this.dial(target, { consultFor: id });
    if (!consult) this.patch(id, { transfer: { target, mode: 'attended', status: 'failed', detail: currentTT('dial.notReady') } });
  }

  /**
   * Attended transfer, step 2: REFER the caller to the target with Replaces = the consultation
   * dialog. The Refer-To is the target's address of record (the PBX routes by number; a WS
   * contact is not reachable from outside).
   */
  async completeConsult(consultId: string): Promise<void> {
    const consult = getCall(consultId);
    const origId = consult?.consultFor;
    const c = this.entries.get(consultId);
    const o = origId ? this.entries.get(origId) : undefined;
    if (!consult || !origId || !c || !o) return;
    const dialog = c.session.dialog;
    const target = consult.target ?? '';
    const aor = this.targetUri(target);
    if (!dialog || !aor || c.session.state !== SessionState.Established || o.session.state !== SessionState.Established) {
      this.patch(origId, { transfer: { target, mode: 'attended', status: 'failed', detail: 'consultation not established' } });
      return;
    }
    const replaces = `${dialog.callId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`;
    this.patch(origId, { transfer: { target, mode: 'attended', status: 'pending', detail: null } });
    // sip.js writes a URI Refer-To without <>, which is unparsable once it carries ?Replaces=
    // (RFC 3261 §20: a URI with '?' must be bracketed): send the REFER on the dialog ourselves.
    const referTo = `<${aor.toString()}?Replaces=${encodeURIComponent(replaces)}>`;
    const ua = this.ua;
    const origDialog = o.session.dialog;
    if (!ua || !origDialog) return;
    let settled = false;
    const done = (ok: boolean, detail: string | null) => {
      if (settled) return;
      settled = true;
      this.patch(origId, { transfer: { target, mode: 'attended', status: ok ? 'done' : 'failed', detail } });
      if (ok) {
        o.endReason = 'transferred';
        if (o.session.state === SessionState.Established) void o.session.bye().catch(() => {});
      }
    };
    o.session.delegate = {
      ...o.session.delegate,
      onNotify: safe('REFER NOTIFY', (n: SipNotification) => {
        void n.accept().catch(() => {});
        const code = sipfragStatus(n.request.body);
        if (code >= 200 && code < 300) done(true, null);
        else if (code >= 300) done(false, `SIP/2.0 ${code}`);
      }),
    };
    try {
      origDialog.refer(
        {
          onReject: safe('REFER rejected', (r: Core.IncomingResponse) => done(false, `${r.message.statusCode} ${r.message.reasonPhrase ?? ''}`.trim())),
        },
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

  private async refer(id: string, e: Entry, uri: NonNullable<ReturnType<typeof UserAgent.makeURI>>, target: string, mode: 'blind' | 'attended'): Promise<void> {
    let settled = false;
    const done = (ok: boolean, detail: string | null) => {
      if (settled) return;
      settled = true;
      this.patch(id, { transfer: { target, mode, status: ok ? 'done' : 'failed', detail } });
      if (ok) {
        e.endReason = 'transferred';
        if (e.session.state === SessionState.Established) void e.session.bye().catch(() => {});
      }
    };
    try {
      await e.session.refer(uri, {
        requestDelegate: {
          onAccept: safe('REFER accepted', () => {
            // blind: our part is done once the transferee took it; attended: wait for its NOTIFY
            if (mode === 'blind') done(true, null);
          }),
          onReject: safe('REFER rejected', (r: Core.IncomingResponse) => done(false, `${r.message.statusCode} ${r.message.reasonPhrase ?? ''}`.trim())),
        },
        onNotify: safe('REFER NOTIFY', (n: SipNotification) => {
          void n.accept().catch(() => {});
          const code = sipfragStatus(n.request.body);
          if (code >= 200 && code < 300) done(true, null);
          else if (code >= 300) done(false, `SIP/2.0 ${code}`);
        }),
      });
    } catch (err) {
      done(false, describe(err));
    }
  }

  /** Agent clicked a card: its caller's pop comes on screen. */
  focus(id: string): void {
    this.showPop(id);
  }

  dismiss(id: string): void {
    const call = getCall(id);
    if (call && call.state === 'ended') removeCall(id);
  }

  // ---- session plumbing --------------------------------------------------------------------

  private newView(id: string, direction: 'inbound' | 'outbound', who: CallerIdentity, target: string | null, customerId: string | null): CallView {
    return {
      id,
      direction,
      state: 'ringing',
      endReason: null,
      endDetail: null,
      who,
      target,
      lookup: null,
      lookupError: null,
      customerId,
      customerName: null,
      offeredAt: Date.now(),
      answeredAt: null,
      endedAt: null,
      muted: false,
      busy: false,
      dtmfSent: '',
      dtmfReceived: '',
      rtpIn: null,
      rtpOut: null,
      energyIn: null,
      consultFor: null,
      transfer: null,
      error: null,
    };
  }

  private hookSession(id: string, s: Session): void {
    s.stateChange.addListener(safe('session state', (state: SessionState) => this.onSessionState(id, state)));
    s.delegate = {
      ...s.delegate,
      onInfo: safe('onInfo', (info: Info) => {
        const body = info.request.body ?? '';
        const m = /Signal\s*=\s*([0-9A-D#*])/i.exec(body);
        void info.accept().catch(() => {});
        if (m) this.patch(id, (c) => ({ dtmfReceived: (c.dtmfReceived + m[1]!.toUpperCase()).slice(-64) }));
      }),
      onRefer: safe('onRefer', (referral: Referral) => this.onRefer(id, referral)),
    };
  }

  /** We are the transferee: follow the REFER with a new call, the old one ends. */
  private onRefer(id: string, referral: Referral): void {
    const e = this.entries.get(id);
    const ua = this.ua;
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
        const entry = newEntry(inviter, 'outbound', null);
        this.entries.set(newId, entry);
        const target = referral.referTo.uri.user ?? referral.referTo.uri.toString();
        const view = this.newView(newId, 'outbound', { identity: target, display: '', withheld: false, line: '', forwardedBy: null }, target, old?.customerId ?? null);
        addCall(view);
        this.hookSession(newId, inviter);
        return inviter.invite();
      })
      .catch((err: unknown) => console.warn('pronto softphone: transfer not followed', err));
  }

  private onSessionState(id: string, state: SessionState): void {
    const e = this.entries.get(id);
    if (!e) return;
    if (state === SessionState.Established) {
      this.patch(id, { state: 'active', answeredAt: Date.now(), error: null });
      clearAttention(id);
      this.progress(id, 'answered');
      this.startMedia(id, e);
      if (e.direction === 'inbound') useTelephony.setState({ pinnedId: id });
      this.updateRinger();
    } else if (state === SessionState.Terminated) {
      // after the current sip.js callback: an Inviter terminates before its onReject delegate
      // (which records why) has run
      queueMicrotask(() => this.finalize(id));
    }
  }

  private startMedia(id: string, e: Entry): void {
    const sdh = e.session.sessionDescriptionHandler;
    if (!(sdh instanceof Web.SessionDescriptionHandler)) return;
    playRemote(id, sdh.remoteMediaStream);
    sdh.peerConnectionDelegate = {
      ontrack: safe('ontrack', () => playRemote(id, sdh.remoteMediaStream)),
    };
    const poll = async () => {
      const pc = sdh.peerConnection;
      if (!pc) return;
      let rtpIn = 0;
      let rtpOut = 0;
      let energyIn = 0;
      const stats = await pc.getStats();
      stats.forEach((r: { type?: string; kind?: string; packetsReceived?: number; packetsSent?: number; totalAudioEnergy?: number }) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') {
          rtpIn += r.packetsReceived ?? 0;
          energyIn += r.totalAudioEnergy ?? 0;
        }
        if (r.type === 'outbound-rtp' && r.kind === 'audio') rtpOut += r.packetsSent ?? 0;
      });
      this.patch(id, { rtpIn, rtpOut, energyIn });
    };
    e.statsTimer = setInterval(() => void poll().catch(() => {}), 1000);
  }

  private endSession(id: string, reason: EndReason): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.endReason ??= reason;
    try {
      const s = e.session;
      if (s.state === SessionState.Established) void s.bye().catch(() => {});
      else if (s instanceof Inviter && s.state !== SessionState.Terminated) void s.cancel().catch(() => {});
      else if (s instanceof Invitation && s.state === SessionState.Initial) void s.reject({ statusCode: 480 }).catch(() => {});
    } catch {
      /* going away anyway */
    }
    this.finalize(id);
  }

  private finalize(id: string): void {
    const e = this.entries.get(id);
    if (!e || e.finalized) return;
    e.finalized = true;
    this.ensureCard(id);
    const call = getCall(id);
    if (e.statsTimer) clearInterval(e.statsTimer);
    stopRemote(id);
    clearAttention(id);
    const answered = call?.answeredAt != null;
    let reason: EndReason;
    if (e.endReason === 'declined' || e.endReason === 'transferred' || (e.endReason === 'failed' && !answered)) reason = e.endReason;
    else if (answered) reason = 'ended';
    else if (e.cancelled === 'elsewhere') reason = 'elsewhere';
    else if (e.cancelled === 'caller') reason = 'cancelled';
    else if (e.direction === 'inbound') reason = e.endReason === 'ended' ? 'ended' : 'cancelled';
    else reason = e.endReason ?? 'ended';
    const event: CallEvent =
      reason === 'cancelled' ? 'cancelled' : reason === 'declined' ? 'declined' : reason === 'failed' ? 'failed' : 'ended';
    const now = Date.now();
    this.patch(id, { state: 'ended', endReason: reason, endDetail: e.endDetail, endedAt: now, busy: false });
    this.progress(id, event);
    // The case on screen is moved to wrap-up by cases/popSync; the others (calls whose pop was
    // replaced by a newer call's) are ended here. The host treats a repeat as a no-op.
    if ((e.caseStarted || caseRequestedFor(id)) && useCases.getState().current?.callId !== id) {
      const durationS = call?.answeredAt != null ? Math.max(0, Math.round((now - call.answeredAt) / 1000)) : null;
      setTimeout(() => {
        bridge.invoke('caseCallEnded', { callId: id, durationS }).catch((err: unknown) => console.warn('pronto softphone: caseCallEnded failed', err));
      }, 0);
    }
    const s = useTelephony.getState();
    if (s.pinnedId === id) useTelephony.setState({ pinnedId: null });
    // the consultation of an attended transfer ended without a transfer: back to the caller
    if (call?.consultFor) {
      const orig = getCall(call.consultFor);
      if (orig?.transfer?.status === 'consulting') this.patch(call.consultFor, { transfer: { ...orig.transfer, status: 'failed', detail: currentTT('call.end.ended') } });
    }
    this.updateRinger();
    setTimeout(() => {
      this.entries.delete(id);
      const c = getCall(id);
      if (c && c.state === 'ended' && useTelephony.getState().shownId !== id) removeCall(id);
    }, ENDED_CARD_MS);
    // keep the card list short: only the newest few ended calls stay
    const ended = useTelephony
      .getState()
      .calls.filter((c) => c.state === 'ended')
      .sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0));
    for (const old of ended.slice(ENDED_CARDS_KEPT)) {
      removeCall(old.id);
      const oe = this.entries.get(old.id);
      if (oe?.finalized) this.entries.delete(old.id);
    }
  }

  private progress(id: string, event: CallEvent): void {
    const call = getCall(id);
    bridge
      .invoke('callProgress', { callId: id, event, ...(call?.customerId ? { customerId: call.customerId } : {}) })
      .catch((err: unknown) => console.warn(`pronto softphone: callProgress ${event} failed`, err));
  }

  private updateRinger(): void {
    const calls = useTelephony.getState().calls;
    const ringing = calls.some((c) => c.state === 'ringing' && c.direction === 'inbound');
    const talking = calls.some((c) => c.state === 'active' || c.state === 'held');
    setRinging(ringing ? (talking ? 'waiting' : 'ring') : null);
  }
}

/** Status code of a message/sipfrag body ("SIP/2.0 200 OK"), 0 if none. */
function sipfragStatus(body: string | undefined): number {
  const m = /SIP\/2\.0\s+(\d{3})/.exec(body ?? '');
  return m ? Number(m[1]) : 0;
}

function safeHeader(req: Core.IncomingRequestMessage, name: string): string {
  try {
    return req.getHeader(name) ?? '';
  } catch {
    return '';
  }
}

/**
 * Drops a Registerer without the un-REGISTER that dispose() would send for a Registered one:
 * after a reconnect, the new registration uses the same Contact, and an un-REGISTER racing it
 * would remove it. Uses sip.js 0.21 internals (pinned version); harmless if they change.
 */
function abandonRegisterer(r: Registerer): void {
  try {
    (r as unknown as { unregistered?: () => void }).unregistered?.();
  } catch {
    /* ignore */
  }
  void r.dispose().catch(() => {});
}

export const softphone = new Softphone();
