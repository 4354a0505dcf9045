// contact.create — an agent records an unknown caller. The contact is visible to the agent's
// team (bucket t:<team>; u:<user> for a user without a team).
import { ContactCreate } from '../../../src-shared/sync/protocol';
import { renderContact } from '../../feeds/render';
import { contactBucket } from '../../scope';
import { defineKind, Rejection } from './types';

export const contactCreate = defineKind({
  payload: ContactCreate,
  async apply(ctx, p) {
    const { q } = ctx;
    const company = p.company ?? '';
    const notes = p.notes ?? '';
    const cur = (await q.query<{ name: string; company: string; phone: string; country: string; notes: string; created_by: string }>(
      'SELECT name, company, phone, country, notes, created_by FROM contacts WHERE contact_id = $1', [p.contactId]))[0];
    if (cur) {
      const same = cur.name === p.name && cur.company === company && cur.phone === p.phone && cur.country === p.country
        && cur.notes === notes && cur.created_by === ctx.user.name;
      if (same) return;
      throw new Rejection(`contact ${p.contactId} already exists`);
    }
    const bucket = contactBucket(ctx.user);
    const createdAt = ctx.now.toISOString();
    await q.query(
      `INSERT INTO contacts (contact_id, name, company, phone, country, notes, created_by, bucket, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [p.contactId, p.name, company, p.phone, p.country, notes, ctx.user.name, bucket, createdAt]);
    ctx.change('contact', p.contactId, bucket, renderContact({ contactId: p.contactId, name: p.name, company, phone: p.phone, country: p.country, notes, createdBy: ctx.user.name, createdAt }));
  },
});
