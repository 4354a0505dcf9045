// The hot path: every statement of the pop, prepared once per connection. Raw (array) rows and
// pluck where it matters: measured here, object rows and per-call query building cost 4-5x.
import type { Sqlite } from '../store';

export const POP_PURCHASES = 50;

export type CandidateRow = [customerId: string, name: string, company: string, country: string, lastPurchaseAt: string | null];
export type CustomerRow = [
  customerId: string, name: string, company: string, email: string, segment: string, region: string, country: string,
  balance: number | null, accCurrency: string | null, overdue: number | null, oldestDue: string | null,
  lastPaymentAt: string | null, lastPaymentMinor: number | null,
  limit: number | null, crCurrency: string | null, terms: string | null, status: string | null,
  risk: string | null, reviewedAt: string | null,
];
export type PurchaseRow = [orderId: string, sku: string, quantity: number, amountMinor: number, currency: string, purchasedAt: string];
export type TotalsRow = [sum: number | null, last12: number | null, count: number, first: string | null, last: string | null];

export function preparePopQueries(sqlite: Sqlite) {
  return {
    /** The bare indexed phone lookup (also what the benchmark compares against). */
    customerIdsByPhone: sqlite.prepare('SELECT customer_id FROM customer_phones WHERE e164 = ?').pluck(),
    /** Candidates for a number, most recent buyer first (a switchboard shared by a company). */
    candidatesByPhone: sqlite.prepare(`
      SELECT c.customer_id, c.name, c.company, c.country,
        (SELECT max(purchased_at) FROM purchases p WHERE p.customer_id = c.customer_id) AS last
      FROM customer_phones ph JOIN customers c ON c.customer_id = ph.customer_id
      WHERE ph.e164 = ?
      ORDER BY last IS NULL, last DESC, c.customer_id`).raw(),
    customer: sqlite.prepare(`
      SELECT c.customer_id, c.name, c.company, c.email, c.segment, c.region, c.country,
        a.balance_minor, a.currency, a.overdue_minor, a.oldest_due_date, a.last_payment_at, a.last_payment_minor,
        t.credit_limit_minor, t.currency, t.payment_terms, t.status, t.risk_class, t.reviewed_at
      FROM customers c
      LEFT JOIN accounts a ON a.customer_id = c.customer_id
      LEFT JOIN credit_terms t ON t.customer_id = c.customer_id
      WHERE c.customer_id = ?`).raw(),
    phones: sqlite.prepare('SELECT e164, label FROM customer_phones WHERE customer_id = ? ORDER BY position').raw(),
    /** One more than shown: if it fits, totals are summed from these rows without another query. Read from the covering index alone. */
    purchases: sqlite.prepare(`
      SELECT order_id, sku, quantity, amount_minor, currency, purchased_at
      FROM purchases
      WHERE customer_id = ?
      ORDER BY purchased_at DESC, order_id DESC
      LIMIT ${POP_PURCHASES + 1}`).raw(),
    /** Bumped by triggers on every write to products (migration 0005): reload the names when it moves. */
    productsVersion: sqlite.prepare("SELECT value FROM meta WHERE key = 'products_version'").pluck(),
    productNames: sqlite.prepare('SELECT sku, name FROM products').raw(),
    totals: sqlite.prepare(`
      SELECT sum(amount_minor), sum(CASE WHEN purchased_at >= ? THEN amount_minor END), count(DISTINCT order_id),
        min(purchased_at), max(purchased_at)
      FROM purchases WHERE customer_id = ?`).raw(),
  };
}

export type PopQueries = ReturnType<typeof preparePopQueries>;
