// The contract's methods implemented once over the services. Both hosts (Electron IPC, web
// HTTP/WS) reach them through call-path.ts, whose `dispatch` here validates the input against the
// contract's zod schema first.
import { EventEmitter } from 'node:events';
import type { z } from 'zod';
import { methods, isMethodName, SoftphoneConfig, type EventName, type EventPayload, type Input, type MethodName, type Output } from '../../src-shared/api/contract';
import type { Store } from '../db/store';
import { LookupService } from '../services/lookup';
import { SearchService } from '../services/search';
import { CallService, offeredMatch, type OfferedCall } from '../services/calls';
import { OfferService } from '../services/offers/service';
import { CaseService, CaseError } from '../services/cases/service';
import { getMeta } from '../db/queries/meta';
import { NotesService } from '../services/sync/notes';
import type { SyncHandle } from '../services/sync/handle';
import type { SyncStatus } from '../../src-shared/sync/status';
import { demoInfo } from '../services/demo';
import type { Region } from '../../src-shared/phone/normalize';
import { isRegion } from '../../src-shared/phone/normalize';
import { ApiError } from './errors';
import { digestHa1, keepHeldPassword, RealmPin, withoutPassword } from './softphone-secret';
import { plaintextRefusal } from '../../src-shared/api/plaintext-policy';
import { WriteQueue } from '../db/writes';
import type { Checkpointer } from '../db/checkpointer';
import { dataVersionStatement, storeCountsStatement, type StoreCounts } from '../db/queries/counts';
import { CallWriterGone, type CallWriter } from '../services/call-writer';
import type { CallEvent } from '../../src-shared/telephony/calls';
import type { LookupResult } from '../../src-shared/pop/schema';
import type { DesktopConfig } from '../config';
import { DESKTOP_CONFIG } from '../config';
import { diagnosticsText, type HostDiagnostics } from '../services/diagnostics';
import type { SoftphoneReport } from '../../src-shared/desktop/presence';
import { AgentStateError, AgentStateService } from '../services/agent-state/service';
import type { HubLink } from '../services/agent-state/hub';
import { SupervisorError, SupervisorService } from '../services/supervisor/service';
import type { SessionService } from '../services/session/service';
import type { SessionView } from '../../src-shared/desktop/session';
import { currentOwner } from '../services/sync/owner';

export interface AppContext {
  store: Store;
  region: Region;
  host: 'electron' | 'web';
  /** Present when a hub is configured. */
  sync?: SyncHandle | null;
  /** The hub's address and token (agent states read it on connect); null standalone. */
  hub?: HubLink | null;
  /** Writes call records off the host's thread; else (or once it has ended) on its write queue. */
  callWriter?: CallWriter | null;
  /** Counts the store's rows off the host's thread (the checkpoint worker); else counted here. */
  storeCounter?: Pick<Checkpointer, 'count'> | null;
  /** Host-specific pieces (Electron: safeStorage, window attention); the web host uses defaults. */
  platform?: Partial<PlatformHooks>;
  log?: (line: string) => void;
  /** After-call work time when the hub has set none (PRONTO_WRAP_UP_SECONDS; default 60). */
  wrapUpSeconds?: number;
  /** The softphone's defaults (web host: PRONTO_SIP_*), see softphoneDefaults. */
  softphone?: SoftphoneConfig | null;
  /** The settings in force (diagnostics lists them, secrets masked). */
  config?: DesktopConfig;
}

export interface PlatformHooks {
  /** `owner`: the agent signed in (shared desks: each agent's own settings; '' nobody). */
  loadSoftphone(owner?: string): SoftphoneConfig | null;
  saveSoftphone(c: SoftphoneConfig, owner?: string): { ok: boolean; persisted: boolean };
  attention(title: string, body: string): boolean;
  /** Electron: the softphone's registration and calls for the tray, close-to-tray and updates. */
  shellReport?(report: SoftphoneReport): boolean;
  /** Electron: versions, the log file and the shell's state for diagnostics. */
  diagnostics?(): HostDiagnostics;
}

/** The softphone's defaults from the configuration (web host: PRONTO_SIP_*); null when none are set. */
export function softphoneDefaults(config: Pick<DesktopConfig, 'sipServer' | 'sipUri' | 'sipUser' | 'sipPassword' | 'sipDisplayName' | 'region'>): SoftphoneConfig | null {
  if (!config.sipServer || !config.sipUri) return null;
  const parsed = SoftphoneConfig.safeParse({
    server: config.sipServer, uri: config.sipUri,
    user: config.sipUser ?? /^sips?:([^@]+)@/.exec(config.sipUri)?.[1] ?? '',
    password: config.sipPassword ?? '', displayName: config.sipDisplayName ?? '', region: config.region,
  });
  if (!parsed.success) throw new Error(`PRONTO_SIP_*: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** A host without a session service (tests, tools): nobody signs in. */
const NO_SESSION: SessionView = {
  mode: 'none', signedIn: false, user: null, role: null, team: null, displayName: null, hubUrl: null, hubPreset: false,
  required: false, expired: false, sip: null, customersVisible: null, notice: null, tokenPersisted: false, othersPending: 0,
};

const STANDALONE: Omit<SyncStatus, 'pending' | 'rejected' | 'rejectedItems'> = {
  configured: false, hubUrl: null, online: false, live: false, lastSyncedAt: null, cursor: 0, error: null, progress: null,
};

/**
 * Methods that write the store: they wait for the write lock in the write queue (db/writes.ts),
 * never on the host's thread. The call methods (incomingCall, outgoingCall, callProgress) queue
 * their records themselves, on the call writer's thread where one runs.
 */
const WRITES: ReadonlySet<MethodName> = new Set<MethodName>([
  'caseStart', 'caseSave', 'caseCallEnded', 'caseSubmit', 'noteSave', 'contactCreate',
]);

/** The call writer's answer; `here` (the host's queue) when it runs none or ended before answering. */
function orHere<T>(offThread: Promise<T> | null | undefined, here: () => Promise<T>): Promise<T> {
  return offThread?.catch((err: unknown) => (err instanceof CallWriterGone ? here() : Promise.reject(err))) ?? here();
}

const RECENT_LOOKUP_MS = 2_000;
const RECENT_LOOKUPS = 256;

export type Handlers = { [M in MethodName]: (input: z.infer<(typeof methods)[M]['input']>) => Output<M> | Promise<Output<M>> };

export class DesktopApi {
  readonly lookup: LookupService;
  readonly search: SearchService;
  readonly calls: CallService;
  readonly offers: OfferService;
  readonly cases: CaseService;
  readonly notes: NotesService;
  /** Made again when a sign-in or sign-out changes the hub (attachHub). */
  agentState: AgentStateService;
  supervisor: SupervisorService;
  /** The sign-in session (issue 20); null: a host without one (tests). */
  session: SessionService | null = null;
  private sessionSoftphone: SoftphoneConfig | null = null;
  private readonly realmPin = new RealmPin();
  /** The softphone's settings from the hub's login (SIP provisioning); the agent's own settings win. */
  private provisioned: SoftphoneConfig | null = null;
  /** The softphone settings this host holds, password included (never sent to a page as such). */
  /** The SIP server the softphone is configured for (the web host's CSP names it), null: none. */
  sipServer(): string | null {
    return this.softphoneHeld()?.server ?? null;
  }

  private softphoneHeld = (): SoftphoneConfig | null => {
    const c = this.ownSoftphone() ?? this.provisioned ?? this.ctx.softphone ?? null;
    // checked at every read, not only at save: settings saved before the rule (or edited by hand)
    // must not send a SIP password in clear either; the settings form shows them unconfigured
    if (c && plaintextRefusal('sip', c.server, this.ctx.config?.allowPlaintext ?? false)) return null;
    return c;
  };
  /** The settings the agent saved (per agent on a shared desk), which override the hub's provisioning. */
  private ownSoftphone(): SoftphoneConfig | null {
    return this.ctx.platform?.loadSoftphone?.(currentOwner(this.ctx.store.sqlite)) ?? this.sessionSoftphone;
  }

  /** The session's provisioning (null: none); the renderer is told through the `session` event. */
  provisionSoftphone(c: SoftphoneConfig | null): void {
    this.provisioned = c;
  }

  softphoneOverridden(): boolean {
    return this.ownSoftphone() !== null;
  }

  /**
   * A sign-in or sign-out: the hub-bound services start again with this link and sync handle
   * (null: none). The agent's state is recorded (offline) by the services of the agent leaving
   * before the next agent's start; the web host's softphone settings of the last agent go.
   */
  async attachHub(hub: HubLink | null, sync: SyncHandle | null): Promise<void> {
    this.supervisor.close();
    await this.agentState.close();
    this.ctx.hub = hub;
    this.ctx.sync = sync;
    this.sessionSoftphone = null;
    this.connectHub();
    this.emit('agentState', this.agentState.view());
    void this.agentState.refreshFromHub();
  }

  private connectHub(): void {
    const ctx = this.ctx;
    const sync = ctx.sync;
    this.agentState = new AgentStateService({
      sqlite: ctx.store.sqlite,
      write: (fn) => (ctx.store.sqlite.inTransaction ? Promise.resolve(fn()) : this.writes.run(fn)),
      hub: ctx.hub && sync ? { link: ctx.hub, kick: () => sync.kick() } : null,
      wrapUpSeconds: () => this.wrapUpSeconds(),
      emit: (view) => this.emit('agentState', view),
      emitReasons: (reasons) => this.emit('breakReasons', { reasons }),
      log: ctx.log ?? console.error,
    });
    this.supervisor = new SupervisorService({ link: ctx.hub ?? null, emit: (stats) => this.emit('queueStats', stats), log: ctx.log ?? console.error });
  }

  private events = new EventEmitter();
  readonly handlers: Handlers;
  private counts;
  /**
   * status's counts, kept until the store changes: counting 1M customers + 5M purchases takes
   * 100–300 ms, done on the checkpoint worker's thread where there is one. Key: the data_version
   * (other connections' commits) and countEpoch (this host's own changes: contacts, sync).
   */
  private countCache: { key: string; counts: StoreCounts } | null = null;
  private countEpoch = 0;
  private counting: { key: string; done: Promise<StoreCounts> } | null = null;
  private dataVersion;
  readonly writes: WriteQueue;
  private recentLookups = new Map<string, { at: number; result: LookupResult }>();

  constructor(readonly ctx: AppContext) {
    this.writes = new WriteQueue(ctx.store.sqlite);
    this.cases = new CaseService(ctx.store.sqlite);
    this.offers = new OfferService(ctx.store.sqlite);
    const DECLINE_WINDOW_MS = 30 * 86_400_000;
    this.lookup = new LookupService(ctx.store.sqlite, ctx.region, Date.now, (pop) => {
      const since = new Date(Date.now() - DECLINE_WINDOW_MS).toISOString();
      const recent = this.cases.recentOutcomes(pop.customer.customerId, since).map((o) => ({ sku: o.sku, outcome: o.outcome, at: o.decidedAt }));
      return this.offers.offersFor(pop, recent);
    });
    this.search = new SearchService(ctx.store.sqlite, ctx.region);
    this.calls = new CallService(ctx.store.sqlite);
    this.notes = new NotesService(ctx.store.sqlite);
    // assigned again by connectHub (TypeScript wants them set in the constructor itself)
    this.agentState = null as unknown as AgentStateService;
    this.supervisor = null as unknown as SupervisorService;
    this.connectHub();
    // the hub's refusals and malformed answers reach the view as a message, not an internal error
    const supervisorCall = async <T>(f: () => Promise<T> | T): Promise<T> => {
      try {
        return await f();
      } catch (err) {
        if (err instanceof SupervisorError) throw new ApiError('bad_request', err.message);
        throw err;
      }
    };
    const agentCall = <T>(f: () => T): T => {
      try {
        return f();
      } catch (err) {
        if (err instanceof AgentStateError) throw new ApiError('bad_request', err.message);
        throw err;
      }
    };
    const plain = <T>(f: () => T): T => {
      try {
        return f();
      } catch (err) {
        throw new ApiError('bad_request', (err as Error).message);
      }
    };
    const caseCall = <T>(f: () => T): T => {
      try {
        return f();
      } catch (err) {
        if (err instanceof CaseError) throw new ApiError('bad_request', err.message);
        throw err;
      }
    };
    this.counts = storeCountsStatement(ctx.store.sqlite);
    this.dataVersion = dataVersionStatement(ctx.store.sqlite);
    this.handlers = {
      lookup: ({ identity, region }) => {
        if (region && !isRegion(region)) throw new ApiError('bad_request', `region: "${region}" is not supported`);
        const r = (region as Region | undefined) ?? ctx.region;
        const result = this.lookup.lookup(identity, r);
        this.keepForCall(identity, r, result);
        return result;
      },
      openCustomer: ({ customerId }) => this.lookup.pop(customerId),
      search: ({ query, limit }) => this.search.search(query, limit ?? 20),
      incomingCall: (c) => {
        const region = (c.region as Region | undefined) ?? ctx.region;
        const result = c.withheld
          ? { query: c.identity, normalized: null, match: 'withheld' as const, candidates: [], pop: null }
          : this.takeForCall(c.identity, region) ?? this.lookup.lookup(c.identity, region);
        // The pop gets its answer now; the record follows as soon as the store can be written
        // (at once, unless a sync page or an import holds the write lock).
        const offered = { callId: c.callId, direction: 'inbound' as const, remoteRaw: c.identity, remoteDisplay: c.display, line: c.line, forwardedBy: c.forwardedBy };
        this.recordOffered(offered, result).catch((err: unknown) => {
          (ctx.log ?? console.error)(`call ${c.callId} not recorded: ${(err as Error).message}`);
        });
        this.agentState.callOffered(c.callId, { wrapUp: c.wrapUp }); // ringing (its record is written after this returns)
        return result;
      },
      outgoingCall: async (c) => {
        const result = this.lookup.lookup(c.target, ctx.region);
        this.agentState.callDialled(c.callId);
        await this.recordOffered({ callId: c.callId, direction: 'outbound', remoteRaw: c.target, remoteDisplay: '', line: '', forwardedBy: null }, result, c.customerId);
        return { ok: true as const };
      },
      callHeld: ({ callId, held }) => ({ ok: this.agentState.callHeld(callId, held) }),
      callProgress: async ({ callId, event, customerId, reason }) => {
        this.agentState.callProgress(callId, event);
        return { ok: await this.recordProgress(callId, event, customerId, reason) };
      },
      caseStart: (i) => this.cases.start(i),
      caseSave: (i) => caseCall(() => this.cases.save(i)),
      caseCallEnded: (i) => this.cases.callEnded(i),
      caseSubmit: (i) => caseCall(() => {
        const submitted = this.cases.submit(i);
        this.agentState.caseSubmitted(submitted.callId); // its call's wrap-up ends
        return submitted;
      }),
      caseGet: ({ caseId }) => this.cases.get(caseId),
      casesOpen: () => this.cases.open(),
      caseHistory: ({ customerId }) => this.cases.history(customerId),
      dispositions: () => this.cases.dispositions(),
      settings: () => ({ wrapUpSeconds: this.wrapUpSeconds(), region: ctx.region }),
      notesList: ({ customerId }) => this.notes.list(customerId),
      noteSave: (i) => plain(() => this.notes.save(i)),
      contactCreate: (i) => {
        this.countEpoch++; // one customer more
        return plain(() => this.notes.createContact(i));
      },
      syncStatus: () => this.syncStatus(),
      syncNow: () => {
        ctx.sync?.kick();
        return { ok: Boolean(ctx.sync) };
      },
      // The SIP password never goes back to a page: it answers challenges as HA1 (softphoneCredential).
      softphoneConfig: () => withoutPassword(this.softphoneHeld()),
      softphoneConfigSave: (given) => {
        const refused = plaintextRefusal('sip', given.server, ctx.config?.allowPlaintext ?? false);
        if (refused) throw new ApiError('bad_request', `server: ${refused}`);
        const c = keepHeldPassword(given, this.softphoneHeld());
        if (ctx.platform?.saveSoftphone) return ctx.platform.saveSoftphone(c, currentOwner(ctx.store.sqlite));
        this.sessionSoftphone = c; // web host: kept for this run only (the environment holds defaults)
        return { ok: true, persisted: false };
      },
      softphoneCredential: ({ realm }) => {
        const c = this.softphoneHeld();
        if (!c?.password) return null;
        if (!this.realmPin.allows(c, realm)) {
          (ctx.log ?? console.error)(`softphone: HA1 refused for realm "${realm.slice(0, 80)}": this password signs for one realm only`);
          return null;
        }
        return { ha1: digestHa1(c.user, realm, c.password) };
      },
      attention: ({ title, body }) => ({ handled: ctx.platform?.attention?.(title, body) ?? false }),
      listCalls: ({ limit }) => this.calls.recent(limit ?? 100),
      shellReport: (r) => ({ ok: ctx.platform?.shellReport?.(r) ?? false }),
      diagnostics: async () => ({
        text: diagnosticsText({
          host: ctx.host, now: new Date(), status: await this.handlers.status({}), sync: this.syncStatus(), softphone: this.softphoneHeld(),
          config: ctx.config ? { spec: DESKTOP_CONFIG, values: ctx.config } : null, hostInfo: ctx.platform?.diagnostics?.() ?? null,
        }),
      }),
      agentState: () => this.agentState.view(),
      agentStateSet: ({ state, reason }) => agentCall(() => this.agentState.choose(state, reason)),
      agentStateRegistration: ({ registered }) => this.agentState.registration(registered),
      breakReasons: () => this.agentState.breakReasons(),
      supervisorMe: () => supervisorCall(() => this.supervisor.me()),
      queueStats: () => supervisorCall(() => this.supervisor.queueStats()),
      queueTeams: () => supervisorCall(() => this.supervisor.queueTeams()),
      queueDay: () => supervisorCall(() => this.supervisor.queueDay()),
      queueCalls: ({ queue }) => supervisorCall(() => this.supervisor.queueCalls(queue)),
      abandonedCallers: () => supervisorCall(() => this.supervisor.abandonedCallers()),
      supervisorSetAgentState: ({ name, state, reason }) => supervisorCall(() => this.supervisor.setAgentState(name, state, reason)),
      queueStatsWatch: ({ on, watcher }) => supervisorCall(() => this.supervisor.watch(watcher, on)),
      session: () => this.session?.view() ?? NO_SESSION,
      signIn: (i) => {
        if (!this.session) throw new ApiError('bad_request', 'this host has no sign-in');
        return this.session.signIn(i);
      },
      signOut: () => {
        if (!this.session) throw new ApiError('bad_request', 'this host has no sign-in');
        return this.session.signOut();
      },
      status: async () => {
        const [customers, purchases] = await this.storeCounts();
        return { dataDir: ctx.store.dataDir, region: ctx.region, customers, purchases, demo: demoInfo(ctx.store), host: ctx.host };
      },
    };
  }

  /** After-call work time: the hub's setting when synced, else PRONTO_WRAP_UP_SECONDS (default 60). */
  private wrapUpSeconds(): number {
    return Number(getMeta(this.ctx.store.sqlite, 'wrap_up_seconds') ?? this.ctx.wrapUpSeconds ?? 60);
  }

  /**
   * The softphone looks the caller up when an INVITE's bytes arrive and shows that answer; its
   * incomingCall (the call's record) follows a few ms later. The record takes that same answer
   * (once, if under 2 s old) instead of assembling the pop a second time on this thread.
   */
  private keepForCall(identity: string, region: Region, result: LookupResult): void {
    const now = Date.now();
    for (const [k, v] of this.recentLookups) {
      if (now - v.at < RECENT_LOOKUP_MS && this.recentLookups.size < RECENT_LOOKUPS) break;
      this.recentLookups.delete(k);
    }
    this.recentLookups.set(`${region} ${identity}`, { at: now, result });
  }

  private takeForCall(identity: string, region: Region): LookupResult | null {
    const key = `${region} ${identity}`;
    const kept = this.recentLookups.get(key);
    if (!kept) return null;
    this.recentLookups.delete(key);
    return Date.now() - kept.at < RECENT_LOOKUP_MS ? kept.result : null;
  }

  /**
   * A call's record: on the call writer's thread where one runs, else on this host's write queue
   * (also when the writer ended before it answered: a record is written once, ON CONFLICT DO NOTHING).
   */
  private recordOffered(call: OfferedCall, result: LookupResult, customerId: string | null = null): Promise<void> {
    const match = offeredMatch(result, customerId);
    return orHere(this.ctx.callWriter?.offered(call, match), () => this.writes.run(() => this.calls.record(call, match)));
  }

  private recordProgress(callId: string, event: CallEvent, customerId?: string | null, reason?: string | null): Promise<boolean> {
    return orHere(this.ctx.callWriter?.progress(callId, event, customerId, reason), () => this.writes.run(() => this.calls.progress(callId, event, customerId, reason)));
  }

  /** Counted again only after a change: another process committed (import), sync applied, a contact was created. */
  private storeCounts(): Promise<StoreCounts> {
    const key = `${this.countEpoch} ${this.dataVersion.get()}`;
    if (this.countCache?.key === key) return Promise.resolve(this.countCache.counts);
    if (this.counting?.key === key) return this.counting.done; // callers meanwhile share one count
    const done = this.countNow()
      .then((counts) => {
        this.countCache = { key, counts };
        return counts;
      })
      .finally(() => {
        if (this.counting?.key === key) this.counting = null;
      });
    this.counting = { key, done };
    return done;
  }

  private async countNow(): Promise<StoreCounts> {
    const offThread = this.ctx.storeCounter?.count();
    if (offThread) {
      try {
        return await offThread;
      } catch {
        // the worker ended meanwhile: count here
      }
    }
    return this.counts.get();
  }

  syncStatus(): SyncStatus {
    if (this.ctx.sync) return this.ctx.sync.status();
    const { pending, rejected } = this.cases.outbox.counts();
    return { ...STANDALONE, pending, rejected, rejectedItems: this.cases.outbox.rejected(10).map(({ id, kind, reason, rejectedAt }) => ({ id, kind, reason, rejectedAt })) };
  }

  /** Validates and runs one method call from any host. */
  async dispatch(method: string, rawInput: unknown): Promise<unknown> {
    if (!isMethodName(method)) throw new ApiError('unknown_method', `unknown method "${method}"`);
    const parsed = methods[method].input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ApiError('bad_request', `${method}: ${issue.path.join('.') || 'input'}: ${issue.message}`);
    }
    const handler = this.handlers[method] as (i: unknown) => unknown;
    if (WRITES.has(method)) return await this.writes.run(() => handler(parsed.data));
    return await handler(parsed.data);
  }

  call<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>> {
    return this.dispatch(method, input) as Promise<Output<M>>;
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    if (event === 'storeChanged') this.countEpoch++;
    this.events.emit('event', event, payload);
  }

  /** Listener for every event; returns the unsubscribe function. */
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }
}
