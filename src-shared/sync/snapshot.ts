// The initial-sync snapshot: the hub's answer to "everything in my scope", as one SQLite file.
//
// Why: an initial sync over the change stream costs ≈ 29 µs of CPU per row across hub, pull worker
// and writer (JSON, zod, one prepared statement per row, FTS per customer); on 2 cores that caps
// it near 55k rows/s whatever the tuning. The hub builds a scope's snapshot once (`pronto-hub
// snapshot build`, or `serve` when enough changed) and every new desktop of that scope copies it
// in with INSERT … SELECT. The store's tables are in the file with the desktop's own schema
// (node/store-ddl.ts, indexes included), so into an empty store SQLite copies them record by record,
// indexes too, without re-sorting (its "transfer optimization": measured ≈ 5× faster than
// row inserts on 1M purchases).
//
// GET /v1/sync/snapshot (agent; the caller's scope)  → 200 the file, or 404 when none is built.
//   Headers (SNAPSHOT_HEADERS): format, scope, checkpoint, rows, sha256 of the body.
// The file holds exactly what a pull from 0 up to `checkpoint` would deliver: the bulk entities as
// typed rows, every other change line as its JSON text (`lines`). After applying it, the desktop
// stores `checkpoint` and pulls the rest as usual. It validates the file before using any of it
// (sha256, format, scope, every column's type and shape below): a hub is trusted no more than
// a pull page is.
export const SNAPSHOT_FORMAT = 2;
export const SNAPSHOT_PATH = '/v1/sync/snapshot';

export const SNAPSHOT_HEADERS = {
  format: 'x-pronto-snapshot-format',
  scope: 'x-pronto-snapshot-scope',
  checkpoint: 'x-pronto-snapshot-checkpoint',
  rows: 'x-pronto-snapshot-rows',
  sha256: 'x-pronto-snapshot-sha256',
} as const;

/** What each value must be: a SQL condition on the column `c` (never NULL-valued), and its words. */
interface Check {
  sql: (c: string) => string;
  says: string;
}
const T = {
  text: { sql: (c) => `typeof(${c}) = 'text'`, says: 'must be text' },
  textOrNull: { sql: (c) => `typeof(${c}) IN ('text', 'null')`, says: 'must be text or null' },
  int: { sql: (c) => `typeof(${c}) = 'integer'`, says: 'must be an integer' },
  intOrNull: { sql: (c) => `typeof(${c}) IN ('integer', 'null')`, says: 'must be an integer or null' },
  number: { sql: (c) => `typeof(${c}) IN ('integer', 'real')`, says: 'must be a number' },
  currency: { sql: (c) => `(typeof(${c}) = 'text' AND length(${c}) = 3 AND ${c} GLOB '[A-Z][A-Z][A-Z]')`, says: 'must be an ISO 4217 code (3 capital letters)' },
  dayOrNull: {
    sql: (c) => `(typeof(${c}) = 'null' OR (typeof(${c}) = 'text' AND length(${c}) = 10 AND ${c} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'))`,
    says: 'must be a day YYYY-MM-DD or null',
  },
  status: { sql: (c) => `(typeof(${c}) = 'text' AND ${c} IN ('ok', 'watch', 'hold', 'blocked'))`, says: 'must be ok, watch, hold or blocked' },
  json: { sql: (c) => `(typeof(${c}) = 'text' AND json_valid(${c}))`, says: 'must be JSON text' },
} satisfies Record<string, Check>;

/**
 * The typed tables: column → check, in the desktop store's column order (so `SELECT *` fits).
 * `customers.id` numbers the rows 1..n (the desktop's FTS rowid); `customer_search_phones` holds
 * the phone text of each customer's search row (src-shared/phone/normalize.ts customerSearchPhones).
 */
export const SNAPSHOT_TABLES = {
  customers: {
    id: T.int, customer_id: T.text, name: T.text, company: T.text, email: T.text, segment: T.text, region: T.text,
    country: T.text, created_at: T.textOrNull,
  },
  customer_search_phones: { id: T.int, phones: T.text },
  customer_phones: { customer_id: T.text, e164: T.text, label: T.text, raw: T.text, position: T.int },
  products: { sku: T.text, name: T.text, category: T.text, family: T.text, tier: T.int, price_minor: T.int, currency: T.currency, margin: T.number },
  purchases: { order_id: T.text, sku: T.text, customer_id: T.text, quantity: T.int, amount_minor: T.int, currency: T.currency, purchased_at: T.text },
  accounts: {
    customer_id: T.text, balance_minor: T.int, currency: T.currency, overdue_minor: T.int, oldest_due_date: T.dayOrNull,
    last_payment_at: T.textOrNull, last_payment_minor: T.intOrNull,
  },
  credit_terms: {
    customer_id: T.text, credit_limit_minor: T.int, currency: T.currency, payment_terms: T.text, status: T.status,
    risk_class: T.text, reviewed_at: T.textOrNull,
  },
  /** Every other change line (notes, contacts, cases, dispositions, the offer model), in seq order. */
  lines: { seq: T.int, line: T.json },
} satisfies Record<string, Record<string, Check>>;

export type SnapshotTable = keyof typeof SNAPSHOT_TABLES;

export function snapshotColumns(table: SnapshotTable): string[] {
  return Object.keys(SNAPSHOT_TABLES[table]);
}

/**
 * The desktop store's tables the file carries with the store's own DDL, in creation order. The
 * DDL itself is read from a store migrated in memory (node/store-ddl.ts storeDdl), not copied
 * here. A desktop whose schema has moved on still reads the file: it then copies column by
 * column (slower, same result).
 */
export const STORE_TABLES = ['customers', 'customer_phones', 'products', 'purchases', 'accounts', 'credit_terms'] as const;
export type StoreTable = (typeof STORE_TABLES)[number];

/**
 * One query per table that finds the first row breaking a rule, and says which, naming the row
 * by its first column: `SELECT '<col> ' || quote(<col>), '<column>: <rule>' FROM … WHERE NOT (<all rules>) LIMIT 1`.
 */
export function snapshotCheckSql(schema: string, table: SnapshotTable): string {
  const spec = SNAPSHOT_TABLES[table] as Record<string, Check>;
  const rules = Object.entries(spec).map(([c, k]) => [`${c}: ${k.says}`, `coalesce(${k.sql(c)}, 0)`] as const);
  const which = `CASE ${rules.map(([says, r]) => `WHEN NOT ${r} THEN '${says}'`).join(' ')} END`;
  const first = Object.keys(spec)[0]!;
  return `SELECT '${first} ' || quote(${first}), ${which} FROM ${schema}.${table} WHERE NOT (${rules.map(([, r]) => r).join(' AND ')}) LIMIT 1`;
}

/** snapshot_meta keys. */
export const SNAPSHOT_META = { format: 'format', scope: 'scope', checkpoint: 'checkpoint', rows: 'rows', builtAt: 'built_at' } as const;
