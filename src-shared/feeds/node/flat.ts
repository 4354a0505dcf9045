// Records of the flat feeds cross from the parse worker to the writer as one array of values
// instead of objects: the structured clone of objects costs the writer's thread ~3.7 µs per
// purchase, of a flat array ~0.9 µs, and rebuilding the objects here ~0.3 µs.
import type { FeedKind, FeedRows } from '../spec';
import type { FeedRecord } from './csv';

/**
 * Field order per flat feed (every field of the row type; customers keep their nested phones).
 * Also the order in which the sync's pull worker packs the same rows (sync/packed.ts), which is
 * the parameter order of the upsert statements that write them (import/writers.ts `packed`).
 */
export const FLAT_FIELDS = {
  products: ['sku', 'name', 'category', 'family', 'tier', 'priceMinor', 'currency', 'margin'],
  purchases: ['orderId', 'sku', 'customerId', 'quantity', 'amountMinor', 'currency', 'purchasedAt'],
  accounts: ['customerId', 'balanceMinor', 'currency', 'overdueMinor', 'oldestDueDate', 'lastPaymentAt', 'lastPaymentMinor'],
  credit: ['customerId', 'creditLimitMinor', 'currency', 'paymentTerms', 'status', 'riskClass', 'reviewedAt'],
} as const satisfies { [K in FeedKind]?: readonly (keyof FeedRows[K])[] };
export type FlatFeed = keyof typeof FLAT_FIELDS;

/** [line, ...fields] per record, concatenated; null for a feed that travels as objects. */
export function flatten<K extends FeedKind>(kind: K, records: FeedRecord<K>[]): unknown[] | null {
  const fields = (FLAT_FIELDS as Partial<Record<FeedKind, readonly string[]>>)[kind];
  if (!fields) return null;
  const out: unknown[] = [];
  for (const r of records) {
    out.push(r.line);
    const row = r.row as unknown as Record<string, unknown>;
    for (const f of fields) out.push(row[f]);
  }
  return out;
}

export function unflatten<K extends FeedKind>(kind: K, values: unknown[]): FeedRecord<K>[] {
  const fields = (FLAT_FIELDS as Partial<Record<FeedKind, readonly string[]>>)[kind]!;
  const step = fields.length + 1;
  const out: FeedRecord<K>[] = new Array(values.length / step);
  for (let i = 0, n = 0; i < values.length; i += step, n++) {
    const row: Record<string, unknown> = {};
    for (let f = 0; f < fields.length; f++) row[fields[f]!] = values[i + 1 + f];
    out[n] = { line: values[i] as number, row: row as unknown as FeedRows[K] };
  }
  return out;
}
