// The hub's master tables against the one definition of the bulk entities
// (src-shared/entities/fields.ts): a column per field, named by it. No database needed.
import { getTableColumns } from 'drizzle-orm';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { accounts, creditTerms, customers, products, purchases } from './schema';
import { ACCOUNT_FIELDS, CREDIT_FIELDS, CUSTOMER_FIELDS, PRODUCT_FIELDS, PURCHASE_FIELDS, storeColumn, type Fields } from '../../src-shared/entities/fields';
import type { AccountRow, ProductRow, PurchaseRow } from '../../src-shared/feeds/spec';

const pairs = (table: Parameters<typeof getTableColumns>[0]) => Object.entries(getTableColumns(table)).map(([k, c]) => [k, c.name]).sort();
const expected = (fields: Fields) => Object.keys(fields).map((k) => [k, storeColumn(k)]).sort();

describe('hub master tables', () => {
  it('have one column per entity field, named by it', () => {
    expect(pairs(customers)).toEqual(expected(CUSTOMER_FIELDS));
    expect(pairs(products)).toEqual(expected(PRODUCT_FIELDS));
    expect(pairs(purchases)).toEqual(expected(PURCHASE_FIELDS));
    expect(pairs(accounts)).toEqual(expected(ACCOUNT_FIELDS));
    expect(pairs(creditTerms)).toEqual(expected(CREDIT_FIELDS));
  });

  it('read back as the entity rows (customers: phones as jsonb; credit: status checked in SQL)', () => {
    expectTypeOf<typeof products.$inferSelect>().toEqualTypeOf<ProductRow>();
    expectTypeOf<typeof purchases.$inferSelect>().toEqualTypeOf<PurchaseRow>();
    expectTypeOf<typeof accounts.$inferSelect>().toEqualTypeOf<AccountRow>();
  });
});
