// customerNote.upsert — create or edit an agent note on a customer. Concurrent edits of one
// note resolve by hybrid logical clock: the highest HLC wins on every replica, and the version
// that loses (or is replaced) is kept in note_history, so no typed text is ever lost.
import { CustomerNoteUpsert } from '../../../src-shared/sync/protocol';
import { compareHlcText } from '../../../src-shared/sync/hlc';
import { renderNote } from '../../feeds/render';
import { inScope, regionBucket } from '../../scope';
import { defineKind, Rejection } from './types';

export const customerNoteUpsert = defineKind({
  payload: CustomerNoteUpsert,
  async apply(ctx, p) {
    const { q } = ctx;
    const cust = await q.query<{ region: string }>('SELECT region FROM customers WHERE customer_id = $1', [p.customerId], { prepare: true });
    const bucket = cust[0] ? regionBucket(cust[0].region) : null;
    // Same answer for "unknown" and "not yours": scope must not reveal what exists elsewhere.
    if (!bucket || !inScope(ctx.scope, bucket)) throw new Rejection(`customer "${p.customerId}" is not in your scope`);

    const updatedAt = ctx.now.toISOString();
    // A new note (the common case) in one statement; concurrent first writes of the same note
    // fall through to the LWW path below instead of failing on the primary key.
    const created = await q.rows(
      `INSERT INTO customer_notes (note_id, customer_id, text, hlc, author, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (note_id) DO NOTHING RETURNING 1`,
      [p.noteId, p.customerId, p.text, p.hlc, ctx.user.name, updatedAt], { prepare: true });
    if (!created.length) {
      const cur = (await q.query<{ customer_id: string; text: string; hlc: string; author: string }>(
        'SELECT customer_id, text, hlc, author FROM customer_notes WHERE note_id = $1 FOR UPDATE', [p.noteId]))[0]!;
      if (cur.customer_id !== p.customerId) throw new Rejection(`note ${p.noteId} belongs to another customer`);
      const order = compareHlcText(p.hlc, cur.hlc);
      if (order === 0) {
        if (cur.text === p.text) return; // the same write again
        throw new Rejection(`note ${p.noteId} already has a different version with hlc ${p.hlc}`);
      }
      if (order < 0) {
        // An older edit arriving late: it loses, but is kept.
        await q.query(`INSERT INTO note_history (note_id, text, hlc, author, outcome) VALUES ($1, $2, $3, $4, 'lost')`,
          [p.noteId, p.text, p.hlc, ctx.user.name]);
        return;
      }
      await q.query(`INSERT INTO note_history (note_id, text, hlc, author, outcome) VALUES ($1, $2, $3, $4, 'replaced')`,
        [p.noteId, cur.text, cur.hlc, cur.author]);
      await q.query('UPDATE customer_notes SET text = $2, hlc = $3, author = $4, updated_at = $5 WHERE note_id = $1',
        [p.noteId, p.text, p.hlc, ctx.user.name, updatedAt]);
    }
    ctx.change('note', p.noteId, bucket, renderNote({ noteId: p.noteId, customerId: p.customerId, text: p.text, hlc: p.hlc, author: ctx.user.name, updatedAt }));
  },
});
