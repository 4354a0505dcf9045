// Customer search for the agent (unknown caller, Ctrl+K): a phone number in any format goes
// straight to the phone index; anything else is a prefix full-text query over name, company,
// email, customer id and phone digits (FTS5, diacritics folded: "nicolo" finds "Niccolò").
import type { Sqlite } from '../db/store';
import { customerPhones, customers } from '../db/schema';
import { computed, rawStatement, type RowOf } from '../db/queries/typed';
import { toE164, type Region } from '../../src-shared/phone/normalize';
import type { SearchHit } from '../../src-shared/pop/schema';

const HIT = [customers.customerId, customers.name, customers.company, customers.email, customers.country] as const;
/** byPhone's phone is the matched customer_phones.e164; the others' is FIRST_PHONE (a subquery). */
const BY_PHONE = [...HIT, customerPhones.e164] as const;
const BY_TEXT = [...HIT, computed<string | null>()] as const;
type HitRow = RowOf<typeof BY_TEXT>;

const FIRST_PHONE = '(SELECT e164 FROM customer_phones p WHERE p.customer_id = c.customer_id ORDER BY position LIMIT 1)';

export class SearchService {
  private byPhone;
  private byText;
  private byId;

  constructor(sqlite: Sqlite, private region: Region) {
    this.byPhone = rawStatement(sqlite, `
      SELECT c.customer_id, c.name, c.company, c.email, c.country, ph.e164
      FROM customer_phones ph JOIN customers c ON c.customer_id = ph.customer_id
      WHERE ph.e164 = ? LIMIT ?`, BY_PHONE);
    this.byText = rawStatement(sqlite, `
      SELECT c.customer_id, c.name, c.company, c.email, c.country, ${FIRST_PHONE}
      FROM customer_search s JOIN customers c ON c.id = s.rowid
      WHERE customer_search MATCH ?
      ORDER BY bm25(customer_search, 10.0, 5.0, 3.0, 8.0, 2.0)
      LIMIT ?`, BY_TEXT);
    this.byId = rawStatement(sqlite, `
      SELECT c.customer_id, c.name, c.company, c.email, c.country, ${FIRST_PHONE}
      FROM customers c WHERE c.customer_id = ? COLLATE NOCASE`, BY_TEXT);
  }

  search(query: string, limit = 20): SearchHit[] {
    const q = query.trim();
    if (!q) return [];
    const rows: HitRow[] = [];
    const e164 = /\d{5,}/.test(q.replace(/\D/g, '')) && !/[a-z@]/i.test(q) ? toE164(q, this.region) : null;
    if (e164) rows.push(...this.byPhone.all(e164, limit));
    rows.push(...this.byId.all(q));
    const match = ftsQuery(q);
    if (match) rows.push(...this.byText.all(match, limit));
    const seen = new Set<string>();
    const hits: SearchHit[] = [];
    for (const [customerId, name, company, email, country, phone] of rows) {
      if (seen.has(customerId)) continue;
      seen.add(customerId);
      hits.push({ customerId, name, company, email, country, phone });
      if (hits.length >= limit) break;
    }
    return hits;
  }
}

/**
 * User text → FTS5 query: every word becomes a quoted prefix term, all must match. Quoting makes
 * FTS syntax characters in customer-typed text inert (no query injection, no syntax errors).
 */
export function ftsQuery(text: string): string | null {
  const words = text.normalize('NFC').match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  return words.slice(0, 8).map((w) => `"${w}"*`).join(' ');
}
