import { expect, it } from 'vitest';
import { flatten, unflatten } from './flat';
import type { FeedRecord } from './csv';

it('flat feed records come back identical (field for field, nulls kept); customers stay objects', () => {
  const purchases: FeedRecord<'purchases'>[] = [
    { line: 2, row: { orderId: 'O1', customerId: 'C1', sku: 'ESP-1', quantity: 2, amountMinor: 59800, currency: 'EUR', purchasedAt: '2026-01-01T00:00:00.000Z' } },
    { line: 4, row: { orderId: 'O2', customerId: 'C2', sku: 'CAP-50', quantity: 1, amountMinor: 1500, currency: 'CHF', purchasedAt: '2026-01-02T00:00:00.000Z' } },
  ];
  const accounts: FeedRecord<'accounts'>[] = [
    { line: 9, row: { customerId: 'C1', balanceMinor: -250, currency: 'EUR', overdueMinor: 0, oldestDueDate: null, lastPaymentAt: null, lastPaymentMinor: null } },
  ];
  const credit: FeedRecord<'credit'>[] = [
    { line: 3, row: { customerId: 'C1', creditLimitMinor: 500000, currency: 'EUR', paymentTerms: '60 days', status: 'hold', riskClass: 'C', reviewedAt: null } },
  ];
  const products: FeedRecord<'products'>[] = [
    { line: 2, row: { sku: 'ESP-1', name: 'Espresso "Uno"', category: 'machines', family: 'esp', tier: 1, priceMinor: 29900, currency: 'EUR', margin: 0.35 } },
  ];
  const trip = <K extends 'purchases' | 'accounts' | 'credit' | 'products'>(kind: K, recs: FeedRecord<K>[]) =>
    unflatten(kind, structuredClone(flatten(kind, recs)!));
  expect(trip('purchases', purchases)).toEqual(purchases);
  expect(trip('accounts', accounts)).toEqual(accounts);
  expect(trip('credit', credit)).toEqual(credit);
  expect(trip('products', products)).toEqual(products);
  expect(flatten('customers', [])).toBeNull();
});
