// The one definition of the five bulk entities (what the department feeds deliver and the hub
// syncs): each field's wire type and its feed (CSV) column, in the feed's column order.
//
// Derived from these lists: the sync protocol's entity data (sync/protocol.ts CustomerData …),
// the feed row types and FEED_COLUMNS (feeds/spec.ts). A field's store column, on the desktop and
// on the hub, is the snake_case of its name (storeColumn); tests fail when the drizzle schemas,
// the snapshot tables, the packed order (feeds/node/flat.ts) or the feed readers drift from here:
// src-main/db/entities.test.ts, src-hub/db/entities.test.ts, src-shared/entities/fields.test.ts.
// What a new column needs: /work/team/entities-note.md (and the closing note of issue 16).
import { z } from 'zod';

/** Values: money as integer minor units + ISO 4217 currency, instants ISO 8601 UTC, days YYYY-MM-DD. */
export const Instant = z.string().describe('ISO 8601 UTC instant');
export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const Minor = z.number().int().describe('integer minor units of `currency`');
export const Currency = z.string().regex(/^[A-Z]{3}$/);
export const CreditStatus = z.enum(['ok', 'watch', 'hold', 'blocked']);
export type CreditStatus = z.infer<typeof CreditStatus>;

export interface Field<T extends z.ZodType = z.ZodType> {
  /** What the sync protocol accepts (the feed readers produce the same type). */
  readonly type: T;
  /** The column of the department feed (CSV header, NDJSON key). */
  readonly feed: string;
}
const field = <T extends z.ZodType>(type: T, feed: string): Field<T> => ({ type, feed });
export type Fields = Record<string, Field>;

/** A customer's phone, replaced with the customer (desktop table customer_phones, hub jsonb column). */
export const PhoneData = z.object({ e164: z.string(), label: z.string(), raw: z.string() });

export const CUSTOMER_FIELDS = {
  customerId: field(z.string(), 'customer_id'),
  name: field(z.string(), 'name'),
  company: field(z.string(), 'company'),
  email: field(z.string(), 'email'),
  segment: field(z.string(), 'segment'),
  region: field(z.string(), 'region'),
  country: field(z.string(), 'country'),
  phones: field(z.array(PhoneData), 'phones'),
  createdAt: field(Instant.nullable(), 'created_at'),
} satisfies Fields;

export const PRODUCT_FIELDS = {
  sku: field(z.string(), 'sku'),
  name: field(z.string(), 'name'),
  category: field(z.string(), 'category'),
  family: field(z.string(), 'family'),
  tier: field(z.number().int(), 'tier'),
  priceMinor: field(Minor, 'price'),
  currency: field(Currency, 'currency'),
  margin: field(z.number(), 'margin'),
} satisfies Fields;

export const PURCHASE_FIELDS = {
  orderId: field(z.string(), 'order_id'),
  customerId: field(z.string(), 'customer_id'),
  sku: field(z.string(), 'sku'),
  quantity: field(z.number().int(), 'quantity'),
  amountMinor: field(Minor, 'amount'),
  currency: field(Currency, 'currency'),
  purchasedAt: field(Instant, 'purchased_at'),
} satisfies Fields;

export const ACCOUNT_FIELDS = {
  customerId: field(z.string(), 'customer_id'),
  balanceMinor: field(Minor, 'balance'),
  currency: field(Currency, 'currency'),
  overdueMinor: field(Minor, 'overdue_amount'),
  oldestDueDate: field(Day.nullable(), 'oldest_due_date'),
  lastPaymentAt: field(Instant.nullable(), 'last_payment_at'),
  lastPaymentMinor: field(Minor.nullable(), 'last_payment_amount'),
} satisfies Fields;

export const CREDIT_FIELDS = {
  customerId: field(z.string(), 'customer_id'),
  creditLimitMinor: field(Minor, 'credit_limit'),
  currency: field(Currency, 'currency'),
  paymentTerms: field(z.string(), 'payment_terms'),
  status: field(CreditStatus, 'status'),
  riskClass: field(z.string(), 'risk_class'),
  reviewedAt: field(Instant.nullable(), 'reviewed_at'),
} satisfies Fields;

/** The row a field list describes (feed row = wire data). */
export type DataOf<F extends Fields> = { [K in keyof F]: z.infer<F[K]['type']> };

/** The zod object of a field list (the sync protocol's entity data). */
export function dataSchema<F extends Fields>(fields: F): z.ZodObject<{ [K in keyof F]: F[K]['type'] }> {
  const shape = Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.type]));
  return z.object(shape) as unknown as z.ZodObject<{ [K in keyof F]: F[K]['type'] }>;
}

/** The feed columns of a field list, in order. */
export function feedColumns(fields: Fields): string[] {
  return Object.values(fields).map((f) => f.feed);
}

/** A field's store column (desktop SQLite and hub PostgreSQL): customerId → customer_id. */
export function storeColumn(fieldName: string): string {
  return fieldName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
