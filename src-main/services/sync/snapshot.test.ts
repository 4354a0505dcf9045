// The snapshot format against the desktop store: the file's store tables are the store's own
// (text for text, so SQLite can transfer records as they are), and the column checks name the
// bad row and column, WITHOUT ROWID tables included.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../db/store';
import { tempDir } from '../../test-support/fixtures';
import { SNAPSHOT_TABLES, STORE_DDL, snapshotCheckSql, snapshotDdl, type SnapshotTable } from '../../../src-shared/sync/snapshot';

describe('snapshot format', () => {
  it("STORE_DDL is the migrated store's schema, table and indexes", () => {
    const t = tempDir();
    const store = openStore(t.dir);
    try {
      for (const [table, ddl] of Object.entries(STORE_DDL)) {
        const rows = store.sqlite.prepare(
          "SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type DESC, name").raw().all(table) as [string, string][];
        expect(rows.filter(([type]) => type === 'table').map(([, sql]) => sql), table).toEqual([ddl.table]);
        expect(rows.filter(([type]) => type === 'index').map(([, sql]) => sql).sort(), table).toEqual([...ddl.indexes].sort());
      }
    } finally {
      store.close();
      t.cleanup();
    }
  });

  it('the checks pass good rows and name the first bad one by its first column', () => {
    const db = new Database(':memory:');
    db.exec(snapshotDdl());
    db.prepare("INSERT INTO accounts VALUES ('C1', 1000, 'EUR', 0, NULL, NULL, NULL)").run();
    db.prepare("INSERT INTO credit_terms VALUES ('C1', 500000, 'EUR', '30 days', 'hold', 'B', NULL)").run();
    db.prepare("INSERT INTO lines VALUES (7, '{\"seq\":7}')").run();
    const first = (t: SnapshotTable) => db.prepare(snapshotCheckSql('main', t)).raw().get();
    for (const t of Object.keys(SNAPSHOT_TABLES) as SnapshotTable[]) expect(first(t), t).toBeUndefined();
    db.prepare("INSERT INTO accounts VALUES ('C2', 1000, 'eur', 0, '2024-13', NULL, NULL)").run();
    expect(first('accounts')).toEqual(["customer_id 'C2'", 'currency: must be an ISO 4217 code (3 capital letters)']);
    db.prepare("INSERT INTO credit_terms VALUES ('C2', 1.5, 'EUR', '', 'frozen', '', NULL)").run();
    expect(first('credit_terms')).toEqual(["customer_id 'C2'", 'credit_limit_minor: must be an integer']);
    db.prepare("INSERT INTO lines VALUES (8, '{not json')").run();
    expect(first('lines')).toEqual(['seq 8', 'line: must be JSON text']);
    db.close();
  });
});
