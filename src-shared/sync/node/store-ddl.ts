// The desktop store's DDL, read from the store its migrations make — never copied by hand. The
// hub writes snapshot files with exactly these tables and indexes (text for text) so a desktop
// copies them in with SQLite's transfer optimization (src-shared/sync/snapshot.ts says why).
// Node only: it runs the desktop migrations (migrations/desktop) on an in-memory SQLite once per
// process (~25 ms, first snapshot build only), with the same drizzle migrator the desktop's openStore uses.
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { STORE_TABLES, type StoreTable } from '../snapshot';

export type StoreDdl = Record<StoreTable, { table: string; indexes: string[] }>;

/** Where drizzle-kit writes the desktop migrations (the hub runs from the source tree). */
export function desktopMigrationsDir(): string {
  return fileURLToPath(new URL('../../../migrations/desktop', import.meta.url));
}

const cache = new Map<string, StoreDdl>();

/**
 * CREATE statements of the store tables the snapshot carries, as sqlite_master holds them in a
 * freshly migrated store; `indexes` in creation order, apart so a builder can create them after
 * loading the rows.
 */
export function storeDdl(migrationsFolder = desktopMigrationsDir()): StoreDdl {
  const hit = cache.get(migrationsFolder);
  if (hit) return hit;
  const db = new Database(':memory:');
  try {
    migrate(drizzle(db), { migrationsFolder });
    const sqlOf = db.prepare<[string, string], string>("SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type = ? AND sql IS NOT NULL ORDER BY rowid").pluck();
    const ddl = {} as StoreDdl;
    for (const t of STORE_TABLES) {
      const [table, ...extra] = sqlOf.all(t, 'table');
      if (!table || extra.length) throw new Error(`store-ddl: the migrated store has no table ${t}`);
      ddl[t] = { table, indexes: sqlOf.all(t, 'index') };
    }
    cache.set(migrationsFolder, ddl);
    return ddl;
  } finally {
    db.close();
  }
}

/** The snapshot file's tables (the hub creates them, store indexes after loading; the desktop only reads). */
export function snapshotDdl(ddl: StoreDdl = storeDdl()): string {
  return [
    'CREATE TABLE snapshot_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);',
    ...STORE_TABLES.map((t) => `${ddl[t].table};`),
    'CREATE TABLE customer_search_phones (id INTEGER PRIMARY KEY, phones TEXT NOT NULL);',
    'CREATE TABLE lines (seq INTEGER NOT NULL, line TEXT NOT NULL);',
  ].join('\n');
}
