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
import { parseModel } from '../../../src-shared/offers/model';
import { OFFER_MODEL_KEY, saveModel } from '../offers/train-local';
import { deleteMeta, setMeta } from '../../db/queries/meta';
import { cases, customerNotes } from '../../db/schema';
import { pluckStatement, rawStatement } from '../../db/queries/typed';
import { isPacked, type PageItem } from './packed';

/** meta key: why the last offer model pulled from the hub was refused (absent when it was fine). */
export const OFFER_MODEL_REJECTED_KEY = 'offer_model_rejected';

export interface ApplierHooks {
  /** Something was skipped instead of failing the page (an invalid offer model). */
  warn?: (message: string) => void;
}

export function makeApplier(sqlite: Sqlite, hooks: ApplierHooks = {}) {
  const w = makeWriters(sqlite);
  // (one positional `?` per statement: better-sqlite3 refuses a plain value for a numbered `?1`)
  const del = {
    customer: [
      'DELETE FROM customer_search WHERE rowid = (SELECT id FROM customers WHERE customer_id = ?)',
      'DELETE FROM customer_phones WHERE customer_id = ?',
      'DELETE FROM purchases WHERE customer_id = ?',
      'DELETE FROM accounts WHERE customer_id = ?',
      'DELETE FROM credit_terms WHERE customer_id = ?',
      'DELETE FROM customer_notes WHERE customer_id = ?',
      // history pulled from the hub goes with its customer; the agent's own cases stay
      "DELETE FROM offer_outcomes WHERE case_id IN (SELECT case_id FROM cases WHERE customer_id = ? AND origin = 'hub')",
      "DELETE FROM cases WHERE customer_id = ? AND origin = 'hub'",
      'DELETE FROM customers WHERE customer_id = ?',
    ].map((s) => sqlite.prepare(s)),
    case: [
      "DELETE FROM offer_outcomes WHERE case_id IN (SELECT case_id FROM cases WHERE case_id = ? AND origin = 'hub')",
      "DELETE FROM cases WHERE case_id = ? AND origin = 'hub'",
    ].map((s) => sqlite.prepare(s)),
    disposition: sqlite.prepare('DELETE FROM dispositions WHERE code = ?'),
    product: sqlite.prepare('DELETE FROM products WHERE sku = ?'),
    purchase: sqlite.prepare('DELETE FROM purchases WHERE order_id = ? AND sku = ?'),
    account: sqlite.prepare('DELETE FROM accounts WHERE customer_id = ?'),
    credit: sqlite.prepare('DELETE FROM credit_terms WHERE customer_id = ?'),
    note: sqlite.prepare('DELETE FROM customer_notes WHERE note_id = ?'),
  };
  const noteGet = rawStatement(sqlite, 'SELECT text, hlc, author FROM customer_notes WHERE note_id = ?', [customerNotes.text, customerNotes.hlc, customerNotes.author]);
  const noteUpsert = sqlite.prepare(`
    INSERT INTO customer_notes (note_id, customer_id, text, hlc, author) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (note_id) DO UPDATE SET customer_id = excluded.customer_id, text = excluded.text, hlc = excluded.hlc, author = excluded.author`);
  const noteHistory = sqlite.prepare(`
    INSERT INTO note_history (note_id, hlc, text, author, superseded_by) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (note_id, hlc) DO NOTHING`);

  const upsertNote = (n: EntityData['note']): void => {
    const local = noteGet.get(n.noteId);
    if (local && local[1] === n.hlc) return;
    if (local && compareHlcText(local[1], n.hlc) > 0) {
      // Our unsent edit is newer: keep it, remember theirs (the hub will get ours and agree).
      noteHistory.run(n.noteId, n.hlc, n.text, n.author, local[1]);
      return;
    }
    if (local) noteHistory.run(n.noteId, local[1], local[0], local[2], n.hlc);
    noteUpsert.run(n.noteId, n.customerId, n.text, n.hlc, n.author);
  };

  const caseOrigin = pluckStatement(sqlite, 'SELECT origin FROM cases WHERE case_id = ?', cases.origin);
  const caseUpsert = sqlite.prepare(`
    INSERT INTO cases (case_id, customer_id, call_id, call_line, call_duration_s, disposition, category, notes, follow_up_date,
                       follow_up_task, status, origin, agent, created_at, updated_at, submitted_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', 'hub', ?, ?, ?, ?)
    ON CONFLICT (case_id) DO UPDATE SET customer_id = excluded.customer_id, call_id = excluded.call_id, call_line = excluded.call_line,
      call_duration_s = excluded.call_duration_s, disposition = excluded.disposition, category = excluded.category, notes = excluded.notes,
      follow_up_date = excluded.follow_up_date, follow_up_task = excluded.follow_up_task, agent = excluded.agent,
      created_at = excluded.created_at, updated_at = excluded.updated_at, submitted_at = excluded.submitted_at`);
  const outcomeUpsert = sqlite.prepare(`
    INSERT INTO offer_outcomes (id, case_id, customer_id, sku, kind, outcome, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (case_id, sku) DO UPDATE SET kind = excluded.kind, outcome = excluded.outcome, decided_at = excluded.decided_at`);
  const dispositionUpsert = sqlite.prepare(`
    INSERT INTO dispositions (code, category, label_en, label_it, position, active) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (code) DO UPDATE SET category = excluded.category, label_en = excluded.label_en, label_it = excluded.label_it,
      position = excluded.position, active = excluded.active`);

  const upsertCase = (c: EntityData['case']): void => {
    // A case made here comes back from the hub once delivered: it is the same case, and the
    // local row (origin 'local', pending until the outbox is acknowledged) stays as it is.
    if (caseOrigin.get(c.caseId) === 'local') return;
    caseUpsert.run(c.caseId, c.customerId, c.callId, c.callLine, c.callDurationS, c.disposition, c.category, c.notes, c.followUpDate,
      c.followUpTask, c.agent, c.createdAt, c.submittedAt, c.submittedAt);
    if (c.customerId === null) return; // the hub refuses outcomes without a customer
    for (const o of c.offers) outcomeUpsert.run(`${c.caseId}:${o.sku}`, c.caseId, c.customerId, o.sku, o.kind, o.outcome, o.decidedAt);
  };

  const upsertModel = (data: EntityData['offerModel']): void => {
    const r = parseModel(JSON.stringify(data));
    if (!r.ok) {
      // Keep the model we have: a bad model must neither replace it nor block the rest of sync.
      const why = `offer model v${data.version} from the hub is invalid and was not used (${r.reason})`;
      setMeta(sqlite, OFFER_MODEL_REJECTED_KEY, why);
      hooks.warn?.(why);
      return;
    }
    saveModel(sqlite, r.model);
    deleteMeta(sqlite, OFFER_MODEL_REJECTED_KEY);
  };

  const contactAsCustomer = (c: EntityData['contact']): CustomerRow => ({
    customerId: c.contactId, name: c.name, company: c.company, email: '', segment: 'contact', region: '',
    country: c.country, createdAt: c.createdAt, phones: [{ e164: c.phone, label: 'phone', raw: c.phone }],
  });

  /** Applies changes in order; consecutive upserts of one entity go to the bulk writers together. */
  return function apply(changes: readonly PageItem[]): void {
    let i = 0;
    while (i < changes.length) {
      const c = changes[i]!;
      if (isPacked(c)) {
        w.packed[c[0]](c[2]);
        i++;
        continue;
      }
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
          case 'case':
            for (const s of del.case) s.run(c.key);
            break;
          case 'offerModel':
            deleteMeta(sqlite, OFFER_MODEL_KEY);
            break;
          default:
            del[c.entity].run(c.key);
        }
        i++;
        continue;
      }
      let j = i;
      for (; j < changes.length; j++) {
        const x = changes[j]!;
        if (isPacked(x) || x.op !== 'upsert' || x.entity !== c.entity) break;
      }
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
        case 'case':
          for (const x of run) upsertCase(x.data as EntityData['case']);
          break;
        case 'disposition':
          for (const x of run) {
            const d = x.data as EntityData['disposition'];
            dispositionUpsert.run(d.code, d.category, d.labelEn, d.labelIt, d.position, d.active ? 1 : 0);
          }
          break;
        case 'offerModel':
          upsertModel(run[run.length - 1]!.data as EntityData['offerModel']); // only the last one matters
          break;
      }
      i = j;
    }
  };
}

/**
 * Everything that came from the hub (a reset drops it before the fresh stream is applied).
 * Cases: only history pulled from the hub (origin 'hub') goes — the agent's own cases, pending
 * or delivered, are theirs and stay. Dispositions and the offer model are KEPT: the fresh
 * stream re-sends every code and the model the hub has published, and until then (or when the
 * hub never published any and runs on the shared defaults) the agent still has a working
 * picker and offers instead of an empty one.
 */
export function clearSynced(sqlite: Sqlite): void {
  for (const t of ['customer_search', 'customer_phones', 'purchases', 'accounts', 'credit_terms', 'products', 'customers']) {
    sqlite.prepare(`DELETE FROM ${t}`).run();
  }
  sqlite.prepare("DELETE FROM offer_outcomes WHERE case_id IN (SELECT case_id FROM cases WHERE origin = 'hub')").run();
  sqlite.prepare("DELETE FROM cases WHERE origin = 'hub'").run();
  sqlite.prepare('DELETE FROM customer_notes WHERE note_id NOT IN (SELECT json_extract(payload, \'$.noteId\') FROM outbox WHERE kind = \'customerNote.upsert\')').run();
}
