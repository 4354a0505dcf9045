import type { Sqlite } from '../sqlite';
import { meta } from '../schema';
import { pluckStatement } from './typed';

export function getMeta(sqlite: Sqlite, key: string): string | null {
  return pluckStatement(sqlite, 'SELECT value FROM meta WHERE key = ?', meta.value).get(key) ?? null;
}

export function setMeta(sqlite: Sqlite, key: string, value: string): void {
  sqlite.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

export function deleteMeta(sqlite: Sqlite, key: string): void {
  sqlite.prepare('DELETE FROM meta WHERE key = ?').run(key);
}

/** meta key: an initial sync from a hub snapshot is being copied in (services/sync/snapshot.ts). */
export const SNAPSHOT_APPLY_KEY = 'snapshot_apply';
