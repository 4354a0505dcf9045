// The change log's write rules, in one place.
//
// WHY THE LOCKS. Change numbers come from the PostgreSQL sequence `change_seq`. A sequence hands
// out numbers at nextval() time, not at commit time: with two concurrent writers, A takes 10,
// B takes 11, B commits first. A reader pulling at that moment sees 11, stores checkpoint 11,
// and when A commits, 10 is behind every cursor — skipped forever. (The classic failure of
// "SELECT … WHERE id > last_seen" outboxes; src-hub/sync/concurrency.pg.test.ts shows it.)
//
// We prevent it by never letting two transactions hold change numbers at the same time: a
// writer takes a transaction-scoped advisory lock BEFORE its first nextval() and keeps it until
// it ends. PostgreSQL makes a transaction visible before it releases its locks, so the next
// writer can only take numbers once the previous writer's numbers are committed (or rolled
// back — gaps are harmless, only the order matters). At any instant the committed numbers are
// therefore a prefix of all numbers that will ever commit, and "everything after N" never
// misses a row. The pull reads its watermark (max committed seq) BEFORE reading rows, so it
// never advances a cursor past rows it did not read either.
//
// Two keys keep the serialised part short:
//   CHANGE_LOCK  feed imports take it EXCLUSIVE (after parsing and staging, for the set-based
//                apply); pushes take it SHARED at their start, before any row lock. So an import
//                waits for running pushes and new pushes wait for the import — never a deadlock
//                (pushes hold no row locks while waiting; imports wait for nothing else).
//   SEQ_LOCK     pushes take it EXCLUSIVE only for their final change-log write (one statement)
//                and COMMIT; everything else a push does runs in parallel with other pushes.
// Imports need no SEQ_LOCK: holding CHANGE_LOCK exclusively, no push can be in its write.
import type { Queryable } from './db/store';

/** Advisory lock of the change log ('pron'): imports exclusive, pushes shared. */
export const CHANGE_LOCK = 0x70726f6e;
/** Advisory lock for taking change numbers in pushes ('pseq'). */
export const SEQ_LOCK = 0x70736571;
/** LISTEN/NOTIFY channel: payload {"seq":N,"buckets":[…]?} after changes commit. */
export const CHANGE_CHANNEL = 'pronto_changes';

export class HubBusyError extends Error {
  constructor(message = 'the hub is busy applying other changes; retry shortly') {
    super(message);
  }
}

async function advisory(q: Queryable, fn: string, key: number, timeoutMs: number): Promise<void> {
  try {
    // lock_timeout stays set for the rest of the transaction: no write of ours should wait longer.
    if (timeoutMs > 0) await q.query(`SELECT set_config('lock_timeout', $1, true), ${fn}($2)`, [`${timeoutMs}ms`, key], { prepare: true });
    else await q.query(`SELECT ${fn}($1)`, [key], { prepare: true });
  } catch (e) {
    if ((e as { code?: string }).code === '55P03') throw new HubBusyError();
    throw e;
  }
}

/**
 * Feed imports: takes the change-log lock exclusively for the rest of the transaction.
 * `timeoutMs` bounds the wait (0 = wait forever) and turns a timeout into HubBusyError.
 */
export function lockChangeLog(q: Queryable, timeoutMs = 0): Promise<void> {
  return advisory(q, 'pg_advisory_xact_lock', CHANGE_LOCK, timeoutMs);
}

/** Pushes: enter the change log shared (first thing in the transaction). */
export function shareChangeLog(q: Queryable, timeoutMs = 0): Promise<void> {
  return advisory(q, 'pg_advisory_xact_lock_shared', CHANGE_LOCK, timeoutMs);
}

/** The same as a constant statement for `store.tx(fn, { lead })` (sent with BEGIN). */
export function shareChangeLogLead(timeoutMs: number): string {
  const ms = Math.max(0, Math.floor(timeoutMs));
  return `SELECT set_config('lock_timeout', '${ms}ms', true), pg_advisory_xact_lock_shared(${CHANGE_LOCK})`;
}

/** True for PostgreSQL's lock_not_available (a lock_timeout expired). */
export function isLockTimeout(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === '55P03';
}

export interface ChangeRow {
  entity: string;
  key: string;
  bucket: string;
  data: string;
}

/**
 * Pushes: records upserts in the change log and queues the NOTIFY in ONE statement that also
 * takes SEQ_LOCK (held to COMMIT) before its first nextval(): the serialised part of a push is
 * this statement and COMMIT. Rows whose content is already live get no new number (best
 * effort: a row made identical by a push that committed while we waited gets a redundant
 * number — harmless). Call with the shared change-log lock held. Returns how many got numbers.
 */
export async function writeChanges(q: Queryable, rows: ChangeRow[]): Promise<number> {
  if (!rows.length) return 0;
  // One row per (entity, key, bucket): the last one wins (an upsert may not touch a row twice).
  const last = new Map<string, ChangeRow>();
  for (const r of rows) last.set(`${r.entity}\u0000${r.key}\u0000${r.bucket}`, r);
  const list = [...last.values()];
  const buckets = [...new Set(list.map((r) => r.bucket))];
  try {
    const r = await q.rows(
      `WITH ins AS (
         INSERT INTO changes (seq, entity, key, bucket, op, data)
         SELECT nextval('change_seq'), r.entity, r.key, r.bucket, 'u', r.data
         -- the join makes every row wait for the lock, so no number is taken before it
         FROM (SELECT pg_advisory_xact_lock($4::bigint)) lock
         CROSS JOIN json_to_recordset($1::json) AS r(entity text, key text, bucket text, data text)
         WHERE NOT EXISTS (SELECT 1 FROM changes c WHERE c.entity = r.entity AND c.key = r.key AND c.bucket = r.bucket AND c.op = 'u' AND c.data = r.data)
         ON CONFLICT (entity, key, bucket) DO UPDATE SET seq = excluded.seq, op = 'u', data = excluded.data
         RETURNING seq
       ), n AS (SELECT count(*) AS n, max(seq) AS top FROM ins)
       SELECT n.n, CASE WHEN n.n > 0 THEN pg_notify($2, json_build_object('seq', n.top, 'buckets', $3::json)::text) END FROM n`,
      [JSON.stringify(list), CHANGE_CHANNEL, JSON.stringify(buckets), SEQ_LOCK],
      { prepare: true },
    );
    return Number(r[0]?.[0] ?? 0);
  } catch (e) {
    if (isLockTimeout(e)) throw new HubBusyError();
    throw e;
  }
}

/**
 * Upserts the live row of (entity, key, bucket) with `data` — a new change number only when
 * the content differs (or the row was a tombstone). Call with the exclusive change-log lock.
 * Returns true when a change was recorded.
 */
export async function upsertChange(q: Queryable, entity: string, key: string, bucket: string, data: string): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO changes (seq, entity, key, bucket, op, data)
     SELECT nextval('change_seq'), $1, $2, $3, 'u', $4
     WHERE NOT EXISTS (SELECT 1 FROM changes WHERE entity = $1 AND key = $2 AND bucket = $3 AND op = 'u' AND data = $4)
     ON CONFLICT (entity, key, bucket) DO UPDATE SET seq = excluded.seq, op = 'u', data = excluded.data
     RETURNING seq`,
    [entity, key, bucket, data],
  );
  return r.length > 0;
}

/** Turns the live row of (entity, key, bucket) into a tombstone. Exclusive change-log lock held. */
export async function tombstone(q: Queryable, entity: string, key: string, bucket: string): Promise<boolean> {
  const r = await q.query(
    `UPDATE changes SET seq = nextval('change_seq'), op = 'd', data = NULL
     WHERE entity = $1 AND key = $2 AND bucket = $3 AND op = 'u' RETURNING seq`,
    [entity, key, bucket],
  );
  return r.length > 0;
}

/** Highest committed change number visible to this statement (0 when none). */
export async function highWater(q: Queryable): Promise<number> {
  const r = await q.rows('SELECT coalesce(max(seq), 0) FROM changes', [], { prepare: true });
  return Number(r[0]?.[0] ?? 0);
}

export interface ChangeNotice {
  seq: number;
  /** Buckets touched; absent = possibly all (imports, scope changes). */
  buckets?: string[];
}

/** Queues a NOTIFY, delivered by PostgreSQL when (and only if) the transaction commits. */
export async function notifyChanges(q: Queryable, buckets?: Iterable<string>): Promise<void> {
  const seq = await highWater(q);
  const list = buckets ? [...new Set(buckets)] : undefined;
  const payload: ChangeNotice = list && list.length <= 50 ? { seq, buckets: list } : { seq };
  await q.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify(payload)]);
}
