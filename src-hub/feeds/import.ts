// Feed import into the hub: one transaction per file, all or nothing.
//
//   1. parse + validate every row with the shared readers (CSV or NDJSON) and stage the valid
//      ones in a temp table — no lock held, this is the slow part;
//   2. take the change-log lock (src-hub/changes.ts), then check what needs the database:
//      duplicate keys within the file, unknown customers / skus, (full mode) products still in use;
//   3. any problem → roll back, report every problem as `FILE:LINE: column: reason`;
//   4. otherwise apply set-based: only rows whose rendered content differs from the live change
//      row get a new change number (a re-import of an unchanged file records nothing); a customer
//      whose region changed leaves a tombstone in the old region's bucket and takes its
//      purchases/account/credit/notes along (new numbers, after the customer); `full` mode
//      deletes rows missing from the file and leaves tombstones.
import type { Readable } from 'node:stream';
import type { FeedKind, FeedRows } from '../../src-shared/feeds/spec';
import { FEED_COLUMNS } from '../../src-shared/feeds/spec';
import { formatProblem, readFeed, type FeedProblem, type FeedRecord } from '../../src-shared/feeds/node/csv';
import { purchaseKey, type Entity } from '../../src-shared/sync/protocol';
import type { Queryable, Store } from '../db/store';
import { highWater, lockChangeLog, notifyChanges } from '../changes';
import { GLOBAL_BUCKET, regionBucket } from '../scope';
import { readNdjsonFeed } from './ndjson';
import { renderAccount, renderCredit, renderCustomer, renderProduct, renderPurchase } from './render';

export type FeedFormat = 'csv' | 'ndjson';

export interface ImportOptions {
  /** File name used in problem messages (`FILE:LINE: column: reason`). */
  file: string;
  format?: FeedFormat;
  /** Snapshot mode: rows of this feed missing from the file are deleted (tombstones). */
  full?: boolean;
  /** Keep at most this many formatted problems (all are counted). Default: all. */
  maxProblems?: number;
}

export interface ImportSuccess {
  ok: true;
  source: FeedKind;
  rows: number;
  changed: number;
  deleted: number;
  moved: number;
  seq: number;
}
export interface ImportFailure {
  ok: false;
  source: FeedKind;
  rows: number;
  /** Sorted by line. */
  problems: string[];
  /** All problems, also those beyond maxProblems. */
  total: number;
}
export type ImportResult = ImportSuccess | ImportFailure;

interface StageRow {
  key: string;
  /** Known up front for customers and products; from the customer for the others. */
  bucket: string | null;
  data: string;
}

type Column = readonly [column: string, field: string, type: string];

interface FeedDef<K extends FeedKind> {
  entity: Entity;
  table: string;
  conflict: string;
  /** SQL over the master table aliased `m`: the change key. */
  keyExpr: string;
  /** Where the bucket comes from: fixed global, the row's own region, or its customer's. */
  scope: 'global' | 'own' | 'customer';
  /** Column named in "appears again" problems. */
  keyColumn: string;
  duplicateReason: (key: string, first: number) => string;
  /** Master table columns, staged typed: [column, field of the row, PostgreSQL type]. */
  columns: readonly Column[];
  stage: (row: FeedRows[K]) => StageRow;
}

const again = (key: string, first: number) => `"${key}" appears again (first on line ${first})`;

const FEEDS: { [K in FeedKind]: FeedDef<K> } = {
  customers: {
    entity: 'customer', table: 'customers', conflict: 'customer_id', keyExpr: 'm.customer_id', scope: 'own',
    keyColumn: 'customer_id', duplicateReason: again,
    columns: [
      ['customer_id', 'customerId', 'text'], ['name', 'name', 'text'], ['company', 'company', 'text'],
      ['email', 'email', 'text'], ['segment', 'segment', 'text'], ['region', 'region', 'text'],
      ['country', 'country', 'text'], ['phones', 'phones', 'jsonb'], ['created_at', 'createdAt', 'timestamptz'],
    ],
    stage: (r) => ({ key: r.customerId, bucket: regionBucket(r.region), data: renderCustomer(r) }),
  },
  products: {
    entity: 'product', table: 'products', conflict: 'sku', keyExpr: 'm.sku', scope: 'global',
    keyColumn: 'sku', duplicateReason: again,
    columns: [
      ['sku', 'sku', 'text'], ['name', 'name', 'text'], ['category', 'category', 'text'], ['family', 'family', 'text'],
      ['tier', 'tier', 'int'], ['price_minor', 'priceMinor', 'bigint'], ['currency', 'currency', 'text'], ['margin', 'margin', 'float8'],
    ],
    stage: (r) => ({ key: r.sku, bucket: GLOBAL_BUCKET, data: renderProduct(r) }),
  },
  purchases: {
    entity: 'purchase', table: 'purchases', conflict: 'order_id, sku', keyExpr: `m.order_id || ' ' || m.sku`, scope: 'customer',
    keyColumn: 'order_id',
    duplicateReason: (key, first) => {
      const i = key.indexOf(' ');
      return `"${key.slice(0, i)}" with sku "${key.slice(i + 1)}" appears again (first on line ${first})`;
    },
    columns: [
      ['order_id', 'orderId', 'text'], ['sku', 'sku', 'text'], ['customer_id', 'customerId', 'text'], ['quantity', 'quantity', 'int'],
      ['amount_minor', 'amountMinor', 'bigint'], ['currency', 'currency', 'text'], ['purchased_at', 'purchasedAt', 'timestamptz'],
    ],
    stage: (r) => ({ key: purchaseKey(r.orderId, r.sku), bucket: null, data: renderPurchase(r) }),
  },
  accounts: {
    entity: 'account', table: 'accounts', conflict: 'customer_id', keyExpr: 'm.customer_id', scope: 'customer',
    keyColumn: 'customer_id', duplicateReason: again,
    columns: [
      ['customer_id', 'customerId', 'text'], ['balance_minor', 'balanceMinor', 'bigint'], ['currency', 'currency', 'text'],
      ['overdue_minor', 'overdueMinor', 'bigint'], ['oldest_due_date', 'oldestDueDate', 'date'],
      ['last_payment_at', 'lastPaymentAt', 'timestamptz'], ['last_payment_minor', 'lastPaymentMinor', 'bigint'],
    ],
    stage: (r) => ({ key: r.customerId, bucket: null, data: renderAccount(r) }),
  },
  credit: {
    entity: 'credit', table: 'credit_terms', conflict: 'customer_id', keyExpr: 'm.customer_id', scope: 'customer',
    keyColumn: 'customer_id', duplicateReason: again,
    columns: [
      ['customer_id', 'customerId', 'text'], ['credit_limit_minor', 'creditLimitMinor', 'bigint'], ['currency', 'currency', 'text'],
      ['payment_terms', 'paymentTerms', 'text'], ['status', 'status', 'text'], ['risk_class', 'riskClass', 'text'],
      ['reviewed_at', 'reviewedAt', 'timestamptz'],
    ],
    stage: (r) => ({ key: r.customerId, bucket: null, data: renderCredit(r) }),
  },
};

/** Children of a customer in the change log: entity + SQL giving their keys for customer `g.key`. */
const CUSTOMER_CHILDREN: { entity: Entity; join: string; key: string }[] = [
  { entity: 'purchase', join: 'JOIN purchases p ON p.customer_id = g.customer_id', key: `p.order_id || ' ' || p.sku` },
  { entity: 'account', join: 'JOIN accounts p ON p.customer_id = g.customer_id', key: 'p.customer_id' },
  { entity: 'credit', join: 'JOIN credit_terms p ON p.customer_id = g.customer_id', key: 'p.customer_id' },
  { entity: 'note', join: 'JOIN customer_notes p ON p.customer_id = g.customer_id', key: 'p.note_id::text' },
  { entity: 'case', join: 'JOIN cases p ON p.customer_id = g.customer_id', key: 'p.case_id::text' },
];

class Rejected extends Error {}

const ANALYZE_AFTER = 5000;

/** A store opened with `trace` (PRONTO_HUB_TRACE=1) prints every slow import statement with its duration (stderr). */
function traced(q: Queryable): Queryable {
  const time = async <T>(sql: string, run: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await run();
    } finally {
      const ms = performance.now() - t;
      if (ms > 20) process.stderr.write(`[import] ${ms.toFixed(0).padStart(7)} ms  ${sql.replace(/\s+/g, ' ').slice(0, 110)}\n`);
    }
  };
  return {
    query: (sql, p) => time(sql, () => q.query(sql, p)),
    rows: (sql, p) => time(sql, () => q.rows(sql, p)),
  };
}

export function formatFromName(file: string): FeedFormat {
  return /\.(ndjson|jsonl)$/i.test(file) ? 'ndjson' : 'csv';
}

/** Imports one feed file (path, Buffer or stream). Never throws for bad data: see `ok`. */
export async function importFeed(store: Store, kind: FeedKind, src: string | Buffer | Readable, opts: ImportOptions): Promise<ImportResult> {
  const def = FEEDS[kind] as unknown as FeedDef<FeedKind>;
  const format = opts.format ?? formatFromName(opts.file);
  const cap = opts.maxProblems ?? Number.MAX_SAFE_INTEGER;
  const problems: FeedProblem[] = [];
  let total = 0;
  let rows = 0;
  const addProblem = (p: FeedProblem) => {
    total++;
    if (problems.length < cap) problems.push(p);
  };
  /** Runs a problem query (rows: [line, …]) with a LIMIT, counting the rest. */
  const collect = async (q: Queryable, sql: string, params: unknown[], make: (r: unknown[]) => FeedProblem) => {
    const room = Math.max(cap - problems.length, 0);
    const found = await q.rows(`${sql} LIMIT ${room + 1}`, params);
    for (const r of found.slice(0, room)) addProblem(make(r));
    if (found.length > room) {
      const n = await q.rows(`SELECT count(*) FROM (${sql}) x`, params);
      total += Number(n[0]?.[0]) - room;
    }
  };

  try {
    const success = await store.tx(async (q0): Promise<ImportSuccess> => {
      const q = store.trace ? traced(q0) : q0;
      const E = def.entity;
      const typed = def.columns.map(([c, , t]) => `${c} ${t}`).join(', ');
      const colList = def.columns.map(([c]) => c).join(', ');
      await q.query(`CREATE TEMP TABLE hub_stage (line int NOT NULL, key text NOT NULL, bucket text, data text NOT NULL, ${typed}) ON COMMIT DROP`);
      // Customer-scoped rows take their customer's bucket while staging (no lock yet); it is
      // checked again under the lock below.
      const stageSql = def.scope === 'customer'
        ? `INSERT INTO hub_stage SELECT r.line, r.key, 'r:' || c.region, r.data, ${def.columns.map(([col]) => `r.${col}`).join(', ')}
           FROM json_to_recordset($1::json) AS r(line int, key text, bucket text, data text, ${typed})
           LEFT JOIN customers c ON c.customer_id = r.customer_id`
        : `INSERT INTO hub_stage SELECT * FROM json_to_recordset($1::json) AS r(line int, key text, bucket text, data text, ${typed})`;
      // One batch in flight: the parser reads batch N+1 while PostgreSQL stores batch N.
      let inFlight: Promise<unknown> = Promise.resolve();
      const onBatch = async (records: FeedRecord<FeedKind>[]) => {
        const batch = records.map(({ row, line }) => {
          const st = def.stage(row);
          const o: Record<string, unknown> = { line, key: st.key, bucket: st.bucket, data: st.data };
          for (const [col, field] of def.columns) o[col] = (row as unknown as Record<string, unknown>)[field];
          return o;
        });
        const json = JSON.stringify(batch);
        await inFlight;
        inFlight = q.query(stageSql, [json]);
        inFlight.catch(() => {}); // awaited below
      };
      const readOpts = { onBatch, onProblem: addProblem, batchSize: 10_000 };
      rows = format === 'ndjson' ? await readNdjsonFeed(kind, src, readOpts) : await readFeed(kind, src, readOpts);
      await inFlight;
      if (opts.full && rows === 0 && total === 0) {
        addProblem({ line: 1, column: '*', reason: 'the file has no rows; refusing to delete every row in full mode' });
      }
      await q.query('ANALYZE hub_stage');

      // Checks that read the database run under the lock, so nothing changes between check and apply.
      if (total === 0) await lockChangeLog(q);

      const dupKeys = await q.rows('SELECT key FROM hub_stage GROUP BY key HAVING count(*) > 1 LIMIT 1');
      if (dupKeys.length) {
        await collect(q,
          `SELECT line, key, first FROM (SELECT line, key, min(line) OVER (PARTITION BY key) AS first
             FROM hub_stage WHERE key IN (SELECT key FROM hub_stage GROUP BY key HAVING count(*) > 1)) d
           WHERE line <> first ORDER BY line`, [],
          (r) => ({ line: Number(r[0]), column: def.keyColumn, reason: def.duplicateReason(String(r[1]), Number(r[2])) }));
      }
      if (def.scope === 'customer') {
        // Buckets that changed since staging (a concurrent region move), then unknown customers.
        await q.query(`UPDATE hub_stage s SET bucket = 'r:' || c.region FROM customers c
                       WHERE c.customer_id = s.customer_id AND s.bucket IS DISTINCT FROM 'r:' || c.region`);
        await collect(q, `SELECT s.line, s.customer_id FROM hub_stage s WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = s.customer_id) ORDER BY s.line`, [],
          (r) => ({ line: Number(r[0]), column: 'customer_id', reason: `"${String(r[1])}" is not a known customer (import customers first)` }));
      }
      if (kind === 'purchases') {
        await collect(q, `SELECT s.line, s.sku FROM hub_stage s WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.sku = s.sku) ORDER BY s.line`, [],
          (r) => ({ line: Number(r[0]), column: 'sku', reason: `"${String(r[1])}" is not a known product (import products first)` }));
      }

      let gone = 0;
      if (opts.full) {
        const bucketExpr = def.scope === 'global' ? `'*'` : def.scope === 'own' ? `'r:' || m.region` : `'r:' || c.region`;
        const join = def.scope === 'customer' ? 'JOIN customers c ON c.customer_id = m.customer_id' : '';
        const custCol = def.scope === 'global' ? 'NULL::text' : 'm.customer_id';
        await q.query(
          `CREATE TEMP TABLE hub_gone ON COMMIT DROP AS
           SELECT ${def.keyExpr} AS key, ${bucketExpr} AS bucket, ${custCol} AS customer_id
           FROM ${def.table} m ${join}
           WHERE NOT EXISTS (SELECT 1 FROM hub_stage s WHERE s.key = ${def.keyExpr})`,
        );
        if (kind === 'products') {
          await collect(q,
            `SELECT 1, g.key, count(*) FROM hub_gone g JOIN purchases p ON p.sku = g.key GROUP BY g.key ORDER BY g.key`, [],
            (r) => ({ line: 1, column: 'sku', reason: `"${String(r[1])}" is missing from the file but ${String(r[2])} purchases refer to it` }));
        }
        gone = Number((await q.rows('SELECT count(*) FROM hub_gone'))[0]?.[0] ?? 0);
      }

      if (total > 0) throw new Rejected();

      // ---- apply (change-log lock held) ----
      const touched = new Set<string>();

      if (opts.full && gone > 0) {
        if (kind === 'customers') {
          // The customer tombstone stands for its children (the client cascades): their change
          // rows and master rows simply go.
          for (const ch of CUSTOMER_CHILDREN) {
            await q.query(
              `DELETE FROM changes x USING hub_gone g ${ch.join}
               WHERE x.entity = $1 AND x.key = ${ch.key} AND x.bucket = g.bucket`, [ch.entity]);
          }
          for (const t of ['purchases', 'accounts', 'credit_terms']) {
            await q.query(`DELETE FROM ${t} m USING hub_gone g WHERE m.customer_id = g.customer_id`);
          }
        }
        await q.query(
          `UPDATE changes x SET seq = nextval('change_seq'), op = 'd', data = NULL FROM hub_gone g
           WHERE x.entity = $1 AND x.key = g.key AND x.bucket = g.bucket AND x.op = 'u'`, [E]);
        await q.query(`DELETE FROM ${def.table} m USING hub_gone g WHERE ${def.keyExpr} = g.key`);
        for (const r of await q.rows('SELECT DISTINCT bucket FROM hub_gone')) touched.add(String(r[0]));
      }

      let moved = 0;
      if (kind === 'customers') {
        await q.query(
          `CREATE TEMP TABLE hub_moved ON COMMIT DROP AS
           SELECT s.key AS customer_id, 'r:' || c.region AS old_bucket, s.bucket AS new_bucket
           FROM hub_stage s JOIN customers c ON c.customer_id = s.key
           WHERE 'r:' || c.region <> s.bucket`);
        moved = Number((await q.rows('SELECT count(*) FROM hub_moved'))[0]?.[0] ?? 0);
        for (const r of await q.rows('SELECT DISTINCT old_bucket FROM hub_moved')) touched.add(String(r[0]));
      }
      if (def.scope !== 'global') {
        // A row that now lives in another bucket (customer moved region, purchase moved to a
        // customer of another region) leaves a tombstone where it was. (At most one live row
        // per entity+key exists, so unchanged rows never match.)
        await q.query(
          `UPDATE changes x SET seq = nextval('change_seq'), op = 'd', data = NULL FROM hub_stage s
           WHERE x.entity = $1 AND x.key = s.key AND x.bucket <> s.bucket AND x.op = 'u'`, [E]);
      }
      // New or changed rows only: new change numbers, then the master rows, in one statement.
      const conflictCols = def.conflict.split(',').map((c) => c.trim());
      const applied = await q.rows(
        `WITH ins AS (
           INSERT INTO changes (seq, entity, key, bucket, op, data)
           SELECT nextval('change_seq'), $1, s.key, s.bucket, 'u', s.data FROM hub_stage s
           WHERE NOT EXISTS (SELECT 1 FROM changes c WHERE c.entity = $1 AND c.key = s.key AND c.bucket = s.bucket AND c.op = 'u' AND c.data = s.data)
           ON CONFLICT (entity, key, bucket) DO UPDATE SET seq = excluded.seq, op = 'u', data = excluded.data
           RETURNING key, bucket
         ), master AS (
           INSERT INTO ${def.table} (${colList})
           SELECT ${def.columns.map(([c]) => `s.${c}`).join(', ')} FROM hub_stage s JOIN ins ON ins.key = s.key
           ON CONFLICT (${def.conflict}) DO UPDATE SET ${def.columns.map(([c]) => c).filter((c) => !conflictCols.includes(c)).map((c) => `${c} = excluded.${c}`).join(', ')}
           RETURNING 1
         )
         SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM master), (SELECT array_agg(DISTINCT bucket) FROM ins)`, [E]);
      const changed = Number(applied[0]?.[0] ?? 0);
      for (const b of (applied[0]?.[2] as string[] | null) ?? []) touched.add(b);

      if (moved > 0) {
        // Children follow their customer to the new bucket, numbered after it.
        for (const ch of CUSTOMER_CHILDREN) {
          await q.query(
            `DELETE FROM changes x USING hub_moved g ${ch.join}
             WHERE x.entity = $1 AND x.key = ${ch.key} AND x.bucket = g.new_bucket`, [ch.entity]);
          await q.query(
            `UPDATE changes x SET bucket = g.new_bucket, seq = nextval('change_seq') FROM hub_moved g ${ch.join}
             WHERE x.entity = $1 AND x.key = ${ch.key} AND x.bucket = g.old_bucket`, [ch.entity]);
        }
      }
      if (changed > 0 || gone > 0) await notifyChanges(q, touched);
      return { ok: true, source: kind, rows, changed, deleted: gone, moved, seq: await highWater(q) };
    });
    // Big writes change the shape of the change log: refresh the planner's statistics now
    // (autovacuum would, later) so pulls keep their index-ordered plan instead of sort-all.
    if (success.changed + success.deleted >= ANALYZE_AFTER) await store.query(`ANALYZE changes, ${def.table}`);
    return success;
  } catch (e) {
    if (!(e instanceof Rejected)) throw e;
    problems.sort((a, b) => a.line - b.line);
    return { ok: false, source: kind, rows, problems: problems.map((p) => formatProblem(opts.file, p)), total };
  }
}

export const FEED_SOURCES = Object.keys(FEED_COLUMNS) as FeedKind[];
