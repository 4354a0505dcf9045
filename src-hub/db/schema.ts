// The hub's PostgreSQL schema (drizzle pg-core). One schema for PGlite and PostgreSQL 15+;
// `npx drizzle-kit generate --config drizzle.hub.config.ts` writes the migrations to migrations/hub/.
//
// Two layers:
//  - master tables (customers, products, purchases, accounts, credit_terms, customer_notes,
//    contacts): relational copies for references, reports and lookups. purchases, accounts and
//    credit_terms carry no FOREIGN KEY constraints on purpose: the importer checks every
//    reference (under the change-log lock) and deletes children itself, and the per-row RI
//    triggers (with their row locks) nearly doubled the time of a 5M-row purchases import;
//  - `changes`: the COMPACTED change log the sync stream is read from. It holds one row per
//    (entity, key, bucket) with the latest state: op 'u' + the rendered wire JSON (`data`), or
//    op 'd' (a tombstone). Every write moves the row to a fresh number from `change_seq`, so
//    "everything after N" is one index range scan, and an initial sync reads each live row once
//    instead of replaying history. Buckets scope the data: '*' (everyone: products),
//    'r:<region>' (customers of a region and everything hanging off them), 't:<team>' and
//    'u:<user>' (contacts created by a team / a team-less user). The published offer model lives
//    in hub_meta ('offer_model') and in the change log as entity offerModel.
import { sql } from 'drizzle-orm';
import {
  pgTable, pgSequence, text, integer, bigint, jsonb, timestamp, date, doublePrecision, uuid, boolean,
  primaryKey, index, uniqueIndex, check,
} from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'string', precision: 3 });
const money = (name: string) => bigint(name, { mode: 'number' });

/** Change numbers. Taken ONLY while holding the change-log advisory lock (see src-hub/changes.ts). */
export const changeSeq = pgSequence('change_seq', { startWith: 1, increment: 1, cache: 1 });

/** Key/value facts about this hub database (hub_id: a random id made at the first start). */
export const hubMeta = pgTable('hub_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const teams = pgTable('teams', {
  name: text('name').primaryKey(),
  regions: text('regions').array().notNull().default(sql`'{}'::text[]`),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    team: text('team').references(() => teams.name, { onDelete: 'set null', onUpdate: 'cascade' }),
    /** scrypt$N$r$p$salt$hash (base64url); see src-hub/auth/password.ts. */
    passwordHash: text('password_hash').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    /** The user's SIP extension at the PBX (`--extension 1001`); null for users without a phone. */
    extension: text('extension'),
    /** Shown in the app (login answers `displayName`); null: the user name. */
    displayName: text('display_name'),
    /** Set by `pronto-hub user disable`: no login, no token works (null: active). */
    disabledAt: instant('disabled_at'),
  },
  (t) => [
    uniqueIndex('users_name').on(t.name),
    uniqueIndex('users_extension').on(t.extension),
    check('users_role', sql`${t.role} in ('agent', 'supervisor', 'admin')`),
  ],
);

export const tokens = pgTable(
  'tokens',
  {
    /** sha256 (hex) of the bearer token; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    label: text('label').notNull().default(''),
    createdAt: instant('created_at').notNull().defaultNow(),
    lastUsedAt: instant('last_used_at'),
    /** null: the user's full role; 'display': a wallboard's read-only token (`pronto-hub token --display`). */
    scope: text('scope'),
    /** Refused from this instant on (401 token_expired); null: never expires (display and CLI tokens). */
    expiresAt: instant('expires_at'),
    /** Sliding lifetime: each use (at most one write a minute) moves expires_at to now + this. */
    ttlSeconds: integer('ttl_seconds'),
  },
  (t) => [index('tokens_user').on(t.userId), check('tokens_scope', sql`${t.scope} is null or ${t.scope} = 'display'`)],
);

/**
 * Failed logins per account name (any name typed, so a lockout tells nothing about which names
 * exist). In the database so that every hub instance sees the same count. A successful login
 * deletes the row; rows idle for a day start again from zero (src-hub/auth/login-backoff.ts).
 */
export const loginFailures = pgTable(
  'login_failures',
  {
    name: text('name').primaryKey(),
    /** Attempts since the last success (each counted before its password is checked). */
    failures: integer('failures').notNull(),
    lastFailureAt: instant('last_failure_at').notNull(),
    /** Logins of this name are refused (429) until then. */
    lockedUntil: instant('locked_until'),
  },
  (t) => [index('login_failures_last').on(t.lastFailureAt)],
);

export const customers = pgTable('customers', {
  customerId: text('customer_id').primaryKey(),
  name: text('name').notNull(),
  company: text('company').notNull().default(''),
  email: text('email').notNull().default(''),
  segment: text('segment').notNull().default(''),
  region: text('region').notNull().default(''),
  country: text('country').notNull(),
  /** [{e164,label,raw}] — replaced as a whole by every customer row. */
  phones: jsonb('phones').notNull().default(sql`'[]'::jsonb`),
  createdAt: instant('created_at'),
}, (t) => [index('customers_region').on(t.region)]);

export const products = pgTable('products', {
  sku: text('sku').primaryKey(),
  name: text('name').notNull(),
  category: text('category').notNull().default(''),
  family: text('family').notNull().default(''),
  tier: integer('tier').notNull().default(1),
  priceMinor: money('price_minor').notNull(),
  currency: text('currency').notNull(),
  margin: doublePrecision('margin').notNull().default(0),
});

export const purchases = pgTable(
  'purchases',
  {
    orderId: text('order_id').notNull(),
    sku: text('sku').notNull(),
    customerId: text('customer_id').notNull(),
    quantity: integer('quantity').notNull(),
    amountMinor: money('amount_minor').notNull(),
    currency: text('currency').notNull(),
    purchasedAt: instant('purchased_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.sku] }),
    index('purchases_customer_time').on(t.customerId, t.purchasedAt),
  ],
);

export const accounts = pgTable('accounts', {
  customerId: text('customer_id').primaryKey(),
  balanceMinor: money('balance_minor').notNull(),
  currency: text('currency').notNull(),
  overdueMinor: money('overdue_minor').notNull().default(0),
  oldestDueDate: date('oldest_due_date', { mode: 'string' }),
  lastPaymentAt: instant('last_payment_at'),
  lastPaymentMinor: money('last_payment_minor'),
});

export const creditTerms = pgTable(
  'credit_terms',
  {
    customerId: text('customer_id').primaryKey(),
    creditLimitMinor: money('credit_limit_minor').notNull(),
    currency: text('currency').notNull(),
    paymentTerms: text('payment_terms').notNull().default(''),
    status: text('status').notNull(),
    riskClass: text('risk_class').notNull().default(''),
    reviewedAt: instant('reviewed_at'),
  },
  (t) => [check('credit_terms_status', sql`${t.status} in ('ok', 'watch', 'hold', 'blocked')`)],
);

/** Agent notes on a customer (pushed by desktops); concurrent edits resolve by HLC, last writer wins. */
export const customerNotes = pgTable(
  'customer_notes',
  {
    noteId: uuid('note_id').primaryKey(),
    customerId: text('customer_id').notNull().references(() => customers.customerId, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    hlc: text('hlc').notNull(),
    author: text('author').notNull(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [index('customer_notes_customer').on(t.customerId)],
);

/** Versions that lost a last-writer-wins race (or were overwritten): nothing an agent typed is lost. */
export const noteHistory = pgTable(
  'note_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    noteId: uuid('note_id').notNull().references(() => customerNotes.noteId, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    hlc: text('hlc').notNull(),
    author: text('author').notNull(),
    /** 'lost' = arrived after a newer version; 'replaced' = was current until a newer one came. */
    outcome: text('outcome').notNull(),
    recordedAt: instant('recorded_at').notNull().defaultNow(),
  },
  (t) => [index('note_history_note').on(t.noteId)],
);

/** Contacts created by agents from unknown callers. */
export const contacts = pgTable('contacts', {
  contactId: uuid('contact_id').primaryKey(),
  name: text('name').notNull(),
  company: text('company').notNull().default(''),
  phone: text('phone').notNull(),
  country: text('country').notNull(),
  notes: text('notes').notNull().default(''),
  createdBy: text('created_by').notNull(),
  bucket: text('bucket').notNull(),
  createdAt: instant('created_at').notNull().defaultNow(),
}, (t) => [index('contacts_phone').on(t.phone)]);

/** The compacted change log (see the header comment). */
export const changes = pgTable(
  'changes',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    entity: text('entity').notNull(),
    key: text('key').notNull(),
    bucket: text('bucket').notNull(),
    /** 'u' upsert (data = wire JSON) | 'd' tombstone (data null). */
    op: text('op').notNull(),
    data: text('data'),
  },
  (t) => [
    uniqueIndex('changes_entity_key_bucket').on(t.entity, t.key, t.bucket),
    index('changes_bucket_seq').on(t.bucket, t.seq),
    check('changes_op', sql`${t.op} in ('u', 'd')`),
  ],
);

/** Per (user, desktop install): the last client mutation seq applied (exactly-once push). */
export const syncClients = pgTable(
  'sync_clients',
  {
    userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    clientId: text('client_id').notNull(),
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    lastPushAt: instant('last_push_at'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.clientId] })],
);

/** Every mutation id ever processed with its outcome (answers retries with the same outcome). */
export const syncMutations = pgTable(
  'sync_mutations',
  {
    id: uuid('id').primaryKey(),
    userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    clientId: text('client_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    /** 'applied' | 'rejected' */
    status: text('status').notNull(),
    reason: text('reason'),
    processedAt: instant('processed_at').notNull().defaultNow(),
  },
  (t) => [index('sync_mutations_client').on(t.userId, t.clientId, t.seq)],
);

/**
 * Cases submitted by agents (push kind `case.submit`; idempotent by case_id). `bucket` is where
 * the case was first published in the change log (its customer's region, or the agent's contact
 * bucket for a case without a customer / on a contact); its change row follows the customer
 * when the customer moves region. No FOREIGN KEY to customers: a case is history and outlives
 * a customer leaving the feeds.
 */
export const cases = pgTable(
  'cases',
  {
    caseId: uuid('case_id').primaryKey(),
    customerId: text('customer_id'),
    agent: text('agent').notNull(),
    team: text('team'),
    callId: text('call_id'),
    callLine: text('call_line').notNull().default(''),
    callDurationS: doublePrecision('call_duration_s'),
    disposition: text('disposition').notNull(),
    category: text('category'),
    notes: text('notes').notNull().default(''),
    followUpDate: date('follow_up_date', { mode: 'string' }),
    followUpTask: text('follow_up_task').notNull().default(''),
    bucket: text('bucket').notNull(),
    createdAt: instant('created_at').notNull(),
    submittedAt: instant('submitted_at').notNull(),
    receivedAt: instant('received_at').notNull().defaultNow(),
  },
  (t) => [index('cases_customer').on(t.customerId, t.submittedAt), index('cases_agent').on(t.agent, t.submittedAt)],
);

/** What the customer answered to each offer shown on a case; feeds `train-offers` (acceptance rates). */
export const offerOutcomes = pgTable(
  'offer_outcomes',
  {
    caseId: uuid('case_id').notNull().references(() => cases.caseId, { onDelete: 'cascade' }),
    customerId: text('customer_id').notNull(),
    sku: text('sku').notNull(),
    kind: text('kind').notNull(),
    outcome: text('outcome').notNull(),
    decidedAt: instant('decided_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.sku] }),
    check('offer_outcomes_outcome', sql`${t.outcome} in ('accepted', 'declined', 'not_interested')`),
  ],
);

/**
 * Disposition codes agents choose from (configured with `pronto-hub dispositions set`, synced
 * as entity `disposition`). A code dropped from the set is kept with active = false: cases
 * already logged (or still in a desktop's outbox) with it stay valid.
 */
export const dispositions = pgTable('dispositions', {
  code: text('code').primaryKey(),
  category: text('category').notNull(),
  labelEn: text('label_en').notNull(),
  labelIt: text('label_it').notNull(),
  position: integer('position').notNull().default(0),
  active: boolean('active').notNull().default(true),
});

// ---- agent states, queues and the raw call-event record (migration 0002) ----

/** Each agent's current state as the hub knows it (one row per user who ever reported one). */
export const agentStates = pgTable('agent_states', {
  userId: integer('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  /** What the desktop (or a supervisor, or the PBX) last set: available|ringing|oncall|wrapup|break|offline. */
  state: text('state').notNull(),
  reason: text('reason'),
  /** The ORIGINAL time of the change (the desktop's clock, or the PBX's). */
  since: instant('since').notNull(),
  setBy: text('set_by'),
  /** The softphone's registration at the PBX: null = never heard from the PBX about it. */
  registered: boolean('registered'),
  registeredAt: instant('registered_at'),
  updatedAt: instant('updated_at').notNull().defaultNow(),
}, (t) => [check('agent_states_state', sql`${t.state} in ('available', 'ringing', 'oncall', 'wrapup', 'break', 'offline')`)]);

/**
 * Raw, append-only call and state events from the PBX (queue facts, registrations), the desktops
 * (agent states) and the hub (a supervisor's changes). `id` de-duplicates retries and replays:
 * PBX events are "<boot>-<seq>", desktop events their uuid. Statistics are computed from here.
 */
export const callEvents = pgTable('call_events', {
  id: text('id').primaryKey(),
  at: instant('at').notNull(),
  kind: text('kind').notNull(),
  source: text('source').notNull(),
  callId: text('call_id'),
  queue: text('queue'),
  agent: text('agent'),
  caller: text('caller'),
  /** Kind-specific fields (wait ms, state, reason, who hung up, …). */
  data: jsonb('data').notNull().default(sql`'{}'::jsonb`),
  receivedAt: instant('received_at').notNull().defaultNow(),
}, (t) => [
  index('call_events_at').on(t.at),
  index('call_events_call').on(t.callId),
  check('call_events_source', sql`${t.source} in ('pbx', 'desktop', 'hub')`),
]);

/** Queues configured at the hub (`pronto-hub queue set`); sent to the PBX over its event link. */
export const queues = pgTable('queues', {
  name: text('name').primaryKey(),
  number: text('number').notNull(),
  team: text('team').notNull(),
  strategy: text('strategy').notNull().default('ring-all'),
  ringSeconds: integer('ring_seconds').notNull().default(15),
  maxWaitSeconds: integer('max_wait_seconds').notNull().default(120),
  slSeconds: integer('sl_seconds').notNull().default(20),
  shortAbandonSeconds: integer('short_abandon_seconds').notNull().default(5),
  wrapUpSeconds: integer('wrap_up_seconds').notNull().default(60),
  /** After the wrap-up limit: back to available, or stay in wrap-up until the case is submitted. */
  wrapUpPolicy: text('wrap_up_policy').notNull().default('available'),
  /** On ring-no-answer: nothing more, or Break "missed-call". */
  ringNoAnswer: text('ring_no_answer').notNull().default('none'),
  updatedAt: instant('updated_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('queues_number').on(t.number),
  check('queues_strategy', sql`${t.strategy} in ('ring-all', 'longest-idle')`),
  check('queues_wrap_up_policy', sql`${t.wrapUpPolicy} in ('available', 'stay')`),
  check('queues_ring_no_answer', sql`${t.ringNoAnswer} in ('none', 'break')`),
]);

/** Break reasons agents choose from (`pronto-hub break-reasons set`). */
export const breakReasons = pgTable('break_reasons', {
  code: text('code').primaryKey(),
  labelEn: text('label_en').notNull(),
  labelIt: text('label_it').notNull(),
  position: integer('position').notNull().default(0),
  active: boolean('active').notNull().default(true),
});
