// Applies pulled change lines to the local store. The caller wraps a whole page AND the new
// cursor in one transaction (see SyncClient.pullPage): a crash anywhere leaves either the old
// page boundary or the new one, never a half-applied page with a cursor pointing past it.
import type { Sqlite } from '../../db/store';
import { makeWriters } from '../import/writers';
import type { ChangeLine, EntityData } from '../../../src-shared/sync/protocol';
import { parsePurchaseKey } from '../../../src-shared/sync/protocol';
import { compareHlcText } from '../../../src-shared/sync/hlc';
import type { FeedRecord } from '../../../src-shared/feeds/node/csv';
import type { CustomerRow } from '../../../src-shared/feeds/spec';

export function makeApplier(sqlite: Sqlite) {
  const w = makeWriters(sqlite);
  const del = {
    customer: [
      'DELETE FROM customer_search WHERE rowid = (SELECT id FROM customers WHERE customer_id = ?1)',
      'DELETE FROM customer_phones WHERE customer_id = ?1',
      'DELETE FROM purchases WHERE customer_id = ?1',
      'DELETE FROM accounts WHERE customer_id = ?1',
      'DELETE FROM credit_terms WHERE customer_id = ?1',
      'DELETE FROM customer_notes WHERE customer_id = ?1',
      'DELETE FROM customers WHERE customer_id = ?1',
    ].map((s) => sqlite.prepare(s)),
    product: sqlite.prepare('DELETE FROM products WHERE sku = ?'),
    purchase: sqlite.prepare('DELETE FROM purchases WHERE order_id = ? AND sku = ?'),
    account: sqlite.prepare('DELETE FROM accounts WHERE customer_id = ?'),
    credit: sqlite.prepare('DELETE FROM credit_terms WHERE customer_id = ?'),
    note: sqlite.prepare('DELETE FROM customer_notes WHERE note_id = ?'),
  };
  const noteGet = sqlite.prepare('SELECT text, hlc, author FROM customer_notes WHERE note_id = ?').raw();
  const noteUpsert = sqlite.prepare(`
    INSERT INTO customer_notes (note_id, customer_id, text, hlc, author) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (note_id) DO UPDATE SET customer_id = excluded.customer_id, text = excluded.text, hlc = excluded.hlc, author = excluded.author`);
  const noteHistory = sqlite.prepare(`
    INSERT INTO note_history (note_id, hlc, text, author, superseded_by) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (note_id, hlc) DO NOTHING`);

  const upsertNote = (n: EntityData['note']): void => {
    const local = noteGet.get(n.noteId) as [string, string, string] | undefined;
    if (local && local[1] === n.hlc) return;
    if (local && compareHlcText(local[1], n.hlc) > 0) {
      // Our unsent edit is newer: keep it, remember theirs (the hub will get ours and agree).
      noteHistory.run(n.noteId, n.hlc, n.text, n.author, local[1]);
      return;
    }
    if (local) noteHistory.run(n.noteId, local[1], local[0], local[2], n.hlc);
    noteUpsert.run(n.noteId, n.customerId, n.text, n.hlc, n.author);
  };

  const contactAsCustomer = (c: EntityData['contact']): CustomerRow => ({
    customerId: c.contactId, name: c.name, company: c.company, email: '', segment: 'contact', region: '',
    country: c.country, createdAt: c.createdAt, phones: [{ e164: c.phone, label: 'phone', raw: c.phone }],
  });

  /** Applies changes in order; consecutive upserts of one entity go to the bulk writers together. */
  return function apply(changes: ChangeLine[]): void {
    let i = 0;
    while (i < changes.length) {
      const c = changes[i]!;
      if (c.op === 'delete') {
        switch (c.entity) {
          case 'customer':
          case 'contact':
            for (const s of del.customer) s.run(c.key);
            break;
          case 'purchase': {
            const k = parsePurchaseKey(c.key);
            del.purchase.run(k.orderId, k.sku);
            break;
          }
          default:
            del[c.entity].run(c.key);
        }
        i++;
        continue;
      }
      let j = i;
      while (j < changes.length && changes[j]!.op === 'upsert' && changes[j]!.entity === c.entity) j++;
      const run = changes.slice(i, j) as Extract<ChangeLine, { op: 'upsert' }>[];
      const recs = <T>(f: (x: Extract<ChangeLine, { op: 'upsert' }>) => T): FeedRecord<never>[] =>
        run.map((x) => ({ line: x.seq, row: f(x) })) as unknown as FeedRecord<never>[];
      switch (c.entity) {
        case 'customer':
          w.customers(recs((x) => x.data));
          break;
        case 'product':
          w.products(recs((x) => x.data));
          break;
        case 'purchase':
          w.purchases(recs((x) => x.data));
          break;
        case 'account':
          w.accounts(recs((x) => x.data));
          break;
        case 'credit':
          w.credit(recs((x) => x.data));
          break;
        case 'contact':
          w.customers(recs((x) => contactAsCustomer(x.data as EntityData['contact'])));
          break;
        case 'note':
          for (const x of run) upsertNote(x.data as EntityData['note']);
          break;
      }
      i = j;
    }
  };
}

/** Everything that came from the hub (a reset drops it before the fresh stream is applied). */
export function clearSynced(sqlite: Sqlite): void {
  for (const t of ['customer_search', 'customer_phones', 'purchases', 'accounts', 'credit_terms', 'products', 'customers']) {
    sqlite.prepare(`DELETE FROM ${t}`).run();
  }
  sqlite.prepare('DELETE FROM customer_notes WHERE note_id NOT IN (SELECT json_extract(payload, \'$.noteId\') FROM outbox WHERE kind = \'customerNote.upsert\')').run();
}
