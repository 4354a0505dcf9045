// Agent writes that travel to the hub: customer notes (LWW by hybrid logical clock) and contacts
// created from unknown callers. Each local change and its outbox row commit together.
import { randomUUID } from 'node:crypto';
import type { Sqlite } from '../../db/store';
import { getMeta, setMeta } from '../../db/queries/meta';
import { customerNotes } from '../../db/schema';
import { computed, pluckStatement, rawStatement } from '../../db/queries/typed';
import { Outbox } from './outbox';
import { clientId } from './client';
import { makeWriters } from '../import/writers';
import { encodeHlc, hlcTick, parseHlc } from '../../../src-shared/sync/hlc';
import { ContactCreate } from '../../../src-shared/sync/protocol';
import { toE164, isRegion } from '../../../src-shared/phone/normalize';
import type { Note } from '../../../src-shared/sync/status';

export class NotesService {
  private outbox: Outbox;
  private writers;
  private q;

  constructor(private sqlite: Sqlite, private author = '') {
    this.outbox = new Outbox(sqlite);
    this.writers = makeWriters(sqlite);
    this.q = {
      upsert: sqlite.prepare(`INSERT INTO customer_notes (note_id, customer_id, text, hlc, author) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (note_id) DO UPDATE SET text = excluded.text, hlc = excluded.hlc, author = excluded.author`),
      history: sqlite.prepare(`INSERT INTO note_history (note_id, hlc, text, author, superseded_by)
        SELECT note_id, hlc, text, author, ? FROM customer_notes WHERE note_id = ? ON CONFLICT DO NOTHING`),
      get: pluckStatement(sqlite, 'SELECT customer_id FROM customer_notes WHERE note_id = ?', customerNotes.customerId),
      list: rawStatement(sqlite, `SELECT n.note_id, n.customer_id, n.text, n.hlc, n.author,
          EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 'customerNote.upsert' AND json_extract(o.payload, '$.noteId') = n.note_id)
        FROM customer_notes n WHERE n.customer_id = ? AND n.deleted = 0 ORDER BY n.hlc DESC`,
      [customerNotes.noteId, customerNotes.customerId, customerNotes.text, customerNotes.hlc, customerNotes.author, computed<0 | 1>()]),
    };
  }

  /** Next timestamp of this desktop's clock (persisted, so it never goes back across restarts). */
  private tick(): string {
    const node = clientId(this.sqlite).replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 64);
    const prev = parseHlc(getMeta(this.sqlite, 'hlc_last') ?? '');
    const next = encodeHlc(hlcTick(prev, node, Date.now()));
    setMeta(this.sqlite, 'hlc_last', next);
    return next;
  }

  save(input: { customerId: string; noteId?: string; text: string }): Note {
    return this.sqlite.transaction(() => {
      const noteId = input.noteId ?? randomUUID();
      const owner = this.q.get.get(noteId);
      if (owner !== undefined && owner !== input.customerId) throw new Error(`note ${noteId} belongs to another customer`);
      const hlc = this.tick();
      if (owner !== undefined) this.q.history.run(hlc, noteId);
      this.q.upsert.run(noteId, input.customerId, input.text, hlc, this.author);
      this.outbox.enqueue('customerNote.upsert', { noteId, customerId: input.customerId, text: input.text, hlc });
      return { noteId, customerId: input.customerId, text: input.text, hlc, author: this.author, pending: true };
    }).immediate();
  }

  list(customerId: string): Note[] {
    return this.q.list.all(customerId).map(
      ([noteId, cid, text, hlc, author, pending]) => ({ noteId, customerId: cid, text, hlc, author, pending: pending === 1 }),
    );
  }

  /** An unknown caller becomes a contact at once (searchable, pops next time) and goes to the hub. */
  createContact(input: { name: string; company?: string; phone: string; country: string; notes?: string }): { contactId: string } {
    const country = input.country.toUpperCase();
    if (!isRegion(country)) throw new Error(`country: "${input.country}" is not an ISO 3166 alpha-2 country`);
    const e164 = toE164(input.phone, country);
    if (!e164) throw new Error(`phone: "${input.phone}" is not a valid phone number for ${country}`);
    const payload = { contactId: randomUUID(), name: input.name.trim(), company: input.company ?? '', phone: e164, country, notes: input.notes ?? '' };
    const v = ContactCreate.safeParse(payload);
    if (!v.success) {
      const i = v.error.issues[0]!;
      throw new Error(`${i.path.join('.')}: ${i.message}`);
    }
    this.sqlite.transaction(() => {
      this.writers.customers([{ line: 0, row: {
        customerId: payload.contactId, name: payload.name, company: payload.company, email: '', segment: 'contact',
        region: '', country, createdAt: new Date().toISOString(), phones: [{ e164, label: 'phone', raw: input.phone }],
      } }]);
      this.outbox.enqueue('contact.create', payload);
    }).immediate();
    return { contactId: payload.contactId };
  }
}
