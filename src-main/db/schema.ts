// The agent's local store. Money in integer minor units, instants as UTC ISO text (sortable),
// phones as E.164. Customer text is stored as given; it is only ever rendered as text.
import { sqliteTable, text, integer, real, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
  (t) => [primaryKey({ columns: [t.customerId, t.e164] }), index('customer_phones_e164').on(t.e164)],
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
    // Newest-first history and per-customer totals come straight off this index.
    index('purchases_customer_time').on(t.customerId, t.purchasedAt),
  ],
);

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
  },
  (t) => [index('calls_offered').on(t.offeredAt), index('calls_customer').on(t.customerId, t.offeredAt)],
);
