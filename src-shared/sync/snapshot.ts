// The initial-sync snapshot: the hub's answer to "everything in my scope", as one SQLite file.
//
// Why: an initial sync over the change stream costs ≈ 29 µs of CPU per row across hub, pull worker
// and writer (JSON, zod, one prepared statement per row, FTS per customer); on 2 cores that caps
// it near 55k rows/s whatever the tuning. The hub builds a scope's snapshot once (`pronto-hub
// snapshot build`, after the nightly feeds) and every new desktop of that scope copies it in with
// INSERT … SELECT: per row that is C code reading one B-tree and writing another.
//
// GET /v1/sync/snapshot (agent; the caller's scope)  → 200 the file, or 404 when none is built.
//   Headers (SNAPSHOT_HEADERS): format, scope, checkpoint, rows, sha256 of the body.
// The file holds exactly what a pull from 0 up to `checkpoint` would deliver: the bulk entities as
// typed rows, every other change line as its JSON text (`lines`). After applying it, the desktop
// stores `checkpoint` and pulls the rest as usual. It validates the file before using any of it
// (sha256, format, scope, every column's type and shape below): a hub is trusted no more than
// a pull page is.
export const SNAPSHOT_FORMAT = 1;
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
  /** Declared column type (its affinity stores a JS number 3 as the integer 3, not 3.0). */
  type: 'TEXT' | 'INTEGER' | 'REAL';
}
const T = {
  text: { sql: (c) => `typeof(${c}) = 'text'`, says: 'must be text', type: 'TEXT' },
  textOrNull: { sql: (c) => `typeof(${c}) IN ('text', 'null')`, says: 'must be text or null', type: 'TEXT' },
  int: { sql: (c) => `typeof(${c}) = 'integer'`, says: 'must be an integer', type: 'INTEGER' },
  intOrNull: { sql: (c) => `typeof(${c}) IN ('integer', 'null')`, says: 'must be an integer or null', type: 'INTEGER' },
  number: { sql: (c) => `typeof(${c}) IN ('integer', 'real')`, says: 'must be a number', type: 'REAL' },
  currency: { sql: (c) => `(typeof(${c}) = 'text' AND length(${c}) = 3 AND ${c} GLOB '[A-Z][A-Z][A-Z]')`, says: 'must be an ISO 4217 code (3 capital letters)', type: 'TEXT' },
  dayOrNull: {
    sql: (c) => `(typeof(${c}) = 'null' OR (typeof(${c}) = 'text' AND length(${c}) = 10 AND ${c} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'))`,
    says: 'must be a day YYYY-MM-DD or null',
    type: 'TEXT',
  },
  status: { sql: (c) => `(typeof(${c}) = 'text' AND ${c} IN ('ok', 'watch', 'hold', 'blocked'))`, says: 'must be ok, watch, hold or blocked', type: 'TEXT' },
  json: { sql: (c) => `(typeof(${c}) = 'text' AND json_valid(${c}))`, says: 'must be JSON text', type: 'TEXT' },
} satisfies Record<string, Check>;

/**
 * The typed tables: column → check. Column names and order are the desktop's own (same names as
 * its store), so applying is `INSERT INTO t (cols) SELECT cols FROM snap.t`.
 * `customers.id` numbers the rows 1..n (the desktop's FTS rowid); `search_phones` is the phone
 * text of the customer's search row (src-shared/phone/normalize.ts customerSearchPhones).
 */
export const SNAPSHOT_TABLES = {
  customers: {
    id: T.int, customer_id: T.text, name: T.text, company: T.text, email: T.text, segment: T.text, region: T.text,
    country: T.text, created_at: T.textOrNull, search_phones: T.text,
  },
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

/** The snapshot file's schema (the hub creates it; the desktop only reads). */
export function snapshotDdl(): string {
  const tables = (Object.keys(SNAPSHOT_TABLES) as SnapshotTable[]).map((t) => {
    const spec = SNAPSHOT_TABLES[t] as Record<string, Check>;
    const cols = snapshotColumns(t).map((c) => (t === 'customers' && c === 'id' ? 'id INTEGER PRIMARY KEY' : `${c} ${spec[c]!.type}`));
    return `CREATE TABLE ${t} (${cols.join(', ')});`;
  });
  return ['CREATE TABLE snapshot_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);', ...tables].join('\n');
}

/**
 * One query per table that finds the first row breaking a rule, and says which:
 * `SELECT rowid, '<column>: <rule>' FROM <schema>.<table> WHERE NOT (<all rules>) LIMIT 1`.
 */
export function snapshotCheckSql(schema: string, table: SnapshotTable): string {
  const rules = Object.entries(SNAPSHOT_TABLES[table] as Record<string, Check>).map(([c, k]) => [`${c}: ${k.says}`, `coalesce(${k.sql(c)}, 0)`] as const);
  const which = `CASE ${rules.map(([says, r]) => `WHEN NOT ${r} THEN '${says}'`).join(' ')} END`;
  return `SELECT rowid, ${which} FROM ${schema}.${table} WHERE NOT (${rules.map(([, r]) => r).join(' AND ')}) LIMIT 1`;
}

/** snapshot_meta keys. */
export const SNAPSHOT_META = { format: 'format', scope: 'scope', checkpoint: 'checkpoint', rows: 'rows', builtAt: 'built_at' } as const;
