// The agent's local store. Money in integer minor units, instants as UTC ISO text (sortable),
// phones as E.164. Customer text is stored as given; it is only ever rendered as text.
import { sqliteTable, text, integer, real, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';

export const customers = sqliteTable(
  'customers',
  {
    // Integer rowid so the FTS index can point at it; customer_id is the business key.
    id: integer('id').primaryKey(),
    customerId: text('customer_id').notNull(),
    name: text('name').notNull(),
    company: text('company').notNull().default(''),
    email: text('email').notNull().default(''),
    segment: text('segment').notNull().default(''),
    region: text('region').notNull().default(''),
    country: text('country').notNull(),
    createdAt: text('created_at'),
  },
  (t) => [uniqueIndex('customers_customer_id').on(t.customerId)],
);

export const customerPhones = sqliteTable(
  'customer_phones',
  {
    customerId: text('customer_id').notNull(),
    e164: text('e164').notNull(),
    label: text('label').notNull().default(''),
    raw: text('raw').notNull().default(''),
    position: integer('position').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.e164] }),
    index('customer_phones_e164').on(t.e164),
    // The pop's phone list in order, from the index alone (no sort, no table reads).
    index('customer_phones_customer').on(t.customerId, t.position, t.e164, t.label),
  ],
);

export const products = sqliteTable('products', {
  sku: text('sku').primaryKey(),
  name: text('name').notNull(),
  category: text('category').notNull().default(''),
  family: text('family').notNull().default(''),
  tier: integer('tier').notNull().default(1),
  priceMinor: integer('price_minor').notNull(),
  currency: text('currency').notNull(),
  margin: real('margin').notNull().default(0),
});

export const purchases = sqliteTable(
  'purchases',
  {
    orderId: text('order_id').notNull(),
    sku: text('sku').notNull(),
    customerId: text('customer_id').notNull(),
    quantity: integer('quantity').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    purchasedAt: text('purchased_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.sku] }),
    // Newest-first history and per-customer totals come straight off this index. It covers
    // every column the pop reads, so a pop is one index range scan instead of a table lookup
    // per purchase (measured on 1M purchases: 66 → 13 µs p50). The importer builds it once after
    // a bulk load (importer.ts BULK_INDEXES), so the extra width costs little at import.
    index('purchases_customer_time').on(t.customerId, t.purchasedAt, t.orderId, t.sku, t.quantity, t.amountMinor, t.currency),
  ],
);

// accounts and credit_terms are WITHOUT ROWID tables (migration 0005, hand-written: drizzle has no
// option for it): the pop reads them by customer_id, and a clustered key makes that one B-tree
// descent instead of two. A drizzle-kit "recreate table" of either would drop the clause: re-add it.
export const accounts = sqliteTable('accounts', {
  customerId: text('customer_id').primaryKey(),
  balanceMinor: integer('balance_minor').notNull(),
  currency: text('currency').notNull(),
  overdueMinor: integer('overdue_minor').notNull().default(0),
  oldestDueDate: text('oldest_due_date'),
  lastPaymentAt: text('last_payment_at'),
  lastPaymentMinor: integer('last_payment_minor'),
});

export const creditTerms = sqliteTable('credit_terms', {
  customerId: text('customer_id').primaryKey(),
  creditLimitMinor: integer('credit_limit_minor').notNull(),
  currency: text('currency').notNull(),
  paymentTerms: text('payment_terms').notNull().default(''),
  status: text('status', { enum: ['ok', 'watch', 'hold', 'blocked'] }).notNull(),
  riskClass: text('risk_class').notNull().default(''),
  reviewedAt: text('reviewed_at'),
});

export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Call history. A row is written when the INVITE arrives and updated as the call progresses,
 * so a crash loses no call. Instants are UTC ISO text.
 */
export const calls = sqliteTable(
  'calls',
  {
    callId: text('call_id').primaryKey(),
    direction: text('direction', { enum: ['inbound', 'outbound'] }).notNull(),
    remoteRaw: text('remote_raw').notNull(),
    remoteDisplay: text('remote_display').notNull().default(''),
    remoteE164: text('remote_e164'),
    matchKind: text('match_kind').notNull(),
    customerId: text('customer_id'),
    line: text('line').notNull().default(''),
    forwardedBy: text('forwarded_by'),
    offeredAt: text('offered_at').notNull(),
    answeredAt: text('answered_at'),
    endedAt: text('ended_at'),
    outcome: text('outcome', { enum: ['answered', 'missed', 'declined', 'abandoned', 'failed'] }),
    updatedAt: text('updated_at').notNull(),
    /** Why a `failed` call failed, in the softphone's words (one line, bounded); null otherwise. */
    failureReason: text('failure_reason'),
  },
  (t) => [index('calls_offered').on(t.offeredAt), index('calls_customer').on(t.customerId, t.offeredAt)],
);

/**
 * Durable outbox of the agent's writes. A row is inserted in the same transaction as the local
 * change it describes, so a change never exists without its way to the hub (and vice versa).
 * `seq` is the client's increasing mutation number that the hub uses for exactly-once.
 */
export const outbox = sqliteTable('outbox', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  id: text('id').notNull().unique(),
  kind: text('kind').notNull(),
  payload: text('payload').notNull(),
  createdAt: text('created_at').notNull(),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  /**
   * Whose work this is on a shared desk (issue 20): `name@hub origin` of the agent signed in when
   * it was made ('' standalone, or with PRONTO_HUB_TOKEN). Set by a trigger from meta
   * `session_owner` (migration 0009), so every connection and thread tags it alike; sync pushes
   * only the signed-in agent's rows (and unowned ones), under that agent's token.
   */
  owner: text('owner').notNull().default(''),
});

/** Mutations the hub refused for good: kept and shown to the agent, never blocking the queue. */
export const outboxRejected = sqliteTable('outbox_rejected', {
  id: text('id').primaryKey(),
  seq: integer('seq').notNull(),
  kind: text('kind').notNull(),
  payload: text('payload').notNull(),
  reason: text('reason').notNull(),
  rejectedAt: text('rejected_at').notNull(),
});

/** Free notes on a customer; concurrent edits resolve by hybrid logical clock (last writer wins). */
export const customerNotes = sqliteTable(
  'customer_notes',
  {
    noteId: text('note_id').primaryKey(),
    customerId: text('customer_id').notNull(),
    text: text('text').notNull(),
    hlc: text('hlc').notNull(),
    author: text('author').notNull().default(''),
    deleted: integer('deleted').notNull().default(0),
  },
  (t) => [index('customer_notes_customer').on(t.customerId)],
);

/** Versions of a note that lost a last-writer-wins race: kept, not thrown away. */
export const noteHistory = sqliteTable('note_history', {
  noteId: text('note_id').notNull(),
  hlc: text('hlc').notNull(),
  text: text('text').notNull(),
  author: text('author').notNull().default(''),
  supersededBy: text('superseded_by').notNull(),
}, (t) => [primaryKey({ columns: [t.noteId, t.hlc] })]);

/**
 * Cases the agent logs. A draft is created when a call's pop opens and saved as the agent types,
 * so notes survive a crash, a restart and being offline. `origin` is 'hub' for history pulled
 * from the hub, 'local' for cases made here (pending until the outbox delivers them).
 */
export const cases = sqliteTable(
  'cases',
  {
    caseId: text('case_id').primaryKey(),
    customerId: text('customer_id'),
    callId: text('call_id'),
    callLine: text('call_line').notNull().default(''),
    callDurationS: integer('call_duration_s'),
    disposition: text('disposition'),
    category: text('category'),
    notes: text('notes').notNull().default(''),
    followUpDate: text('follow_up_date'),
    followUpTask: text('follow_up_task').notNull().default(''),
    status: text('status', { enum: ['draft', 'wrap_up', 'submitted'] }).notNull(),
    origin: text('origin', { enum: ['local', 'hub'] }).notNull().default('local'),
    agent: text('agent').notNull().default(''),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    callEndedAt: text('call_ended_at'),
    submittedAt: text('submitted_at'),
    /** The agent whose draft this is on a shared desk (see outbox.owner); '' for none. */
    owner: text('owner').notNull().default(''),
  },
  (t) => [
    index('cases_customer').on(t.customerId, t.createdAt),
    index('cases_call').on(t.callId),
    index('cases_status').on(t.status),
    // the case panel's "other open cases" (newest 20), asked at every pop: only the open local
    // ones are indexed, so the query never walks the submitted history
    index('cases_open').on(t.updatedAt).where(sql`status != 'submitted' AND origin = 'local'`),
  ],
);

/** What the agent answered to each shown offer; feeds training and the 30-day decline rule. */
export const offerOutcomes = sqliteTable(
  'offer_outcomes',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id').notNull(),
    customerId: text('customer_id').notNull(),
    sku: text('sku').notNull(),
    kind: text('kind').notNull(),
    outcome: text('outcome', { enum: ['accepted', 'declined', 'not_interested'] }).notNull(),
    decidedAt: text('decided_at').notNull(),
  },
  (t) => [index('offer_outcomes_customer').on(t.customerId, t.decidedAt), uniqueIndex('offer_outcomes_case_sku').on(t.caseId, t.sku)],
);

/** Disposition codes, configured on the hub and synced; defaults ship with the app. */
export const dispositions = sqliteTable('dispositions', {
  code: text('code').primaryKey(),
  category: text('category').notNull(),
  labelEn: text('label_en').notNull(),
  labelIt: text('label_it').notNull(),
  position: integer('position').notNull().default(0),
  active: integer('active').notNull().default(1),
});
