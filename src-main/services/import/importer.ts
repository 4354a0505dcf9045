// Feed import into the local store. All or nothing per file: every row is validated (format,
// references, duplicates) inside one transaction; one problem and the whole file is rolled back,
// so the store is left exactly as it was and every problem is reported as FILE:LINE: column: reason.
import { basename } from 'node:path';
import type { Sqlite } from '../../db/store';
import { FEED_ORDER, feedKindFromName, type FeedKind, type FeedRows } from '../../../src-shared/feeds/spec';
import { type FeedProblem, type FeedRecord, type FeedSource } from '../../../src-shared/feeds/node/csv';
import { readFeedAuto, type ParsePlacement } from '../../../src-shared/feeds/node/parallel';
import { DESKTOP_DEFAULTS } from '../../config';
import { makeWriters } from './writers';
import { customers, products } from '../../db/schema';
import { pluckStatement } from '../../db/queries/typed';
import { dropIndexes, restoreIndexes } from '../../db/queries/indexes';

export interface FileResult {
  file: string;
  kind: FeedKind | null;
  rows: number;
  applied: boolean;
  problems: number;
  ms: number;
}

export interface ImportOptions {
  /** Called for every problem, in file order; `file` is the name as given. */
  onProblem?: (file: string, p: FeedProblem) => void;
  /** Explicit kind (e.g. from an HTTP route); otherwise taken from the file name. */
  kind?: FeedKind;
}

type KeyOf = { [K in FeedKind]: (row: FeedRows[K]) => string | null };
/** Keys that must be unique within one file (purchases: too many to track; upsert is idempotent). */
const uniqueKey: KeyOf = {
  customers: (r) => r.customerId,
  products: (r) => r.sku,
  purchases: () => null,
  accounts: (r) => r.customerId,
  credit: (r) => r.customerId,
};

export class Importer {
  private writers;
  private skus = new Set<string>();
  private customerIds = new Set<string>();

  /** `parse`: where big files are parsed (PRONTO_IMPORT_WORKER, PRONTO_IMPORT_WORKER_MIN_BYTES). */
  constructor(
    private sqlite: Sqlite,
    private parse: ParsePlacement = { worker: DESKTOP_DEFAULTS.importWorker, workerMinBytes: DESKTOP_DEFAULTS.importWorkerMinBytes },
  ) {
    this.writers = makeWriters(sqlite);
  }

  /** Imports several feeds, referenced data first (products, customers, then the rest). */
  async importFiles(files: string[], opts: ImportOptions = {}): Promise<FileResult[]> {
    const ordered = [...files].sort(
      (a, b) => rank(feedKindFromName(a)) - rank(feedKindFromName(b)),
    );
    const results: FileResult[] = [];
    for (const f of ordered) results.push(await this.importFile(f, f, opts));
    return results;
  }

  async importFile(label: string, src: FeedSource, opts: ImportOptions = {}): Promise<FileResult> {
    const t0 = performance.now();
    const file = typeof src === 'string' ? src : label;
    const maybeKind = opts.kind ?? feedKindFromName(label);
    const report = (p: FeedProblem): void => opts.onProblem?.(label, p);
    if (!maybeKind) {
      report({ line: 0, column: '*', reason: `cannot tell the feed from the name "${basename(label)}" (expected customers, products, purchases, accounts or credit in it)` });
      return { file, kind: null, rows: 0, applied: false, problems: 1, ms: 0 };
    }
    const kind: FeedKind = maybeKind;
    // Why BEGIN IMMEDIATE on a dedicated connection: the write lock is taken up front so a
    // concurrent writer cannot interleave, and readers (the pop) keep seeing the old data via WAL
    // until COMMIT. Rows are written as they stream in; any problem turns the end into ROLLBACK.
    this.sqlite.exec('BEGIN IMMEDIATE');
    // References are checked against sets loaded once per file, under the lock (so they stay
    // true for the whole file): a Set probe is ~20x cheaper than a statement per row.
    if (kind === 'purchases') {
      this.skus = new Set(pluckStatement(this.sqlite, 'SELECT sku FROM products', products.sku).all());
    }
    if (kind === 'purchases' || kind === 'accounts' || kind === 'credit') {
      this.customerIds = new Set(pluckStatement(this.sqlite, 'SELECT customer_id FROM customers', customers.customerId).all());
    }
    const bulk = BULK_INDEXES[kind];
    const empty = bulk && this.sqlite.prepare(`SELECT 1 FROM ${bulk.table} LIMIT 1`).get() === undefined;
    const deferred = empty ? dropIndexes(this.sqlite, bulk.indexes) : [];
    let problems = 0;
    const onProblem = (p: FeedProblem): void => {
      problems++;
      report(p);
    };
    const write = this.writers[kind] as (r: FeedRecord<typeof kind>[]) => void;
    const seen = new Map<string, number>();
    const keyOf = uniqueKey[kind] as (row: FeedRows[typeof kind]) => string | null;

    let rows = 0;
    try {
      rows = await readFeedAuto(kind, src, {
        onProblem,
        check: (row, line) => {
          const key = keyOf(row);
          if (key !== null) {
            const first = seen.get(key);
            if (first !== undefined) return { column: FIRST_COLUMN[kind], reason: `"${key}" appears again (first on line ${first})` };
            seen.set(key, line);
          }
          return this.check(kind, row);
        },
        // Once anything is wrong the file will be rolled back: keep validating, stop writing.
        onBatch: (records) => {
          if (problems === 0) write(records);
        },
      }, this.parse);
    } catch (err) {
      this.sqlite.exec('ROLLBACK');
      this.customerIds = new Set();
      throw err;
    }
    const applied = problems === 0;
    if (applied) restoreIndexes(this.sqlite, deferred);
    this.sqlite.exec(applied ? 'COMMIT' : 'ROLLBACK');
    this.customerIds = new Set();
    return { file, kind, rows, applied, problems, ms: performance.now() - t0 };
  }

  private check(kind: FeedKind, row: FeedRows[FeedKind]): { column: string; reason: string } | null {
    if (kind === 'customers' || kind === 'products') return null;
    const r = row as FeedRows['purchases'];
    if (!this.customerIds.has(r.customerId)) {
      return { column: 'customer_id', reason: `unknown customer "${r.customerId}"` };
    }
    if (kind === 'purchases' && !this.skus.has(r.sku)) {
      return { column: 'sku', reason: `unknown product "${r.sku}"` };
    }
    return null;
  }
}

/**
 * Secondary indexes rebuilt after a bulk load into an empty table (see db/queries/indexes.ts).
 * Dropped and re-created inside the file's transaction, so a rollback restores them as they were.
 */
export const BULK_INDEXES: Partial<Record<FeedKind, { table: string; indexes: string[] }>> = {
  purchases: { table: 'purchases', indexes: ['purchases_customer_time'] },
  customers: { table: 'customer_phones', indexes: ['customer_phones_e164', 'customer_phones_customer'] },
};

const FIRST_COLUMN: Record<FeedKind, string> = {
  customers: 'customer_id', products: 'sku', purchases: 'order_id', accounts: 'customer_id', credit: 'customer_id',
};

function rank(kind: FeedKind | null): number {
  return kind ? FEED_ORDER.indexOf(kind) : -1;
}
