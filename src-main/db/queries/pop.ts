// The hot path: every statement of the pop, prepared once per connection. Raw (array) rows and
// pluck where it matters: measured here, object rows and per-call query building cost 4-5x.
// Typed through typed.ts, which costs nothing per call (a column check when prepared).
import type { Sqlite } from '../sqlite';
import { accounts, creditTerms, customerPhones, customers, meta, products, purchases } from '../schema';
import { SNAPSHOT_APPLY_KEY } from './meta';
import { computed, pluckStatement, rawStatement, type RowOf } from './typed';

export const POP_PURCHASES = 50;

// Row types from the drizzle schema (typed.ts): each list names the result columns in SELECT order.
const CANDIDATE = [customers.customerId, customers.name, customers.company, customers.country, computed<string | null>()] as const;
const CUSTOMER = [customers.customerId, customers.name, customers.company, customers.email, customers.segment, customers.region, customers.country] as const;
const ACCOUNT = [accounts.balanceMinor, accounts.currency, accounts.overdueMinor, accounts.oldestDueDate, accounts.lastPaymentAt, accounts.lastPaymentMinor] as const;
const CREDIT = [creditTerms.creditLimitMinor, creditTerms.currency, creditTerms.paymentTerms, creditTerms.status, creditTerms.riskClass, creditTerms.reviewedAt] as const;
const PURCHASE = [purchases.orderId, purchases.sku, purchases.quantity, purchases.amountMinor, purchases.currency, purchases.purchasedAt] as const;
// totals is read only for a customer with more purchases than shown: sum, first and last are never NULL there.
const TOTALS = [computed<number>(), computed<number | null>(), computed<number>(), computed<string>(), computed<string>()] as const;

/** [customerId, name, company, country, lastPurchaseAt] */
export type CandidateRow = RowOf<typeof CANDIDATE>;
/** [customerId, name, company, email, segment, region, country] */
export type CustomerRow = RowOf<typeof CUSTOMER>;
/** [balance, currency, overdue, oldestDue, lastPaymentAt, lastPaymentMinor] */
export type AccountRow = RowOf<typeof ACCOUNT>;
/** [limit, currency, terms, status, risk, reviewedAt] */
export type CreditRow = RowOf<typeof CREDIT>;
/** [orderId, sku, quantity, amountMinor, currency, purchasedAt] */
export type PurchaseRow = RowOf<typeof PURCHASE>;
/** [sum, last12, count, first, last] */
export type TotalsRow = RowOf<typeof TOTALS>;

export function preparePopQueries(sqlite: Sqlite) {
  return {
    /** The bare indexed phone lookup (also what the benchmark compares against). */
    customerIdsByPhone: pluckStatement(sqlite, 'SELECT customer_id FROM customer_phones WHERE e164 = ?', customerPhones.customerId),
    /** Candidates for a number, most recent buyer first (a switchboard shared by a company). */
    candidatesByPhone: rawStatement(sqlite, `
      SELECT c.customer_id, c.name, c.company, c.country,
        (SELECT max(purchased_at) FROM purchases p WHERE p.customer_id = c.customer_id) AS last
      FROM customer_phones ph JOIN customers c ON c.customer_id = ph.customer_id
      WHERE ph.e164 = ?
      ORDER BY last IS NULL, last DESC, c.customer_id`, CANDIDATE),
    /** The same without the last-purchase column: while the purchase index is being built (initial sync). */
    candidatesByPhoneNoHistory: rawStatement(sqlite, `
      SELECT c.customer_id, c.name, c.company, c.country, NULL AS last
      FROM customer_phones ph JOIN customers c ON c.customer_id = ph.customer_id
      WHERE ph.e164 = ?
      ORDER BY c.customer_id`, CANDIDATE),
    /**
     * Read on every pop, in one statement: the schema version (moves whenever an index is dropped
     * or created) and whether an initial sync is copying a hub snapshot in (its purchases come
     * last: the history is incomplete until the copy ends).
     */
    historyState: rawStatement(sqlite, 'SELECT schema_version, (SELECT 1 FROM meta WHERE key = ?) FROM pragma_schema_version',
      [computed<number>(), computed<1 | null>()]).bind(SNAPSHOT_APPLY_KEY),
    historyIndex: pluckStatement(sqlite, "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'purchases_customer_time'", computed<1>()),
    // Three single-key reads rather than one LEFT JOIN: on freshly imported stores the join
    // measured 2-3x slower than the three statements together (70 vs 30 µs at p50, 200k customers).
    customer: rawStatement(sqlite, 'SELECT customer_id, name, company, email, segment, region, country FROM customers WHERE customer_id = ?', CUSTOMER),
    account: rawStatement(sqlite, `
      SELECT balance_minor, currency, overdue_minor, oldest_due_date, last_payment_at, last_payment_minor
      FROM accounts WHERE customer_id = ?`, ACCOUNT),
    credit: rawStatement(sqlite, `
      SELECT credit_limit_minor, currency, payment_terms, status, risk_class, reviewed_at
      FROM credit_terms WHERE customer_id = ?`, CREDIT),
    phones: rawStatement(sqlite, 'SELECT e164, label FROM customer_phones WHERE customer_id = ? ORDER BY position', [customerPhones.e164, customerPhones.label]),
    /** One more than shown: if it fits, totals are summed from these rows without another query. Read from the covering index alone. */
    purchases: rawStatement(sqlite, `
      SELECT order_id, sku, quantity, amount_minor, currency, purchased_at
      FROM purchases
      WHERE customer_id = ?
      ORDER BY purchased_at DESC, order_id DESC
      LIMIT ${POP_PURCHASES + 1}`, PURCHASE),
    /** Bumped by triggers on every write to products (migration 0005): reload the names when it moves. */
    productsVersion: pluckStatement(sqlite, "SELECT value FROM meta WHERE key = 'products_version'", meta.value),
    productNames: rawStatement(sqlite, 'SELECT sku, name FROM products', [products.sku, products.name]),
    totals: rawStatement(sqlite, `
      SELECT sum(amount_minor), sum(CASE WHEN purchased_at >= ? THEN amount_minor END), count(DISTINCT order_id),
        min(purchased_at), max(purchased_at)
      FROM purchases WHERE customer_id = ?`, TOTALS),
  };
}

export type PopQueries = ReturnType<typeof preparePopQueries>;
