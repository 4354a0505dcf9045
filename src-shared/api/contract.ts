// The one desktop API. Each method: a zod input and output schema. Hosts (Electron IPC, web
// HTTP) validate inputs against these before calling the service, and add nothing of their own.
import { z } from 'zod';
import { LookupResult, Pop, SearchHit } from '../pop/schema';
import { CallEvent, CallRecord, FailureReason } from '../telephony/calls';
import { Case, CaseEdit, Disposition, OfferOutcome } from '../cases/schema';
import { Note, SyncStatus } from '../sync/status';
import { SoftphoneReport } from '../desktop/presence';
import { BreakReason, ChosenState } from '../agent-state/states';
import { AgentStateView } from '../agent-state/view';
import { AgentStatus } from '../agent-state/states';
import { AbandonedCaller, QueueCall, QueueDay, QueueStats, QueueTeam, SupervisorMe } from '../supervisor/stats';
import { SessionView, SignInInput, SignInResult, SignOutResult } from '../desktop/session';

const RegionCode = z.string().regex(/^[A-Z]{2}$/, 'two-letter ISO 3166 region');

export const StoreStatus = z.object({
  dataDir: z.string(),
  region: z.string(),
  customers: z.number(),
  purchases: z.number(),
  /** Set when the store was filled with the built-in demo set on first start. */
  demo: z.object({ customers: z.number(), loadedAt: z.string() }).nullable(),
  host: z.enum(['electron', 'web']),
});
export type StoreStatus = z.infer<typeof StoreStatus>;

export const SoftphoneConfig = z.object({
  server: z.string().regex(/^wss?:\/\/.+/, 'a ws:// or wss:// URL'),
  uri: z.string().regex(/^sips?:[^@\s]+@[^\s]+$/, 'a SIP URI like sip:1001@pbx.example.com'),
  user: z.string().min(1).max(128),
  password: z.string().max(256),
  displayName: z.string().max(128).default(''),
  region: RegionCode.default('IT'),
});
export type SoftphoneConfig = z.infer<typeof SoftphoneConfig>;

export const methods = {
  /** Resolve a raw caller identity (number, tel:, sip:) into a match and, for one customer, the pop. */
  lookup: {
    input: z.object({ identity: z.string().max(512), region: RegionCode.optional() }),
    output: LookupResult,
  },
  /** The pop of one customer (after the chooser or a search). */
  openCustomer: {
    input: z.object({ customerId: z.string().min(1).max(128) }),
    output: Pop.nullable(),
  },
  /** Full-text search over name, company, email, customer id and phone. */
  search: {
    input: z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(100).optional() }),
    output: z.array(SearchHit),
  },
  status: {
    input: z.object({}),
    output: StoreStatus,
  },
  /**
   * An INVITE arrived: record the call and look the caller up, in one round trip (the pop path).
   * `identity` is what CallerIdentity chose (PAI > RPID > From), or '' when withheld.
   */
  incomingCall: {
    input: z.object({
      callId: z.string().min(1).max(256),
      identity: z.string().max(512),
      display: z.string().max(256).default(''),
      line: z.string().max(128).default(''),
      forwardedBy: z.string().max(256).nullable().default(null),
      withheld: z.boolean().default(false),
      region: RegionCode.optional(),
      /** A queue offer's X-Pronto-Wrapup header as received ('' when absent): its wrap-up rule. */
      wrapUp: z.string().max(128).default(''),
    }),
    output: LookupResult,
  },
  /** An outgoing call (click-to-dial) started: recorded like an incoming one. */
  outgoingCall: {
    input: z.object({ callId: z.string().min(1).max(256), target: z.string().max(512), customerId: z.string().max(128).nullable().default(null) }),
    output: z.object({ ok: z.literal(true) }),
  },
  /** The agent put a call on hold (held) or resumed it: recorded at the hub as call.hold / call.resume. */
  callHeld: { input: z.object({ callId: z.string().min(1).max(256), held: z.boolean() }), output: z.object({ ok: z.boolean() }) },
  callProgress: {
    input: z.object({
      callId: z.string().min(1).max(256), event: CallEvent, customerId: z.string().max(128).nullable().optional(),
      /** `failed`: why (e.g. "could not accept the caller's audio offer: no DTLS fingerprint"); recorded with the call. */
      reason: FailureReason.optional(),
    }),
    output: z.object({ ok: z.boolean() }),
  },
  /** Start (or get) the draft case of a call / customer; the pop opens one automatically. */
  caseStart: {
    input: z.object({ callId: z.string().max(256).nullable().optional(), customerId: z.string().max(128).nullable().optional(), line: z.string().max(128).optional() }),
    output: Case,
  },
  /** Debounced save while the agent types: durable in the local store at once. */
  caseSave: { input: CaseEdit, output: Case },
  caseCallEnded: {
    input: z.object({ callId: z.string().min(1).max(256), durationS: z.number().int().min(0).nullable() }),
    output: Case.nullable(),
  },
  caseSubmit: { input: CaseEdit.extend({ offers: z.array(OfferOutcome).max(10).optional() }), output: Case },
  caseGet: { input: z.object({ caseId: z.string().min(1).max(64) }), output: Case.nullable() },
  /** Drafts and wrap-ups left open (after a restart or crash), newest first. */
  casesOpen: { input: z.object({}), output: z.array(Case) },
  caseHistory: { input: z.object({ customerId: z.string().min(1).max(128) }), output: z.array(Case) },
  dispositions: { input: z.object({}), output: z.array(Disposition) },
  settings: {
    input: z.object({}),
    output: z.object({ wrapUpSeconds: z.number(), region: z.string() }),
  },
  notesList: { input: z.object({ customerId: z.string().min(1).max(128) }), output: z.array(Note) },
  noteSave: {
    input: z.object({ customerId: z.string().min(1).max(128), noteId: z.string().uuid().optional(), text: z.string().max(20_000) }),
    output: Note,
  },
  /** Turn an unknown caller into a contact (local at once, then synced). */
  contactCreate: {
    input: z.object({
      name: z.string().trim().min(1).max(200), company: z.string().max(200).optional(),
      phone: z.string().min(1).max(64), country: z.string().length(2), notes: z.string().max(5000).optional(),
    }),
    output: z.object({ contactId: z.string() }),
  },
  syncStatus: { input: z.object({}), output: SyncStatus },
  /** Ask for a sync round now (e.g. the agent clicks the status); never blocks. */
  syncNow: { input: z.object({}), output: z.object({ ok: z.boolean() }) },
  /**
   * Softphone settings. Web host: defaults from PRONTO_SIP_SERVER, PRONTO_SIP_URI, PRONTO_SIP_USER,
   * PRONTO_SIP_PASSWORD (+ PRONTO_SIP_DISPLAY_NAME). Electron: saved settings, the password kept
   * with safeStorage. `password` is returned only to our own renderer (it registers with it).
   */
  /** The softphone's settings; `password` is always empty (the host keeps it: softphoneCredential). */
  softphoneConfig: { input: z.object({}), output: SoftphoneConfig.nullable() },
  /** An empty `password` keeps the one the host holds (same user and server). */
  softphoneConfigSave: { input: SoftphoneConfig, output: z.object({ ok: z.boolean(), persisted: z.boolean() }) },
  /** HA1 = MD5(user:realm:password) for the realm a PBX challenged with; null: no password held. */
  softphoneCredential: {
    input: z.object({ realm: z.string().min(1).max(256) }),
    output: z.object({ ha1: z.string().regex(/^[0-9a-f]{32}$/) }).nullable(),
  },
  /** A call is ringing: bring the app forward (Electron: show, focus, flash, OS notification). */
  attention: {
    input: z.object({ title: z.string().max(200), body: z.string().max(500) }),
    output: z.object({ handled: z.boolean() }),
  },
  listCalls: {
    input: z.object({ limit: z.number().int().min(1).max(1000).optional() }),
    output: z.array(CallRecord),
  },
  /**
   * The softphone's registration and live calls, for the desktop shell: the tray shows them,
   * closing the window hides it while signed in, updates wait for idle. The web host ignores it.
   */
  shellReport: { input: SoftphoneReport, output: z.object({ ok: z.boolean() }) },
  /** Text for support ("Copy diagnostics" in Settings): versions, settings, sync, recent log lines; never a secret. */
  diagnostics: { input: z.object({}), output: z.object({ text: z.string() }) },
  /** The agent's state (Available, Ringing, On call, Wrap-up, Break, Offline) with its reason and since. */
  agentState: { input: z.object({}), output: AgentStateView },
  /**
   * The agent chooses Available, Break (`reason`: a code of breakReasons, required) or Offline
   * (signs out). During a call or wrap-up the choice is where the agent goes afterwards.
   */
  agentStateSet: {
    input: z.object({ state: ChosenState, reason: z.string().max(40).nullable().default(null) }),
    output: AgentStateView,
  },
  /** The softphone's registration as the renderer sees it; null: no softphone configured. */
  agentStateRegistration: { input: z.object({ registered: z.boolean().nullable() }), output: AgentStateView },
  /** Break reasons: the hub's list (cached in the store), else the shipped defaults. */
  breakReasons: { input: z.object({}), output: z.array(BreakReason) },
  /** Who the hub says this user is (`supervisor`: role supervisor or admin); null without a hub. */
  supervisorMe: { input: z.object({}), output: SupervisorMe.nullable() },
  /** The hub's live queue and agent figures (GET /v1/stats/queues; a team supervisor: their team). */
  queueStats: { input: z.object({}), output: QueueStats },
  /** Each queue's team (the agents filter: a queue's agents are its team's). */
  queueTeams: { input: z.object({}), output: z.array(QueueTeam) },
  /** Today's quarter hours per queue (the hub's report) with the peak of calls waiting, for the chart. */
  queueDay: { input: z.object({}), output: QueueDay },
  /** Today's calls of one queue from the hub's event record, newest first. */
  queueCalls: { input: z.object({ queue: z.string().min(1).max(128) }), output: z.array(QueueCall) },
  /** Today's callers who gave up or timed out and have not reached an agent since, newest first. */
  abandonedCallers: { input: z.object({}), output: z.array(AbandonedCaller) },
  /** A supervisor sets an agent's state at the hub (a break needs a reason); the agent's desktop follows. */
  supervisorSetAgentState: {
    input: z.object({ name: z.string().min(1).max(128), state: ChosenState, reason: z.string().max(40).nullable().default(null) }),
    output: AgentStatus,
  },
  /**
   * The Queues view is open (`on`, renewed every 20 s by `watcher`, one id per view) or closed: while
   * any view watches, the host keeps one socket to the hub's live figures and relays `queueStats`.
   */
  queueStatsWatch: {
    input: z.object({ on: z.boolean(), watcher: z.string().min(1).max(64) }),
    output: z.object({ watching: z.boolean(), connected: z.boolean() }),
  },
  /** Who is signed in at which hub, with the role the hub gave (issue 20); never the token. */
  session: { input: z.object({}), output: SessionView },
  /** Log in at the hub (POST /v1/auth/login): sync starts and the softphone is provisioned. A refusal is a result, in words. */
  signIn: { input: SignInInput, output: SignInResult },
  /** Push the outbox first (when online), stop the softphone and sync, revoke the token at the hub. */
  signOut: { input: z.object({}), output: SignOutResult },
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type Input<M extends MethodName> = z.input<Methods[M]['input']>;
export type Output<M extends MethodName> = z.infer<Methods[M]['output']>;

export const events = {
  /** Store content changed (import, demo load, later: sync); views may refresh. */
  storeChanged: z.object({ reason: z.string() }),
  syncStatus: SyncStatus,
  /** A tel:/sip: link from another app (Electron): the page asks the agent, then dials `target`. */
  dialRequest: z.object({ scheme: z.enum(['tel', 'sip', 'sips']), target: z.string().min(1).max(300), display: z.string().max(300) }),
  /** The agent's state changed (a call, the agent, a supervisor at the hub, the softphone, a timer). */
  agentState: AgentStateView,
  /** The hub's list of break reasons arrived (or changed). */
  breakReasons: z.object({ reasons: z.array(BreakReason) }),
  /** The hub's live queue and agent figures, while a Queues view watches (queueStatsWatch). */
  queueStats: QueueStats,
  /** Signed in or out, the session expired, the SIP credential was renewed. */
  session: SessionView,
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}
