// The snapshot format against the desktop store: the file's store tables are the store's own
// (text for text, so SQLite can transfer records as they are), and the column checks name the
// bad row and column, WITHOUT ROWID tables included.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../db/store';
import { tempDir } from '../../../test-support/desktop/fixtures';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SNAPSHOT_TABLES, STORE_TABLES, snapshotCheckSql, snapshotColumns, type SnapshotTable } from '../../../src-shared/sync/snapshot';
import { desktopMigrationsDir, snapshotDdl, storeDdl } from '../../../src-shared/sync/node/store-ddl';

describe('snapshot format', () => {
  it("storeDdl() is the migrated store's schema, table and indexes", () => {
    const t = tempDir();
    const store = openStore(t.dir);
    try {
      expect(Object.keys(storeDdl())).toEqual([...STORE_TABLES]);
      for (const [table, ddl] of Object.entries(storeDdl())) {
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

  it('storeDdl() follows the migrations: a new column is in the snapshot without another edit', () => {
    const t = tempDir();
    try {
      const dir = join(t.dir, 'migrations');
      cpSync(desktopMigrationsDir(), dir, { recursive: true });
      const journalFile = join(dir, 'meta', '_journal.json');
      const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { idx: number; when: number; tag: string }[] };
      const last = journal.entries[journal.entries.length - 1]!;
      const tag = `${String(last.idx + 1).padStart(4, '0')}_probe`;
      journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1, tag });
      writeFileSync(journalFile, JSON.stringify(journal));
      writeFileSync(join(dir, `${tag}.sql`), "ALTER TABLE `customers` ADD `vip` integer DEFAULT 0 NOT NULL;");
      expect(storeDdl(dir).customers.table).toMatch(/`vip` integer DEFAULT 0 NOT NULL/);
      expect(storeDdl().customers.table).not.toMatch(/vip/);
    } finally {
      t.cleanup();
    }
  });

  it("the snapshot's store tables list every column of the migrated store, in its order", () => {
    const db = new Database(':memory:');
    db.exec(snapshotDdl());
    for (const table of STORE_TABLES) {
      const cols = db.prepare(`SELECT name FROM pragma_table_info('${table}') ORDER BY cid`).pluck().all();
      expect(snapshotColumns(table), table).toEqual(cols);
    }
    db.close();
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
