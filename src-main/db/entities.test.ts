// The desktop's copies of the bulk entities against their one definition
// (src-shared/entities/fields.ts): the drizzle tables (names and row types), and the writers
// that import feeds and apply the sync (each field lands in its own column, packed or not).
import { getTableColumns } from 'drizzle-orm';
import { afterEach, expect, expectTypeOf, it } from 'vitest';
import { openStore } from './store';
import { accounts, creditTerms, customerPhones, customers, products, purchases } from './schema';
import { makeWriters } from '../services/import/writers';
import { tempDir } from '../../test-support/desktop/fixtures';
import { ACCOUNT_FIELDS, CREDIT_FIELDS, CUSTOMER_FIELDS, PRODUCT_FIELDS, PURCHASE_FIELDS, PhoneData, storeColumn, type Fields } from '../../src-shared/entities/fields';
import type { AccountRow, CreditRow, CustomerRow, FeedRows, ProductRow, PurchaseRow } from '../../src-shared/feeds/spec';
import { FLAT_FIELDS } from '../../src-shared/feeds/node/flat';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).reverse().forEach((c) => c()));

const columnsOf = (table: Parameters<typeof getTableColumns>[0]) => Object.values(getTableColumns(table)).map((c) => c.name);
const storeColumns = (fields: Fields, except: string[] = []) => Object.keys(fields).filter((k) => !except.includes(k)).map(storeColumn);
const sorted = (a: string[]) => [...a].sort();

it('the drizzle tables have a column per field (customers: plus the FTS rowid; phones in their own table)', () => {
  expect(columnsOf(customers)).toEqual(['id', ...storeColumns(CUSTOMER_FIELDS, ['phones'])]);
  expect(columnsOf(customerPhones)).toEqual(['customer_id', ...Object.keys(PhoneData.shape), 'position']);
  expect(sorted(columnsOf(products))).toEqual(sorted(storeColumns(PRODUCT_FIELDS)));
  expect(sorted(columnsOf(purchases))).toEqual(sorted(storeColumns(PURCHASE_FIELDS)));
  expect(sorted(columnsOf(accounts))).toEqual(sorted(storeColumns(ACCOUNT_FIELDS)));
  expect(sorted(columnsOf(creditTerms))).toEqual(sorted(storeColumns(CREDIT_FIELDS)));
  // the drizzle field names are the entity's field names
  expect(sorted(Object.keys(getTableColumns(purchases)))).toEqual(sorted(Object.keys(PURCHASE_FIELDS)));
});

it("the drizzle row types are the entities' row types", () => {
  expectTypeOf<Omit<typeof customers.$inferSelect, 'id'>>().toEqualTypeOf<Omit<CustomerRow, 'phones' | 'searchPhones'>>();
  expectTypeOf<typeof products.$inferSelect>().toEqualTypeOf<ProductRow>();
  expectTypeOf<typeof purchases.$inferSelect>().toEqualTypeOf<PurchaseRow>();
  expectTypeOf<typeof accounts.$inferSelect>().toEqualTypeOf<AccountRow>();
  expectTypeOf<typeof creditTerms.$inferSelect>().toEqualTypeOf<CreditRow>();
});

// One row per entity with a distinct value in every field (a new field must be added here: the types say so).
const rows: { [K in keyof FeedRows]: FeedRows[K] } = {
  customers: {
    customerId: 'C1', name: 'Ada', company: 'ACME', email: 'ada@example.it', segment: 'smb', region: 'Nord', country: 'IT',
    phones: [{ e164: '+390212345678', label: 'office', raw: '02 1234 5678' }], createdAt: '2024-01-01T00:00:00.000Z',
  },
  products: { sku: 'S1', name: 'Widget', category: 'tools', family: 'w', tier: 2, priceMinor: 1999, currency: 'EUR', margin: 0.25 },
  purchases: { orderId: 'O1', customerId: 'C1', sku: 'S1', quantity: 3, amountMinor: 5997, currency: 'EUR', purchasedAt: '2025-01-02T00:00:00.000Z' },
  accounts: {
    customerId: 'C1', balanceMinor: 1200, currency: 'EUR', overdueMinor: 300, oldestDueDate: '2025-02-01',
    lastPaymentAt: '2025-03-01T00:00:00.000Z', lastPaymentMinor: 450,
  },
  credit: { customerId: 'C1', creditLimitMinor: 500000, currency: 'EUR', paymentTerms: '30 days', status: 'hold', riskClass: 'B', reviewedAt: '2025-04-01T00:00:00.000Z' },
};
const TABLE = { customers: 'customers', products: 'products', purchases: 'purchases', accounts: 'accounts', credit: 'credit_terms' } as const;

function stored(sqlite: ReturnType<typeof openStore>['sqlite'], feed: keyof FeedRows): Record<string, unknown> {
  return sqlite.prepare(`SELECT * FROM ${TABLE[feed]}`).get() as Record<string, unknown>;
}

function expectEveryField(sqlite: ReturnType<typeof openStore>['sqlite'], feed: keyof FeedRows): void {
  const got = stored(sqlite, feed);
  for (const [k, v] of Object.entries(rows[feed])) if (k !== 'phones') expect(got[storeColumn(k)], `${feed}.${k}`).toEqual(v);
}

it('the writers (feed import and sync) store every field in its column', () => {
  const t = tempDir();
  const s = openStore(t.dir);
  cleanups.push(t.cleanup, () => s.close());
  const w = makeWriters(s.sqlite);
  w.products([{ line: 2, row: rows.products }]);
  w.customers([{ line: 2, row: rows.customers }]);
  w.purchases([{ line: 2, row: rows.purchases }]);
  w.accounts([{ line: 2, row: rows.accounts }]);
  w.credit([{ line: 2, row: rows.credit }]);
  for (const feed of Object.keys(TABLE) as (keyof FeedRows)[]) expectEveryField(s.sqlite, feed);
  expect(s.sqlite.prepare('SELECT e164, label, raw FROM customer_phones').all()).toEqual(rows.customers.phones);
});

it('the packed writers (sync pages) store every field in its column, values in FLAT_FIELDS order', () => {
  const t = tempDir();
  const s = openStore(t.dir);
  cleanups.push(t.cleanup, () => s.close());
  const w = makeWriters(s.sqlite);
  const flat = <K extends keyof typeof FLAT_FIELDS>(feed: K) => FLAT_FIELDS[feed].map((f) => (rows[feed] as Record<string, unknown>)[f]);
  w.packed.purchase(flat('purchases'));
  w.packed.account(flat('accounts'));
  w.packed.credit(flat('credit'));
  for (const feed of ['purchases', 'accounts', 'credit'] as const) {
    expect(sorted([...FLAT_FIELDS[feed]]), feed).toEqual(sorted(Object.keys(rows[feed])));
    expectEveryField(s.sqlite, feed);
  }
});
