// case.submit — an agent's submitted case with the outcomes of the offers shown. Idempotent by
// caseId: the same case again from the same user is a no-op (applied); the same id from another
// user is refused. The case is published to whoever sees its customer (the customer's region
// bucket; for a contact or no customer, the contact bucket) so colleagues see it in history.
import { CaseSubmitPayload } from '../../../src-shared/sync/protocol';
import { renderCase } from '../../feeds/render';
import { contactBucket, inScope } from '../../scope';
import { defineKind, Rejection } from './types';
import { recordEvents } from '../../agents/events';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** ISO text → canonical ISO instant, or a Rejection naming the field (never a database error: that would retry forever). */
function instant(field: string, v: string): string {
  const t = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(t)) throw new Rejection(`${field}: "${v}" is not an ISO 8601 date-time`);
  return new Date(t).toISOString();
}

export const caseSubmit = defineKind({
  payload: CaseSubmitPayload,
  async apply(ctx, p) {
    const { q } = ctx;
    const prior = (await q.query<{ agent: string }>('SELECT agent FROM cases WHERE case_id = $1', [p.caseId], { prepare: true }))[0];
    if (prior) {
      if (prior.agent === ctx.user.name) return; // the same submit again (outbox retry from a reinstalled desktop)
      throw new Rejection(`case ${p.caseId} was already submitted by another user`);
    }

    let bucket: string;
    if (p.customerId === null) bucket = contactBucket(ctx.user);
    else {
      // A customer (region bucket) or a contact an agent created (contacts are customers on the desktop).
      let found = await q.rows(`SELECT 'r:' || region FROM customers WHERE customer_id = $1`, [p.customerId], { prepare: true });
      if (!found.length && UUID.test(p.customerId)) found = await q.rows('SELECT bucket FROM contacts WHERE contact_id = $1', [p.customerId], { prepare: true });
      const b = found[0]?.[0] as string | undefined;
      // Same answer for "unknown" and "not yours": scope must not reveal what exists elsewhere.
      if (!b || !inScope(ctx.scope, b)) throw new Rejection(`customer "${p.customerId}" is not in your scope`);
      bucket = b;
    }
    if (p.offers.length && p.customerId === null) throw new Rejection('offers: a case without a customer cannot record offer outcomes');

    const disp = (await q.query<{ category: string }>('SELECT category FROM dispositions WHERE code = $1', [p.disposition], { prepare: true }))[0];
    if (!disp) throw new Rejection(`disposition: "${p.disposition}" is not a known code`);
    if (p.followUpDate !== null && (!/^\d{4}-\d{2}-\d{2}$/.test(p.followUpDate) || Number.isNaN(Date.parse(p.followUpDate)))) {
      throw new Rejection(`followUpDate: "${p.followUpDate}" is not a date (YYYY-MM-DD)`);
    }
    const createdAt = instant('createdAt', p.createdAt);
    const submittedAt = instant('submittedAt', p.submittedAt);
    const offers = p.offers.map((o, i) => ({ ...o, decidedAt: instant(`offers.${i}.decidedAt`, o.decidedAt) }));
    if (new Set(offers.map((o) => o.sku)).size !== offers.length) throw new Rejection('offers: the same sku appears twice');
    // The hub's category for the code wins over the desktop's copy (it may be older).
    const category = disp.category;

    await q.query(
      `INSERT INTO cases (case_id, customer_id, agent, team, call_id, call_line, call_duration_s, disposition, category, notes,
                          follow_up_date, follow_up_task, bucket, created_at, submitted_at, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [p.caseId, p.customerId, ctx.user.name, ctx.user.team, p.callId, p.callLine, p.callDurationS, p.disposition, category, p.notes,
        p.followUpDate, p.followUpTask, bucket, createdAt, submittedAt, ctx.now.toISOString()], { prepare: true });
    if (offers.length) {
      await q.query(
        `INSERT INTO offer_outcomes (case_id, customer_id, sku, kind, outcome, decided_at)
         SELECT $1, $2, o.sku, o.kind, o.outcome, o.decided_at
         FROM json_to_recordset($3::json) AS o(sku text, kind text, outcome text, decided_at timestamptz)`,
        [p.caseId, p.customerId, JSON.stringify(offers.map((o) => ({ sku: o.sku, kind: o.kind, outcome: o.outcome, decided_at: o.decidedAt })))],
        { prepare: true });
    }
    // the call's record gets the case and its disposition (statistics read call_events only)
    await recordEvents(q, [{
      id: `case:${p.caseId}`, at: submittedAt, kind: 'case.submitted', source: 'desktop', callId: p.callId, agent: ctx.user.name,
      data: { caseId: p.caseId, disposition: p.disposition, category, customerId: p.customerId, callLine: p.callLine },
    }]);
    ctx.change('case', p.caseId, bucket, renderCase({
      caseId: p.caseId, customerId: p.customerId, agent: ctx.user.name, team: ctx.user.team, callId: p.callId, callLine: p.callLine,
      callDurationS: p.callDurationS, disposition: p.disposition, category, notes: p.notes, followUpDate: p.followUpDate,
      followUpTask: p.followUpTask, createdAt, submittedAt, offers,
    }));
  },
});
