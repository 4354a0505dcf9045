// POST /v1/sync/push — exactly-once application of a client's mutations.
//
// One transaction per batch:
//   1. enter the change log shared (src-hub/changes.ts; sent with BEGIN) and lock the
//      (user, client) row in sync_clients: concurrent pushes of ONE client queue up, other
//      clients run in parallel;
//   2. look up ids processed before: they get their ORIGINAL outcome back, nothing is re-run;
//      a seq <= last_seq that is not on record counts as done too;
//   3. apply each new mutation: unknown kind or invalid payload → rejected without running;
//      a Rejection or an integrity error thrown while applying → the transaction is rolled
//      back and the batch re-run with that mutation marked rejected (no savepoint round trips
//      on the common path);
//   4. record every processed mutation and the new last_seq;
//   5. take SEQ_LOCK, write the batch's change-log rows + NOTIFY — one statement — COMMIT.
// Crash anywhere before COMMIT → nothing happened, the retry applies it. Crash after COMMIT
// (response lost) → the retry finds the ids and answers the same without re-applying.
import type { z } from 'zod';
import type { PushRequest, PushResponse } from '../../src-shared/sync/protocol';
import type { Queryable, Store } from '../db/store';
import { HubBusyError, isLockTimeout, shareChangeLogLead, writeChanges, type ChangeRow } from '../changes';
import type { AuthUser, Scope } from '../scope';
import { kindOf, Rejection, type ApplyContext } from './kinds';

export interface PushOptions {
  /** Longest wait for the change-log locks before answering 503 (ms). */
  lockTimeoutMs?: number;
  /** Test hook: runs inside the transaction after applying, before COMMIT. */
  beforeCommit?: () => Promise<void> | void;
}

function describeIssues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`).join('; ');
}

const INTEGRITY = /^23/; // integrity_constraint_violation class: permanent for this payload

/** Thrown inside the transaction to roll it back and re-run the batch without one mutation. */
class RunWithout extends Error {
  constructor(readonly id: string, readonly reason: string) {
    super(reason);
  }
}

export async function applyPush(store: Store, user: AuthUser, scope: Scope, req: PushRequest, opts: PushOptions = {}): Promise<PushResponse> {
  const timeout = opts.lockTimeoutMs ?? 10_000;
  const refused = new Map<string, string>();
  for (;;) {
    try {
      return await store.tx((q) => runBatch(q, user, scope, req, refused, opts), { lead: shareChangeLogLead(timeout) });
    } catch (e) {
      if (e instanceof RunWithout && !refused.has(e.id)) refused.set(e.id, e.reason);
      else if (isLockTimeout(e)) throw new HubBusyError();
      else throw e;
    }
  }
}

async function runBatch(q: Queryable, user: AuthUser, scope: Scope, req: PushRequest, refused: Map<string, string>, opts: PushOptions): Promise<PushResponse> {
  // The no-op update takes the row lock (and creates the row on first contact).
  const lastRow = await q.rows(
    `INSERT INTO sync_clients (user_id, client_id) VALUES ($1, $2)
     ON CONFLICT (user_id, client_id) DO UPDATE SET last_seq = sync_clients.last_seq RETURNING last_seq`,
    [user.id, req.clientId], { prepare: true });
  const startSeq = Number(lastRow[0]?.[0] ?? 0);
  let lastSeq = startSeq;

  const prior = new Map<string, { user_id: number; status: string; reason: string | null }>();
  if (req.mutations.length) {
    for (const r of await q.query<{ id: string; user_id: number; status: string; reason: string | null }>(
      'SELECT id, user_id, status, reason FROM sync_mutations WHERE id = ANY($1::uuid[])', [req.mutations.map((m) => m.id)], { prepare: true })) {
      prior.set(r.id, r);
    }
  }
  const applied: string[] = [];
  const rejected: { id: string; reason: string }[] = [];
  const records: { id: string; seq: number; kind: string; status: string; reason: string | null }[] = [];
  const changes: ChangeRow[] = [];
  const ctx: ApplyContext = { q, user, scope, now: new Date(), change: (entity, key, bucket, data) => changes.push({ entity, key, bucket, data }) };

  for (const m of req.mutations) {
    const before = prior.get(m.id);
    if (before) {
      if (before.user_id !== user.id) {
        rejected.push({ id: m.id, reason: 'mutation id already used by another client' });
        if (m.seq > lastSeq) lastSeq = m.seq;
      } else if (before.status === 'applied') applied.push(m.id);
      else rejected.push({ id: m.id, reason: before.reason ?? 'rejected' });
      continue;
    }
    if (m.seq <= lastSeq) {
      applied.push(m.id); // processed in an earlier batch (the client re-sent it with a new id?)
      continue;
    }
    let reason: string | null = refused.get(m.id) ?? null;
    const kind = kindOf(m.kind);
    if (reason === null && !kind) reason = `unknown mutation kind "${m.kind}"`;
    if (reason === null && kind) {
      const parsed = kind.payload.safeParse(m.payload);
      if (!parsed.success) reason = `invalid payload: ${describeIssues(parsed.error)}`;
      else {
        try {
          await kind.apply(ctx, parsed.data);
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (e instanceof Rejection) throw new RunWithout(m.id, e.message);
          if (code && INTEGRITY.test(code)) throw new RunWithout(m.id, `refused by the database: ${(e as Error).message}`);
          throw e; // transient or a bug: fail the whole batch, the client retries
        }
      }
    }
    records.push({ id: m.id, seq: m.seq, kind: m.kind, status: reason === null ? 'applied' : 'rejected', reason });
    if (reason === null) applied.push(m.id);
    else rejected.push({ id: m.id, reason });
    lastSeq = m.seq;
  }
  if (records.length || lastSeq !== startSeq) {
    await q.rows(
      `WITH rec AS (
         INSERT INTO sync_mutations (id, user_id, client_id, seq, kind, status, reason)
         SELECT r.id, $1, $2, r.seq, r.kind, r.status, r.reason
         FROM json_to_recordset($3::json) AS r(id uuid, seq bigint, kind text, status text, reason text)
       ), upd AS (
         UPDATE sync_clients SET last_seq = $4, last_push_at = now() WHERE user_id = $1 AND client_id = $2 RETURNING 1
       )
       SELECT count(*) FROM upd`,
      [user.id, req.clientId, JSON.stringify(records), lastSeq], { prepare: true });
  }
  await writeChanges(q, changes); // takes SEQ_LOCK: from here to COMMIT pushes go one at a time
  await opts.beforeCommit?.();
  return { applied, rejected, lastSeq };
}
