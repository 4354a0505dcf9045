// The desktop's outbox: every agent write that must reach the hub. `enqueue` must run inside the
// caller's transaction together with the local change it describes (see CaseService.submit).
import { randomUUID } from 'node:crypto';
import type { Sqlite } from '../../db/store';
import { outbox, outboxRejected } from '../../db/schema';
import { computed, pluckStatement, rawStatement } from '../../db/queries/typed';
import { OWNED_BY_CURRENT } from './owner';

export interface OutboxRow {
  seq: number;
  id: string;
  kind: string;
  payload: unknown;
  createdAt: string;
  attempts: number;
  lastError: string | null;
}

export interface RejectedRow {
  id: string;
  seq: number;
  kind: string;
  reason: string;
  rejectedAt: string;
}

export class Outbox {
  private insert;
  private pendingQ;
  private deleteQ;
  private rejectIns;
  private failQ;
  private countQ;
  private rejectedQ;
  private hasQ;
  private othersQ;

  constructor(private sqlite: Sqlite) {
    this.insert = pluckStatement(sqlite, 'INSERT INTO outbox (id, kind, payload, created_at) VALUES (?, ?, ?, ?) RETURNING seq', outbox.seq);
    // shared desks: only the signed-in agent's rows (and unowned ones) go out, under their token;
    // another agent's stay until that agent signs in here again (see owner.ts)
    this.pendingQ = rawStatement(sqlite, `SELECT seq, id, kind, payload, created_at, attempts, last_error FROM outbox WHERE ${OWNED_BY_CURRENT} ORDER BY seq LIMIT ?`,
      [outbox.seq, outbox.id, outbox.kind, outbox.payload, outbox.createdAt, outbox.attempts, outbox.lastError]);
    this.deleteQ = sqlite.prepare('DELETE FROM outbox WHERE id = ?');
    this.rejectIns = sqlite.prepare(`
      INSERT INTO outbox_rejected (id, seq, kind, payload, reason, rejected_at)
      SELECT id, seq, kind, payload, ?, ? FROM outbox WHERE id = ?
      ON CONFLICT (id) DO NOTHING`);
    this.failQ = sqlite.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?');
    this.countQ = rawStatement(sqlite, `SELECT (SELECT count(*) FROM outbox WHERE ${OWNED_BY_CURRENT}), (SELECT count(*) FROM outbox_rejected)`, [computed<number>(), computed<number>()]);
    this.othersQ = pluckStatement(sqlite, `SELECT count(*) FROM outbox WHERE NOT ${OWNED_BY_CURRENT}`, computed<number>());
    this.rejectedQ = rawStatement(sqlite, 'SELECT id, seq, kind, reason, rejected_at FROM outbox_rejected ORDER BY rejected_at DESC LIMIT ?',
      [outboxRejected.id, outboxRejected.seq, outboxRejected.kind, outboxRejected.reason, outboxRejected.rejectedAt]);
    this.hasQ = pluckStatement(sqlite, 'SELECT 1 FROM outbox WHERE id = ?', computed<1>());
  }

  /** Adds a mutation; call inside the transaction that makes the local change. */
  enqueue(kind: string, payload: unknown, id: string = randomUUID()): { id: string; seq: number } {
    if (!this.sqlite.inTransaction) throw new Error('Outbox.enqueue must run inside the transaction of the local change');
    const seq = this.insert.get(id, kind, JSON.stringify(payload), new Date().toISOString())!;
    return { id, seq };
  }

  pending(limit = 500): OutboxRow[] {
    return this.pendingQ.all(limit).map(
      ([seq, id, kind, payload, createdAt, attempts, lastError]) => ({ seq, id, kind, payload: JSON.parse(payload) as unknown, createdAt, attempts, lastError }),
    );
  }

  isPending(id: string): boolean {
    return this.hasQ.get(id) !== undefined;
  }

  /** The hub's answer to a push, applied atomically: delivered rows leave, refused rows move aside. */
  settle(applied: string[], rejected: { id: string; reason: string }[]): void {
    const at = new Date().toISOString();
    this.sqlite.transaction(() => {
      for (const r of rejected) {
        this.rejectIns.run(r.reason, at, r.id);
        this.deleteQ.run(r.id);
      }
      for (const id of applied) this.deleteQ.run(id);
    })();
  }

  /** A transient failure (network, 5xx): the rows stay, in order, and are tried again later. */
  failed(ids: string[], error: string): void {
    this.sqlite.transaction(() => {
      for (const id of ids) this.failQ.run(error.slice(0, 500), id);
    })();
  }

  /** Rows other agents of this desk left unsent (kept for their next sign-in here). */
  othersPending(): number {
    return this.othersQ.get()!;
  }

  /** The signed-in agent's pending rows (and unowned ones); rejected: all. */
  counts(): { pending: number; rejected: number } {
    const [pending, rejected] = this.countQ.get()!;
    return { pending, rejected };
  }

  rejected(limit = 50): RejectedRow[] {
    return this.rejectedQ.all(limit).map(
      ([id, seq, kind, reason, rejectedAt]) => ({ id, seq, kind, reason, rejectedAt }),
    );
  }
}
