// Staying reachable: the WebSocket to the PBX and the REGISTER over it, for one UserAgent at a
// time. Writes only `reg` of the telephony store (the header badge renders it).
//
// Policy:
//   - lost WebSocket / PBX restart → reconnect with backoff (0.25…4 s, jittered, backoff.ts) and
//     re-register; one pending attempt at a time, never a storm;
//   - `online`, wake from sleep, page visible again → kick(): try at once, skipping the backoff;
//   - 401/403/407 on REGISTER → "authentication failed", and NOTHING more until the settings
//     change (wrong credentials do not heal by retrying); except once per realm when the host
//     holds the password and has just given this realm's HA1 (hostCredentials.ts).
//
// Every new configuration starts a new generation: callbacks of an older UserAgent (they keep
// coming while it stops) are ignored.
import { Registerer, RegistererState, UserAgentState, type Core, type UserAgent } from 'sip.js';
import { backoffDelay } from './backoff';
import { describe, safe } from './guard';
import { useTelephony, type RegState } from './store';

export const REGISTER_EXPIRES_S = 300;
/** After a wake or `online`, a REGISTER unanswered this long means the socket is dead. */
export const REGISTER_WATCHDOG_MS = 5000;

export interface RegistrationDeps {
  /** A call in progress: the watchdog must not drop its socket. */
  hasLiveCalls(): boolean;
  /** Tests hand in a fake; the app uses sip.js's Registerer. */
  newRegisterer?(ua: UserAgent): Registerer;
  /** Delay before retry `attempt` (0 = first); backoff.ts by default. */
  delay?(attempt: number): number;
  /** A 401/407 we could not answer: true when credentials for it were just obtained (register again). */
  learnChallenge?(response: Core.IncomingResponseMessage): Promise<boolean>;
}

export class Registration {
  private current: UserAgent | null = null;
  private registerer: Registerer | null = null;
  private generation = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  private authFailed = false;

  constructor(private readonly deps: RegistrationDeps) {}

  get ua(): UserAgent | null {
    return this.current;
  }

  /** New settings: forget the old attempts and failures; returns the new generation. */
  begin(): number {
    const gen = ++this.generation;
    this.clearRetry();
    this.authFailed = false;
    this.attempt = 0;
    return gen;
  }

  isCurrent(gen: number): boolean {
    return gen === this.generation;
  }

  /** Takes the UserAgent of generation `gen` and connects it. */
  attach(ua: UserAgent, gen: number): void {
    if (!this.isCurrent(gen)) return;
    this.current = ua;
    this.connect(gen);
  }

  /** Lets go of the UserAgent (the caller stops it); returns it. */
  detach(): UserAgent | null {
    this.clearWatchdog();
    const ua = this.current;
    this.current = null;
    this.registerer = null;
    return ua;
  }

  setReg(reg: RegState): void {
    useTelephony.setState({ reg });
  }

  /** UserAgent delegate: the socket is up. */
  onConnect(gen: number): void {
    if (this.isCurrent(gen)) this.register(gen);
  }

  /** UserAgent delegate: the socket is gone. */
  onDisconnect(gen: number, error?: Error): void {
    if (!this.isCurrent(gen)) return;
    this.clearWatchdog();
    if (this.authFailed) return;
    this.scheduleRetry(gen, error ? describe(error) : 'disconnected');
  }

  /** Try now (online again, woke up, page shown): skips the backoff, never after an auth failure. */
  kick(why: string): void {
    const ua = this.current;
    if (!ua || this.authFailed) return;
    const gen = this.generation;
    this.clearRetry();
    this.attempt = 0;
    if (!ua.isConnected()) {
      this.connect(gen);
      return;
    }
    // Connected, as far as the socket knows; after a sleep it may be a dead connection.
    this.register(gen);
    if (why === 'wake' || why === 'online') {
      this.clearWatchdog();
      this.watchdog = setTimeout(() => {
        this.watchdog = null;
        if (!this.isCurrent(gen) || useTelephony.getState().reg.kind === 'registered' || this.deps.hasLiveCalls()) return;
        // no answer to our REGISTER: drop the socket and start over
        const t = (this.current as unknown as { transport?: { disconnect(): Promise<void> } } | null)?.transport;
        void t?.disconnect().catch(() => {});
      }, REGISTER_WATCHDOG_MS);
    }
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
    if (!this.isCurrent(gen) || this.authFailed) return;
    const ua = this.current;
    if (!ua) return;
    if (ua.isConnected()) {
      this.register(gen);
      return;
    }
    this.setReg({ kind: 'connecting', attempt: this.attempt, retryAt: null, reason: null });
    const p = ua.state === UserAgentState.Started ? ua.reconnect() : ua.start();
    p.catch((err: unknown) => {
      if (this.isCurrent(gen) && !this.authFailed) this.scheduleRetry(gen, describe(err));
    });
  }

  private scheduleRetry(gen: number, reason: string): void {
    if (!this.isCurrent(gen) || this.authFailed) return;
    if (this.retryTimer) return; // one pending attempt at a time: never a storm
    const delay = (this.deps.delay ?? backoffDelay)(this.attempt);
    this.attempt++;
    this.setReg({ kind: 'connecting', attempt: this.attempt, retryAt: Date.now() + delay, reason });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect(gen);
    }, delay);
  }

  private register(gen: number): void {
    const ua = this.current;
    if (!ua || !this.isCurrent(gen) || this.authFailed) return;
    const prev = this.registerer;
    const r = this.deps.newRegisterer ? this.deps.newRegisterer(ua) : new Registerer(ua, { expires: REGISTER_EXPIRES_S });
    this.registerer = r;
    if (prev) abandonRegisterer(prev);
    if (useTelephony.getState().reg.kind !== 'registered') this.setReg({ kind: 'registering' });
    r.stateChange.addListener(
      safe('registerer state', (state: RegistererState) => {
        if (!this.isCurrent(gen) || this.registerer !== r) return;
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
          if (!this.isCurrent(gen) || this.registerer !== r) return;
          const code = response.message.statusCode ?? 0;
          const detail = `${code} ${response.message.reasonPhrase ?? ''}`.trim();
          if ((code === 401 || code === 407) && this.deps.learnChallenge) {
            void this.deps.learnChallenge(response.message).then(
              (learnt) => {
                if (!this.isCurrent(gen) || this.registerer !== r) return;
                if (learnt) this.register(gen);
                else this.authFailure(detail);
              },
              () => this.isCurrent(gen) && this.registerer === r && this.scheduleRetry(gen, 'credentials unavailable'),
            );
            return;
          }
          if (code === 401 || code === 403 || code === 407) {
            this.authFailure(detail);
            return;
          }
          this.scheduleRetry(gen, detail);
        }),
      },
    }).catch((err: unknown) => {
      if (this.isCurrent(gen) && this.registerer === r) this.scheduleRetry(gen, describe(err));
    });
  }

  private authFailure(detail: string): void {
    this.authFailed = true;
    this.clearRetry();
    this.clearWatchdog();
    this.setReg({ kind: 'failed', reason: 'auth', detail });
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
