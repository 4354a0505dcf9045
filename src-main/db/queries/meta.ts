import type { Sqlite } from '../sqlite';

export function getMeta(sqlite: Sqlite, key: string): string | null {
  return (sqlite.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined) ?? null;
}

export function setMeta(sqlite: Sqlite, key: string, value: string): void {
  sqlite.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

export function deleteMeta(sqlite: Sqlite, key: string): void {
  sqlite.prepare('DELETE FROM meta WHERE key = ?').run(key);
}

/** meta key: an initial sync from a hub snapshot is being copied in (services/sync/snapshot.ts). */
export const SNAPSHOT_APPLY_KEY = 'snapshot_apply';
