// Shared desks (issue 20): agents on shifts share one PC and its store. The synced customers are
// everyone's; drafts and unsent work are their agent's. The agent signed in is named in meta
// `session_owner` (`name@hub origin`); triggers of migration 0009 tag new outbox rows and local
// drafts with it, on every connection and thread. Rows tagged '' (standalone, PRONTO_HUB_TOKEN,
// or made before 0009) belong to whoever pushes next, as before.
import type { Sqlite } from '../../db/store';
import { getMeta, setMeta } from '../../db/queries/meta';

export const OWNER_META = 'session_owner';

/** The SQL value of the current owner ('' when nobody is signed in). */
export const CURRENT_OWNER_SQL = `coalesce((SELECT value FROM meta WHERE key = '${OWNER_META}'), '')`;

/** The rows the current agent may see and send: their own and the unowned ones. */
export const OWNED_BY_CURRENT = `owner IN ('', ${CURRENT_OWNER_SQL})`;

/** `ivo@https://hub.example.com`: the same name at another hub is another agent. */
export function ownerKey(name: string, hubUrl: string): string {
  let origin = hubUrl.replace(/\/+$/, '');
  try {
    origin = new URL(hubUrl).origin;
  } catch { /* kept as given */ }
  return `${name}@${origin}`;
}

export function currentOwner(sqlite: Sqlite): string {
  return getMeta(sqlite, OWNER_META) ?? '';
}

export function setCurrentOwner(sqlite: Sqlite, owner: string): void {
  setMeta(sqlite, OWNER_META, owner);
}
