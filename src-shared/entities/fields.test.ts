// The copies of the bulk entities that src-shared still spells out, checked against their one
// definition (fields.ts): the feed readers, the packed order, the snapshot's store tables.
import { describe, expect, it } from 'vitest';
import { ACCOUNT_FIELDS, CREDIT_FIELDS, CUSTOMER_FIELDS, PRODUCT_FIELDS, PURCHASE_FIELDS, PhoneData, storeColumn, type Fields } from './fields';
import { FEED_COLUMNS, FEED_FIELDS, FEED_KINDS, readers, type FeedKind } from '../feeds/spec';
import { FLAT_FIELDS } from '../feeds/node/flat';
import { SNAPSHOT_TABLES } from '../sync/snapshot';
import { EntityData } from '../sync/protocol';

describe('one field list per entity', () => {
  it('gives the feed columns (the public CSV format, unchanged)', () => {
    expect(FEED_COLUMNS).toEqual({
      customers: ['customer_id', 'name', 'company', 'email', 'segment', 'region', 'country', 'phones', 'created_at'],
      products: ['sku', 'name', 'category', 'family', 'tier', 'price', 'currency', 'margin'],
      purchases: ['order_id', 'customer_id', 'sku', 'quantity', 'amount', 'currency', 'purchased_at'],
      accounts: ['customer_id', 'balance', 'currency', 'overdue_amount', 'oldest_due_date', 'last_payment_at', 'last_payment_amount'],
      credit: ['customer_id', 'credit_limit', 'currency', 'payment_terms', 'status', 'risk_class', 'reviewed_at'],
    });
  });

  it('gives the sync wire shapes', () => {
    const wire = { customers: EntityData.customer, products: EntityData.product, purchases: EntityData.purchase, accounts: EntityData.account, credit: EntityData.credit };
    for (const k of FEED_KINDS) expect(Object.keys(wire[k].shape), k).toEqual(Object.keys(FEED_FIELDS[k]));
  });

  it('the feed readers read exactly the feed columns and fill exactly the fields', () => {
    for (const k of FEED_KINDS) {
      const read = new Set<string>();
      // a valid country, so the customer reader goes on to read the phones in it
      const rec = new Proxy({} as Record<string, string>, { get: (_, col: string) => (read.add(col), col === 'country' ? 'IT' : '') });
      const { row } = readers[k](rec);
      expect([...read].sort(), k).toEqual([...FEED_COLUMNS[k]].sort());
      expect(Object.keys(row).sort(), k).toEqual(Object.keys(FEED_FIELDS[k]).sort());
    }
  });

  it("the packed order (FLAT_FIELDS) lists every field once, in the store table's column order", () => {
    const table = { products: 'products', purchases: 'purchases', accounts: 'accounts', credit: 'credit_terms' } as const;
    for (const k of Object.keys(FLAT_FIELDS) as (keyof typeof FLAT_FIELDS)[]) {
      expect([...FLAT_FIELDS[k]].sort(), k).toEqual(Object.keys(FEED_FIELDS[k as FeedKind]).sort());
      expect(FLAT_FIELDS[k].map(storeColumn), k).toEqual(Object.keys(SNAPSHOT_TABLES[table[k]]));
    }
  });

  it("the snapshot's store tables have a column per field", () => {
    const cols = (f: Fields, except: string[] = []) => Object.keys(f).filter((k) => !except.includes(k)).map(storeColumn).sort();
    const of = (t: keyof typeof SNAPSHOT_TABLES, except: string[] = []) => Object.keys(SNAPSHOT_TABLES[t]).filter((c) => !except.includes(c)).sort();
    expect(of('customers', ['id'])).toEqual(cols(CUSTOMER_FIELDS, ['phones']));
    expect(of('customer_phones', ['customer_id', 'position'])).toEqual(Object.keys(PhoneData.shape).sort());
    expect(of('products')).toEqual(cols(PRODUCT_FIELDS));
    expect(of('purchases')).toEqual(cols(PURCHASE_FIELDS));
    expect(of('accounts')).toEqual(cols(ACCOUNT_FIELDS));
    expect(of('credit_terms')).toEqual(cols(CREDIT_FIELDS));
  });
});
