// The store's counts that `status` shows: one statement, read on the checkpoint worker's thread
// where it runs (a scan of ~100 MB at 1M customers) and on the host's otherwise.
import type { Sqlite } from '../sqlite';
import { computed, pluckStatement, rawStatement } from './typed';

export type StoreCounts = [customers: number, purchases: number];

export function storeCountsStatement(sqlite: Sqlite): { get(): StoreCounts } {
  const stmt = rawStatement(sqlite, 'SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM purchases)', [computed<number>(), computed<number>()]);
  return { get: () => stmt.get()! };
}

/** SQLite's data_version: changes when another connection commits. */
export function dataVersionStatement(sqlite: Sqlite): { get(): number } {
  const stmt = pluckStatement(sqlite, 'PRAGMA data_version', computed<number>());
  return { get: () => stmt.get()! };
}
