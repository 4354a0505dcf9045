// Sign in once (issue 20): the agent's name and password at the hub give the desktop its token,
// role, team, display name and a SIP credential. The token stays on this side (the renderer sees
// the session, never the token): the host's vault keeps it (token-storage policy), sync starts
// with it, the softphone is provisioned from `sip` (its password answers challenges as HA1, like
// any host-held SIP password) and renewed before it expires. Signing out pushes the outbox first
// when online, stops sync, forgets the credential and revokes the token at the hub.
//
// Shared desks: the agent signed in is the store's `session_owner` (sync/owner.ts). Their drafts
// and outbox rows carry it; another agent signing in later on this PC reuses the synced store (the
// cursor is the desk's) but sees and pushes only their own work; the first agent's unsent work
// waits for them, and goes out under their token when they sign in here again.
import type { SoftphoneConfig } from '../../../src-shared/api/contract';
import type { Role, SipProvisioning } from '../../../src-shared/sync/protocol';
import type { SessionView, SignInResult, SipStatus } from '../../../src-shared/desktop/session';
import { plaintextRefusal } from '../../../src-shared/api/plaintext-policy';
import type { HubLink } from '../agent-state/hub';
import { hubLogin, hubLogout, hubMe, hubSip, SessionHubError, visibilityOf } from './hub';
import { ownerKey } from '../sync/owner';

/** What a vault keeps of a session: the token (encrypted or in memory) and what to show until the hub answers. */
export interface StoredSession {
  hubUrl: string;
  user: string;
  token: string;
  role: Role;
  team: string | null;
  displayName: string | null;
}

/** The host's token keeper (Electron: safeStorage in the main process; web host: its memory). */
export interface TokenVault {
  load(): StoredSession | null;
  /** true: it survives a restart. */
  save(s: StoredSession): boolean;
  clear(): void;
  /** Whether save() would persist (for the session view). */
  persists(): boolean;
}

/** An in-memory vault: the web host's (its own process memory), and Electron's without OS encryption. */
export function memoryVault(): TokenVault {
  let held: StoredSession | null = null;
  return {
    load: () => held,
    save: (s) => {
      held = s;
      return false;
    },
    clear: () => {
      held = null;
    },
    persists: () => false,
  };
}

/** What the session drives on the desktop (desktop.ts wires it to sync, the API and the store). */
export interface SessionHost {
  /**
   * Start sync and the hub-bound services with this link; null stops them. `scope`: what the
   * agent may see (the hub's fingerprint): a store holding another scope's customers drops them
   * before this agent sees the app (null: unknown; the hub's reset does it at the first pull).
   */
  attach(link: HubLink | null, scope?: string | null): Promise<void>;
  /** One push round now (sign-out): how many rows went; throws when the hub cannot be reached. */
  push(): Promise<number>;
  /** The softphone's settings from the hub (null: none; the agent's own settings still apply). */
  provision(c: SoftphoneConfig | null): void;
  /** Whether the agent's own saved SIP settings override the provisioned ones. */
  softphoneOverridden(): boolean;
  /** Names the agent whose drafts and outbox rows are made from now ('' nobody). */
  setOwner(owner: string): Promise<void>;
  /**
   * The hub this desk's store was synced with (null: none yet). Once an agent signed in there, the
   * desk asks for a sign-in at every start: its store holds that hub's customers.
   */
  boundHub(): string | null;
  /** Pending outbox rows of the current agent, and of others of this desk. */
  pending(): { mine: number; others: number };
  emit(view: SessionView): void;
  log(line: string): void;
}

export interface SessionOptions {
  host: SessionHost;
  vault: TokenVault;
  /** The installer's hub address (PRONTO_HUB_URL or pronto.conf); null: the agent types it. */
  presetHubUrl: string | null;
  /** PRONTO_HUB_TOKEN: sync started with it (as before issue 20); the session only reports it. */
  envToken: boolean;
  allowPlaintext: boolean;
  region: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** Renew the SIP credential this long before it expires (default: a tenth of its life, at least 60 s, at most 30 min). */
  renewAheadMs?: (lifeMs: number) => number;
}

interface Current extends StoredSession {
  sip: SipProvisioning | null;
  customersVisible: boolean | null;
  notice: string | null;
}

const SIP_RETRY_MS = 30_000;

export class SessionService {
  private cur: Current | null = null;
  private expired: { user: string; hubUrl: string } | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private busy: Promise<unknown> = Promise.resolve();
  private readonly doFetch: typeof fetch;

  constructor(private readonly o: SessionOptions) {
    this.doFetch = o.fetch ?? ((...a) => fetch(...a));
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** At start: resume a session the vault kept (the hub confirms who and what), else nobody is signed in. */
  async start(): Promise<void> {
    if (this.o.envToken) return;
    const kept = this.o.vault.load();
    if (!kept) {
      await this.o.host.setOwner(''); // the last agent's work stays theirs; nobody's new work is
      this.emit();
      return;
    }
    this.cur = { ...kept, sip: null, customersVisible: null, notice: null };
    await this.o.host.setOwner(ownerKey(kept.user, kept.hubUrl));
    await this.o.host.attach(this.link());
    this.emit();
    void this.refresh();
  }

  view(): SessionView {
    const c = this.cur;
    const counts = this.o.host.pending();
    const sip: SipStatus | null = c?.sip ? { extension: c.sip.extension, server: c.sip.server, expiresAt: c.sip.expiresAt, inUse: !this.o.host.softphoneOverridden() } : null;
    return {
      mode: this.o.envToken ? 'env' : c ? 'session' : 'none',
      signedIn: this.o.envToken || c !== null,
      user: c?.user ?? this.expired?.user ?? null,
      role: c?.role ?? null,
      team: c?.team ?? null,
      displayName: c?.displayName ?? null,
      hubUrl: c?.hubUrl ?? this.expired?.hubUrl ?? this.o.presetHubUrl ?? this.o.host.boundHub(),
      hubPreset: this.o.presetHubUrl !== null,
      required: !this.o.envToken && !c && (this.o.presetHubUrl !== null || this.expired !== null || this.o.host.boundHub() !== null),
      expired: this.expired !== null,
      sip,
      customersVisible: c?.customersVisible ?? null,
      notice: c?.notice ?? null,
      tokenPersisted: c !== null && this.o.vault.persists(),
      othersPending: counts.others,
    };
  }

  /** One sign-in or sign-out at a time. */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.busy.then(f, f);
    this.busy = run.catch(() => undefined);
    return run;
  }

  signIn(input: { hubUrl?: string; name: string; password: string }): Promise<SignInResult> {
    return this.serial(async () => {
      if (this.o.envToken) return { ok: false as const, reason: 'hub_error' as const, message: 'this desktop syncs with PRONTO_HUB_TOKEN; signing in is not used' };
      const hubUrl = (this.o.presetHubUrl ?? input.hubUrl ?? '').trim().replace(/\/+$/, '');
      if (!/^https?:\/\/[^\s/]+/.test(hubUrl)) return { ok: false as const, reason: 'bad_hub' as const, message: 'the hub address must start with http:// or https://' };
      const refused = plaintextRefusal('hub', hubUrl, this.o.allowPlaintext);
      if (refused) return { ok: false as const, reason: 'bad_hub' as const, message: refused };
      let answer;
      try {
        answer = await hubLogin(this.doFetch, hubUrl, input.name, input.password);
      } catch (err) {
        if (err instanceof SessionHubError) return { ok: false as const, reason: err.reason === 'session_expired' ? 'wrong_password' as const : err.reason, message: err.message };
        throw err;
      }
      // another agent was signed in here (Settings → Sign in without signing out): their session ends first
      if (this.cur) await this.endSession({ push: true, revoke: true });
      const next: Current = {
        hubUrl, user: input.name, token: answer.token, role: answer.role, team: answer.team,
        displayName: answer.displayName ?? null, sip: answer.sip ?? null,
        customersVisible: answer.customersVisible ?? null, notice: answer.notice ?? null,
      };
      // the account's scope (a shared desk's store may hold another team's customers), and for an
      // older hub whether the account has regions at all
      let scope: string | null = null;
      try {
        const me = await hubMe(this.doFetch, hubUrl, answer.token);
        scope = me.scope ?? null;
        if (answer.customersVisible === undefined) Object.assign(next, visibilityOf(me));
      } catch { /* unknown: the first pull's reset drops another scope's rows */ }
      this.cur = next;
      this.expired = null;
      this.o.vault.save(this.stored(next));
      await this.o.host.setOwner(ownerKey(next.user, hubUrl));
      this.applySip();
      await this.o.host.attach(this.link(), scope);
      this.o.host.log(`session: ${next.user} (${next.role}) signed in at ${hubUrl}`);
      const view = this.emit();
      return { ok: true as const, session: view };
    });
  }

  signOut(): Promise<{ ok: boolean; pushed: number; kept: number; revoked: boolean }> {
    return this.serial(async () => {
      if (this.o.envToken) return { ok: false, pushed: 0, kept: this.o.host.pending().mine, revoked: false };
      if (!this.cur) {
        this.expired = null;
        this.emit();
        return { ok: true, pushed: 0, kept: 0, revoked: false };
      }
      const r = await this.endSession({ push: true, revoke: true });
      this.emit();
      return { ok: true, ...r };
    });
  }

  /**
   * The hub refused the token (sync or a renewal saw 401): the session expired. Sync stops, the
   * credential is dropped, the agent's unsent work stays in the outbox tagged with them.
   */
  expire(why: string): Promise<void> {
    return this.serial(async () => {
      const c = this.cur;
      if (!c) return;
      this.o.host.log(`session: ${c.user}'s token was refused by the hub (${why}); sign in again`);
      this.expired = { user: c.user, hubUrl: c.hubUrl };
      await this.endSession({ push: false, revoke: false });
      this.emit();
    });
  }

  /** Sync's status said the hub refused the token (401). */
  syncRefused(error: string | null): void {
    // 401: expired or revoked; 403 user_disabled: the account was disabled meanwhile
    if (this.cur && error && (/^hub 401\b/.test(error) || /^hub 403\b.*disabled/.test(error))) void this.expire(error);
  }

  private async endSession(o: { push: boolean; revoke: boolean }): Promise<{ pushed: number; kept: number; revoked: boolean }> {
    const c = this.cur!;
    let pushed = 0;
    if (o.push) {
      try {
        pushed = await this.o.host.push();
      } catch (err) {
        this.o.host.log(`session: the outbox stays for ${c.user}'s next sign-in (${(err as Error).message})`);
      }
    }
    await this.o.host.attach(null); // sync and the live sockets stop; the agent state is recorded offline first
    const kept = this.o.host.pending().mine;
    this.clearRenew();
    this.cur = null;
    this.o.vault.clear();
    this.o.host.provision(null);
    const revoked = o.revoke ? await hubLogout(this.doFetch, c.hubUrl, c.token) : false;
    await this.o.host.setOwner('');
    this.o.host.log(`session: ${c.user} signed out (${pushed} sent, ${kept} kept for later${o.revoke ? `, token ${revoked ? 'revoked' : 'not revoked: hub unreachable'}` : ''})`);
    return { pushed, kept, revoked };
  }

  /** The hub's word on who this is and a SIP credential (a resumed session, a renewal). */
  private async refresh(): Promise<void> {
    const c = this.cur;
    if (!c) return;
    try {
      const me = await hubMe(this.doFetch, c.hubUrl, c.token);
      if (this.cur !== c) return;
      const role = (['agent', 'supervisor', 'admin'] as const).find((r) => r === me.role) ?? c.role;
      Object.assign(c, { role, team: me.team ?? null, displayName: me.displayName ?? c.displayName, ...visibilityOf(me) });
      this.o.vault.save(this.stored(c));
      this.emit();
    } catch (err) {
      if (err instanceof SessionHubError && (err.reason === 'session_expired' || err.reason === 'user_disabled')) return void (await this.expire(err.message));
      this.o.host.log(`session: the hub did not confirm ${c.user} (${(err as Error).message}); going on with what was kept`);
    }
    await this.renewSip();
  }

  /** GET /v1/me/sip: a new credential before the current one expires. */
  private async renewSip(): Promise<void> {
    const c = this.cur;
    if (!c) return;
    try {
      const sip = await hubSip(this.doFetch, c.hubUrl, c.token);
      if (this.cur !== c) return;
      c.sip = sip;
      this.applySip();
      this.emit();
    } catch (err) {
      if (err instanceof SessionHubError && (err.reason === 'session_expired' || err.reason === 'user_disabled')) return void (await this.expire(err.message));
      if (err instanceof SessionHubError && err.status === 404) return; // a hub without provisioning: nothing to renew
      this.o.host.log(`session: SIP credential not renewed (${(err as Error).message}); trying again`);
      this.schedule(SIP_RETRY_MS);
    }
  }

  private applySip(): void {
    const c = this.cur;
    const s = c?.sip ?? null;
    this.clearRenew();
    if (!c || !s) {
      this.o.host.provision(null);
      return;
    }
    const server = plaintextRefusal('sip', s.server, this.o.allowPlaintext);
    if (server) {
      this.o.host.log(`session: the hub's SIP server is not used: ${server}`);
      this.o.host.provision(null);
      return;
    }
    this.o.host.provision({
      server: s.server, uri: `sip:${s.extension}@${s.domain}`, user: s.authUser, password: s.password,
      displayName: c.displayName ?? c.user, region: this.o.region,
    });
    const expires = Date.parse(s.expiresAt);
    if (Number.isFinite(expires)) {
      const life = Math.max(0, expires - this.now());
      const ahead = this.o.renewAheadMs?.(life) ?? Math.min(30 * 60_000, Math.max(60_000, life / 10));
      this.schedule(Math.max(1_000, life - ahead));
    }
  }

  private schedule(ms: number): void {
    this.clearRenew();
    // setTimeout holds at most 2^31-1 ms (~24.8 days)
    this.renewTimer = setTimeout(() => void this.renewSip(), Math.min(ms, 2_147_000_000));
    this.renewTimer.unref?.();
  }

  private clearRenew(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = null;
  }

  private link(): HubLink | null {
    return this.cur ? { hubUrl: this.cur.hubUrl, token: this.cur.token } : null;
  }

  private stored(c: Current): StoredSession {
    return { hubUrl: c.hubUrl, user: c.user, token: c.token, role: c.role, team: c.team, displayName: c.displayName };
  }

  private emit(): SessionView {
    const v = this.view();
    this.o.host.emit(v);
    return v;
  }

  /** The app is closing: timers stop (the session itself stays, for the next start when the vault persists). */
  close(): void {
    this.clearRenew();
  }
}
