// Case logging: a draft per call, saved as the agent types; wrap-up after the call; submit once.
// Submitting writes the case, its offer outcomes and the outbox mutation in ONE transaction:
// either the hub will hear about exactly this case, or nothing changed.
import { randomUUID } from 'node:crypto';
import type { Sqlite } from '../../db/store';
import { cases, dispositions, offerOutcomes } from '../../db/schema';
import { pluckStatement, rawStatement, type RowOf } from '../../db/queries/typed';
import { Outbox } from '../sync/outbox';
import { OWNED_BY_CURRENT } from '../sync/owner';
import type { Case, CaseEdit, CaseSubmitPayload, Disposition, OfferOutcome } from '../../../src-shared/cases/schema';

// The result columns of COLS (typed.ts checks the two agree when the statements are prepared).
const CASE = [
  cases.caseId, cases.customerId, cases.callId, cases.callLine, cases.callDurationS, cases.disposition, cases.category, cases.notes,
  cases.followUpDate, cases.followUpTask, cases.status, cases.origin, cases.createdAt, cases.updatedAt, cases.callEndedAt, cases.submittedAt,
] as const;
type CaseRow = RowOf<typeof CASE>;
const OUTCOME = [offerOutcomes.sku, offerOutcomes.kind, offerOutcomes.outcome, offerOutcomes.decidedAt] as const;

const COLS = `case_id, customer_id, call_id, call_line, call_duration_s, disposition, category, notes,
  follow_up_date, follow_up_task, status, origin, created_at, updated_at, call_ended_at, submitted_at`;

export class CaseError extends Error {}

export class CaseService {
  private q;
  readonly outbox: Outbox;

  constructor(private sqlite: Sqlite, private now: () => Date = () => new Date()) {
    this.outbox = new Outbox(sqlite);
    this.q = {
      // shared desks (issue 20): another agent's drafts are neither shown nor editable here
      byId: rawStatement(sqlite, `SELECT ${COLS} FROM cases WHERE case_id = ? AND ${OWNED_BY_CURRENT}`, CASE),
      byCall: rawStatement(sqlite, `SELECT ${COLS} FROM cases WHERE call_id = ? AND ${OWNED_BY_CURRENT} ORDER BY created_at DESC LIMIT 1`, CASE),
      open: rawStatement(sqlite, `SELECT ${COLS} FROM cases WHERE status != 'submitted' AND origin = 'local' AND ${OWNED_BY_CURRENT} ORDER BY updated_at DESC LIMIT 20`, CASE),
      forCustomer: rawStatement(sqlite, `SELECT ${COLS} FROM cases WHERE customer_id = ? AND status = 'submitted' ORDER BY coalesce(submitted_at, created_at) DESC LIMIT ?`, CASE),
      all: rawStatement(sqlite, `SELECT ${COLS} FROM cases ORDER BY created_at DESC LIMIT ?`, CASE),
      offers: rawStatement(sqlite, 'SELECT sku, kind, outcome, decided_at FROM offer_outcomes WHERE case_id = ? ORDER BY decided_at, sku', OUTCOME),
      insert: sqlite.prepare(`INSERT INTO cases (case_id, customer_id, call_id, call_line, status, origin, created_at, updated_at)
        VALUES (?, ?, ?, ?, 'draft', 'local', ?, ?)`),
      disposition: pluckStatement(sqlite, 'SELECT category FROM dispositions WHERE code = ? AND active = 1', dispositions.category),
      dispositions: rawStatement(sqlite, 'SELECT code, category, label_en, label_it FROM dispositions WHERE active = 1 ORDER BY position, code',
        [dispositions.code, dispositions.category, dispositions.labelEn, dispositions.labelIt]),
      insertOutcome: sqlite.prepare(`INSERT INTO offer_outcomes (id, case_id, customer_id, sku, kind, outcome, decided_at)
        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id, sku) DO UPDATE SET outcome = excluded.outcome, decided_at = excluded.decided_at`),
      recentOutcomes: rawStatement(sqlite, 'SELECT sku, kind, outcome, decided_at FROM offer_outcomes WHERE customer_id = ? AND decided_at >= ? ORDER BY decided_at DESC', OUTCOME),
    };
  }

  /** Opening the pop for a call starts a draft (one per call: asking again returns the same). */
  start(input: { callId?: string | null; customerId?: string | null; line?: string }): Case {
    if (input.callId) {
      const existing = this.q.byCall.get(input.callId);
      if (existing) return this.toCase(existing);
    }
    const id = randomUUID();
    const at = this.now().toISOString();
    this.q.insert.run(id, input.customerId ?? null, input.callId ?? null, input.line ?? '', at, at);
    return this.get(id)!;
  }

  get(caseId: string): Case | null {
    const r = this.q.byId.get(caseId);
    return r ? this.toCase(r) : null;
  }

  /** Saves what the agent typed so far. Submitted cases are final. */
  save(edit: CaseEdit): Case {
    const c = this.get(edit.caseId);
    if (!c) throw new CaseError(`case ${edit.caseId} does not exist`);
    if (c.status === 'submitted') throw new CaseError(`case ${edit.caseId} is already submitted`);
    const sets: string[] = [];
    const args: unknown[] = [];
    const set = (col: string, v: unknown): void => {
      sets.push(`${col} = ?`);
      args.push(v);
    };
    if (edit.customerId !== undefined) set('customer_id', edit.customerId);
    if (edit.disposition !== undefined) {
      if (edit.disposition !== null && this.q.disposition.get(edit.disposition) === undefined) {
        throw new CaseError(`disposition: "${edit.disposition}" is not a known code`);
      }
      set('disposition', edit.disposition);
      set('category', edit.disposition === null ? null : this.q.disposition.get(edit.disposition));
    }
    if (edit.notes !== undefined) set('notes', edit.notes);
    if (edit.followUpDate !== undefined) set('follow_up_date', edit.followUpDate);
    if (edit.followUpTask !== undefined) set('follow_up_task', edit.followUpTask);
    set('updated_at', this.now().toISOString());
    this.sqlite.prepare(`UPDATE cases SET ${sets.join(', ')} WHERE case_id = ?`).run(...args, edit.caseId);
    return this.get(edit.caseId)!;
  }

  /** The call ended: the case stays open in wrap-up (the UI shows the timer). */
  callEnded(input: { callId: string; durationS: number | null }): Case | null {
    const r = this.q.byCall.get(input.callId);
    if (!r) return null;
    const c = this.toCase(r);
    if (c.status !== 'draft') return c;
    const at = this.now().toISOString();
    this.sqlite.prepare(`UPDATE cases SET status = 'wrap_up', call_ended_at = ?, call_duration_s = ?, updated_at = ? WHERE case_id = ?`)
      .run(at, input.durationS, at, c.caseId);
    return this.get(c.caseId);
  }

  submit(edit: CaseEdit & { offers?: OfferOutcome[] }): Case {
    const apply = this.sqlite.transaction(() => {
      const c = this.save(edit);
      if (!c.disposition) throw new CaseError('disposition: choose one before submitting');
      const at = this.now().toISOString();
      for (const o of edit.offers ?? []) {
        if (!c.customerId) throw new CaseError('offers: a case without a customer cannot record offer outcomes');
        this.q.insertOutcome.run(randomUUID(), c.caseId, c.customerId, o.sku, o.kind, o.outcome, at);
      }
      this.sqlite.prepare(`UPDATE cases SET status = 'submitted', submitted_at = ?, updated_at = ? WHERE case_id = ?`).run(at, at, c.caseId);
      const done = this.get(c.caseId)!;
      const payload: CaseSubmitPayload = {
        caseId: done.caseId, customerId: done.customerId, callId: done.callId, callLine: done.callLine,
        callDurationS: done.callDurationS, disposition: done.disposition!, category: done.category, notes: done.notes,
        followUpDate: done.followUpDate, followUpTask: done.followUpTask, createdAt: done.createdAt,
        submittedAt: at, offers: done.offers,
      };
      // The mutation id is the case id: a retried push can never create a second case at the hub.
      this.outbox.enqueue('case.submit', payload, done.caseId);
      return this.get(c.caseId)!;
    });
    return apply.immediate();
  }

  /** Drafts and wrap-ups to restore after a restart or crash. */
  open(): Case[] {
    return this.q.open.all().map((r) => this.toCase(r));
  }

  history(customerId: string, limit = 20): Case[] {
    return this.q.forCustomer.all(customerId, limit).map((r) => this.toCase(r));
  }

  list(limit = 1000): Case[] {
    return this.q.all.all(limit).map((r) => this.toCase(r));
  }

  dispositions(): Disposition[] {
    return this.q.dispositions.all().map(([code, category, labelEn, labelIt]) => ({ code, category, labelEn, labelIt }));
  }

  /** A customer's offer outcomes since `since` (ISO), newest first: for the 30-day decline rule. */
  recentOutcomes(customerId: string, since: string): { sku: string; kind: string; outcome: OfferOutcome['outcome']; decidedAt: string }[] {
    return this.q.recentOutcomes.all(customerId, since).map(
      ([sku, kind, outcome, decidedAt]) => ({ sku, kind, outcome, decidedAt }),
    );
  }

  private toCase(r: CaseRow): Case {
    const [caseId, customerId, callId, callLine, callDurationS, disposition, category, notes, followUpDate, followUpTask, status, origin, createdAt, updatedAt, callEndedAt, submittedAt] = r;
    const offers = this.q.offers.all(caseId).map(([sku, kind, outcome, decidedAt]) => ({ sku, kind, outcome, decidedAt }));
    return {
      caseId, customerId, callId, callLine, callDurationS, disposition, category, notes, followUpDate, followUpTask,
      status, origin, createdAt, updatedAt, callEndedAt, submittedAt,
      pending: origin === 'local' && status === 'submitted' && this.outbox.isPending(caseId),
      offers,
    };
  }
}
