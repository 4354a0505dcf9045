// The worker's packed page must write exactly what the change lines it packs would write.
import { afterEach, expect, it } from 'vitest';
import { openStore, type Store } from '../../db/store';
import { tempDir } from '../../../test-support/desktop/fixtures';
import { makeApplier } from './apply';
import { isPacked, packPage, type PageItem } from './packed';
import { purchaseKey, type ChangeLine, type EntityData } from '../../../src-shared/sync/protocol';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).reverse().forEach((c) => c()));

function store(): Store {
  const t = tempDir();
  const s = openStore(t.dir);
  cleanups.push(t.cleanup, () => s.close());
  return s;
}

function dump(s: Store): unknown {
  const q = (sql: string) => s.sqlite.prepare(sql).raw().all();
  return [
    q('SELECT * FROM customers ORDER BY id'),
    q('SELECT * FROM customer_phones ORDER BY customer_id, position'),
    q('SELECT rowid, * FROM customer_search ORDER BY rowid'),
    q('SELECT * FROM purchases ORDER BY order_id, sku'),
    q('SELECT * FROM accounts ORDER BY customer_id'),
    q('SELECT * FROM credit_terms ORDER BY customer_id'),
    q('SELECT sku, name FROM products ORDER BY sku'),
  ];
}

let seq = 0;
const up = <E extends keyof EntityData>(entity: E, key: string, data: EntityData[E]): ChangeLine => ({ seq: ++seq, entity, op: 'upsert', key, data }) as ChangeLine;
const del = (entity: ChangeLine['entity'], key: string): ChangeLine => ({ seq: ++seq, entity, op: 'delete', key });
const customer = (id: string, phones: [string, string][], name = `Name ${id}`): EntityData['customer'] => ({
  customerId: id, name, company: 'ACME S.p.A.', email: `${id.toLowerCase()}@example.it`, segment: 'smb', region: 'Nord-Ovest',
  country: 'IT', createdAt: '2024-01-01T00:00:00.000Z', phones: phones.map(([e164, raw]) => ({ e164, label: 'office', raw })),
});
const purchase = (orderId: string, customerId: string, sku: string, amountMinor: number): EntityData['purchase'] => ({
  orderId, customerId, sku, quantity: 2, amountMinor, currency: 'EUR', purchasedAt: '2025-05-01T10:00:00.000Z',
});
const account = (customerId: string, balanceMinor: number): EntityData['account'] => ({
  customerId, balanceMinor, currency: 'EUR', overdueMinor: 500, oldestDueDate: '2025-01-31', lastPaymentAt: null, lastPaymentMinor: null,
});
const credit = (customerId: string, status: EntityData['credit']['status']): EntityData['credit'] => ({
  customerId, creditLimitMinor: 1_000_000, currency: 'EUR', paymentTerms: '30 days', status, riskClass: 'B', reviewedAt: '2025-02-01T00:00:00.000Z',
});

it('a packed page writes the same store as its change lines, in the same order (deletes and re-upserts between runs)', () => {
  const changes: ChangeLine[] = [
    up('product', 'SKU-1', { sku: 'SKU-1', name: 'Capsule 50', category: 'coffee', family: 'caps', tier: 1, priceMinor: 1500, currency: 'EUR', margin: 0.3 }),
    up('customer', 'C1', customer('C1', [['+390287654321', '02 8765 4321'], ['+393471234567', '347 123 4567']])),
    up('customer', 'C2', customer('C2', [['+4930123456', '+49 (0)30 123456']], '<img src=x onerror=alert(1)>')),
    up('purchase', purchaseKey('O1', 'SKU-1'), purchase('O1', 'C1', 'SKU-1', 3000)),
    up('purchase', purchaseKey('O2', 'SKU-1'), purchase('O2', 'C2', 'SKU-1', 4500)),
    del('purchase', purchaseKey('O1', 'SKU-1')),
    up('purchase', purchaseKey('O1', 'SKU-1'), purchase('O1', 'C1', 'SKU-1', 3100)),
    up('account', 'C1', account('C1', 12_345)),
    up('account', 'C2', account('C2', -500)),
    up('credit', 'C1', credit('C1', 'hold')),
    up('customer', 'C1', customer('C1', [['+390287654321', '02 8765 4321']], 'Renamed')),
    up('credit', 'C2', credit('C2', 'ok')),
    del('customer', 'C2'),
  ];
  const lines = changes.map((c) => JSON.stringify(c));
  const packed = JSON.parse(packPage(changes, lines)) as PageItem[];
  // purchases, accounts and credit travel as flat runs; the rest as lines
  expect(packed.filter(isPacked).map((r) => [r[0], r[1]])).toEqual([['purchase', 2], ['purchase', 1], ['account', 2], ['credit', 1], ['credit', 1]]);

  const a = store();
  const b = store();
  a.sqlite.transaction(() => makeApplier(a.sqlite)(changes))();
  b.sqlite.transaction(() => makeApplier(b.sqlite)(packed))();
  expect(dump(b)).toEqual(dump(a));
  expect(b.sqlite.prepare("SELECT amount_minor FROM purchases WHERE order_id = 'O1'").pluck().get()).toBe(3100);
  // the search text computed in the worker finds the customer by national digits
  expect(b.sqlite.prepare("SELECT rowid FROM customer_search WHERE customer_search MATCH '0287654321'").pluck().all()).toHaveLength(1);
});
