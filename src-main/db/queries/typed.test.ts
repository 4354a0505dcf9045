// The typed-statement helper: rows typed from the drizzle columns, and SQL that disagrees with
// the declared columns refused when prepared (not discovered in a pop).
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, expect, expectTypeOf, it } from 'vitest';
import { defaultMigrationsDir } from '../store';
import { creditTerms, customers, purchases } from '../schema';
import { computed, pluckStatement, rawStatement } from './typed';
import { preparePopQueries, type CreditRow, type PurchaseRow } from './pop';

const db = new Database(':memory:');
migrate(drizzle(db), { migrationsFolder: defaultMigrationsDir() });
db.exec(`INSERT INTO customers (customer_id, name, country) VALUES ('C1', 'Ada', 'IT');
  INSERT INTO credit_terms VALUES ('C1', 500000, 'EUR', '30 days', 'hold', 'B', NULL);
  INSERT INTO purchases VALUES ('O1', 'S1', 'C1', 2, 1250, 'EUR', '2025-01-01T00:00:00.000Z');`);
afterAll(() => db.close());

it('raw rows come back as arrays typed by the drizzle columns', () => {
  const s = rawStatement(db, 'SELECT c.customer_id, c.created_at, count(*) FROM customers c WHERE c.customer_id = ?',
    [customers.customerId, customers.createdAt, computed<number>()]);
  const row = s.get('C1');
  expectTypeOf(row).toEqualTypeOf<[string, string | null, number] | undefined>();
  expect(row).toEqual(['C1', null, 1]);
  const credit = rawStatement(db, 'SELECT status FROM credit_terms', [creditTerms.status]).get()!;
  expectTypeOf(credit[0]).toEqualTypeOf<'ok' | 'watch' | 'hold' | 'blocked'>();
});

it('plucked values are typed by their column', () => {
  const s = pluckStatement(db, 'SELECT amount_minor FROM purchases WHERE customer_id = ?', purchases.amountMinor);
  expectTypeOf(s.all('C1')).toEqualTypeOf<number[]>();
  expect(s.all('C1')).toEqual([1250]);
});

it('refuses SQL whose result columns are not the declared ones', () => {
  expect(() => rawStatement(db, 'SELECT name, customer_id FROM customers', [customers.customerId, customers.name]))
    .toThrow(/result column 1 \(name\) is customers.name, declared customers.customer_id/);
  expect(() => rawStatement(db, 'SELECT customer_id FROM customers', [customers.customerId, customers.name])).toThrow(/returns 1 columns, 2 declared/);
  expect(() => pluckStatement(db, 'SELECT count(*) FROM purchases', purchases.quantity)).toThrow(/is computed, declared purchases.quantity/);
  // a computed column accepts whatever the SQL computes
  expect(pluckStatement(db, 'SELECT count(*) FROM purchases', computed<number>()).get()).toBe(1);
});

it("the pop's statements prepare against the migrated store, their rows typed from the schema", () => {
  const q = preparePopQueries(db);
  expectTypeOf<PurchaseRow>().toEqualTypeOf<[string, string, number, number, string, string]>();
  expectTypeOf<CreditRow[3]>().toEqualTypeOf<'ok' | 'watch' | 'hold' | 'blocked'>();
  expect(q.purchases.all('C1')).toEqual([['O1', 'S1', 2, 1250, 'EUR', '2025-01-01T00:00:00.000Z']]);
  expect(q.credit.get('C1')).toEqual([500000, 'EUR', '30 days', 'hold', 'B', null]);
});
