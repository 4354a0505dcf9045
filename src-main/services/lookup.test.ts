import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, openConnection, type Store } from '../db/store';
import { Importer } from './import/importer';
import { LookupService } from './lookup';
import { SearchService } from './search';
import { LookupResult } from '../../src-shared/pop/schema';
import { writeFixtures, tempDir } from '../../test-support/desktop/fixtures';
import { deferIndexes, finishDeferredIndexes } from '../db/queries/indexes';

let store: Store;
let lookup: LookupService;
let search: SearchService;
const cleanups: (() => void)[] = [];
const NOW = Date.parse('2026-11-22T12:00:00Z');

beforeAll(async () => {
  const fx = writeFixtures();
  const t = tempDir();
  store = openStore(t.dir);
  const conn = openConnection(store);
  const problems: string[] = [];
  await new Importer(conn).importFiles(Object.values(fx.files), { onProblem: (_f, p) => problems.push(p.reason) });
  expect(problems).toEqual([]);
  conn.close();
  lookup = new LookupService(store.sqlite, 'IT', () => NOW);
  search = new SearchService(store.sqlite, 'IT');
  cleanups.push(fx.cleanup, t.cleanup);
});
afterAll(() => {
  store.close();
  cleanups.forEach((c) => c());
});

describe('match rules', () => {
  it.each([
    ['+39 347 123 4567', 'single', '+393471234567'],
    ['3471234567', 'single', '+393471234567'],
    ['sip:+393471234567@pbx;user=phone', 'single', '+393471234567'],
    ['tel:+39-347-123-4567', 'single', '+393471234567'],
    ['02 8765 4321', 'multiple', '+390287654321'],
    ['0039 02 8765 4321', 'multiple', '+390287654321'],
    ['06 9999 9999', 'none', '+390699999999'],
    ['anonymous', 'withheld', null],
    ['Anonymous', 'withheld', null],
    ['', 'withheld', null],
    ['unknown', 'withheld', null],
    ['restricted', 'withheld', null],
    ['not a number', 'invalid', null],
    ['sip:alice@example.com', 'invalid', null],
  ])('%j → %s', (identity, match, normalized) => {
    const r = lookup.lookup(identity);
    expect(LookupResult.parse(r)).toEqual(r);
    expect(r.query).toBe(identity);
    expect(r.match).toBe(match);
    expect(r.normalized).toBe(normalized);
    if (match !== 'single') expect(r.pop).toBeNull();
    if (match === 'none' || match === 'withheld' || match === 'invalid') expect(r.candidates).toEqual([]);
  });

  it('uses the default region for national numbers and honours an explicit one', () => {
    expect(lookup.lookup('030 1234567').match).not.toBe('single');
    expect(lookup.lookup('030 1234567', 'DE').pop?.customer.customerId).toBe('C3');
    expect(lookup.lookup('(212) 555-0147', 'US').pop?.customer.customerId).toBe('C4');
    expect(lookup.lookup('+1 212 555 0147').pop?.customer.customerId).toBe('C4');
  });

  it('orders candidates of a shared number by most recent purchase', () => {
    const r = lookup.lookup('0287654321');
    expect(r.candidates.map((c) => c.customerId)).toEqual(['C1', 'C2']);
    expect(r.candidates[0]).toMatchObject({ name: 'Mario Rossi', company: 'Rossi Impianti S.r.l.', lastPurchaseAt: '2026-09-01T12:00:00.000Z' });
  });
});

describe('pop assembly', () => {
  it('joins customer, phones, account, credit, purchases and totals', () => {
    const r = lookup.lookup('+393471234567');
    expect(r.candidates).toEqual([{ customerId: 'C1', name: 'Mario Rossi', company: 'Rossi Impianti S.r.l.', country: 'IT', lastPurchaseAt: '2026-09-01T12:00:00.000Z' }]);
    const pop = r.pop!;
    expect(pop.customer).toEqual({
      customerId: 'C1', name: 'Mario Rossi', company: 'Rossi Impianti S.r.l.', email: 'mario@rossi.it',
      segment: 'smb', region: 'Nord-Ovest', country: 'IT',
      phones: [{ e164: '+393471234567', label: 'mobile' }, { e164: '+390287654321', label: 'switchboard' }],
    });
    expect(pop.account).toEqual({
      balance: 1250.5, currency: 'EUR', overdueAmount: 300, oldestDueDate: '2026-08-15',
      lastPaymentAt: '2026-10-01T10:00:00.000Z', lastPaymentAmount: 200,
    });
    // available = limit − balance, negative here
    expect(pop.credit).toEqual({
      creditLimit: 1000, currency: 'EUR', available: -250.5, paymentTerms: '30 days', status: 'watch',
      riskClass: 'C', reviewedAt: '2026-06-01T00:00:00.000Z',
    });
    expect(pop.purchases.map((p) => p.orderId)).toEqual(['O3', 'O2', 'O1']);
    expect(pop.purchases[1]).toEqual({ orderId: 'O2', sku: 'CAP-50', productName: 'Capsules, 50 pack', quantity: 3, amount: 59.7, currency: 'EUR', purchasedAt: '2024-05-01T06:30:00.000Z' });
    expect(pop.totals).toEqual({
      lifetimeValue: 957.7, last12Months: 599, orderCount: 3,
      firstPurchaseAt: '2023-03-10T10:00:00.000Z', lastPurchaseAt: '2026-09-01T12:00:00.000Z', currency: 'EUR',
    });
  });

  it('while a first sync builds the purchase index (set aside by another connection), the pop says its history is pending', () => {
    const conn = openConnection(store);
    const [create] = deferIndexes(conn, ['purchases_customer_time']);
    try {
      const pop = lookup.lookup('+393471234567').pop!;
      expect(pop.customer.customerId).toBe('C1');
      expect(pop.account?.balance).toBe(1250.5);
      expect(pop).toMatchObject({ historyPending: true, purchases: [], offers: [] });
      expect(pop.totals).toMatchObject({ orderCount: 0, lastPurchaseAt: null });
      // a shared number still lists its candidates (without the last-purchase ordering key)
      expect(lookup.lookup('0287654321').candidates.map((c) => c.customerId).sort()).toEqual(['C1', 'C2']);
    } finally {
      expect(create).toBeDefined();
      finishDeferredIndexes(conn);
      conn.close();
    }
    const back = lookup.lookup('+393471234567').pop!;
    expect(back.historyPending).toBeUndefined();
    expect(back.purchases.map((p) => p.orderId)).toEqual(['O3', 'O2', 'O1']);
  });

  it('shows a product renamed by another connection on the next pop (name cache follows writes)', () => {
    expect(lookup.lookup('+393471234567').pop!.purchases[1]!.productName).toBe('Capsules, 50 pack');
    const conn = openConnection(store);
    try {
      conn.prepare("UPDATE products SET name = 'Capsules, pack of 50' WHERE sku = 'CAP-50'").run();
      expect(lookup.lookup('+393471234567').pop!.purchases[1]!.productName).toBe('Capsules, pack of 50');
      conn.prepare("UPDATE products SET name = 'Capsules, 50 pack' WHERE sku = 'CAP-50'").run();
      expect(lookup.lookup('+393471234567').pop!.purchases[1]!.productName).toBe('Capsules, 50 pack');
      // a product deleted from the catalogue shows its sku rather than nothing
      const row = conn.prepare("SELECT * FROM products WHERE sku = 'CAP-50'").get() as Record<string, unknown>;
      conn.prepare("DELETE FROM products WHERE sku = 'CAP-50'").run();
      expect(lookup.lookup('+393471234567').pop!.purchases[1]!.productName).toBe('CAP-50');
      const cols = Object.keys(row);
      conn.prepare(`INSERT INTO products (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`).run(row);
    } finally {
      conn.close();
    }
  });

  it('has null account/credit and empty history when departments know nothing', () => {
    const pop = lookup.pop('C5')!;
    expect(pop.customer.name).toBe('<img src=x onerror=alert(1)>');
    expect(pop.account).toBeNull();
    expect(pop.credit).toBeNull();
    expect(pop.purchases).toEqual([]);
    expect(pop.totals).toEqual({ lifetimeValue: 0, last12Months: 0, orderCount: 0, firstPurchaseAt: null, lastPurchaseAt: null, currency: null });
    expect(lookup.pop('nope')).toBeNull();
  });

  it('shows the 50 newest purchases but totals over all of them', () => {
    const conn = openConnection(store);
    const ins = conn.prepare('INSERT INTO purchases VALUES (?, ?, ?, ?, ?, ?, ?)');
    conn.transaction(() => {
      for (let i = 0; i < 120; i++) {
        const day = new Date(Date.UTC(2024, 0, 1) + i * 5 * 86400000).toISOString();
        ins.run(`H${String(i).padStart(3, '0')}`, 'CAP-50', 'C2', 1, 1990, 'EUR', day);
      }
    })();
    conn.close();
    const pop = lookup.pop('C2')!;
    expect(pop.purchases).toHaveLength(50);
    expect(pop.purchases[0]!.orderId).toBe('H119');
    const dates = pop.purchases.map((p) => p.purchasedAt);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect(pop.totals.orderCount).toBe(121);
    expect(pop.totals.lifetimeValue).toBeCloseTo(121 * 19.9, 6);
    expect(pop.totals.firstPurchaseAt).toBe('2022-01-01T00:00:00.000Z');
    const cutoff = new Date(NOW - 365.25 * 86400000).toISOString();
    const last12 = 120 - Array.from({ length: 120 }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 5 * 86400000).toISOString()).filter((d) => d < cutoff).length;
    expect(pop.totals.last12Months).toBeCloseTo(last12 * 19.9, 6);
  });
});

describe('search', () => {
  it.each([
    ['Rossi', ['C1', 'C2']],
    ['mario', ['C1']],
    ['Impianti', ['C1', 'C2']],
    ['giulia@rossi.it', ['C2']],
    ['c3', ['C3']],
    ['mull', ['C3']],
    ['Müller', ['C3']],
    ['02 8765 4321', ['C1', 'C2']],
    ['3471234567', ['C1']],
    ['347123', ['C1']],
    ['img onerror', ['C5']],
    ['"*) OR (', []],
    ['', []],
  ])('%j finds %j', (q, ids) => {
    expect(search.search(q).map((h) => h.customerId).sort()).toEqual(ids);
  });
});
