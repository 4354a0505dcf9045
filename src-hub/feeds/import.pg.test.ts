// Feed import into the hub, on PGlite and on PostgreSQL.
import { beforeEach, expect, it } from 'vitest';
import { EntityData, type Entity } from '../../src-shared/sync/protocol';
import type { Store } from '../db/store';
import { highWater } from '../changes';
import { importFeed } from './import';
import { PRODUCTS, account, credit, csv, customer, describeStores, importCsv, mustImport, purchase, resetStore, seedData } from '../../test-support/hub/helpers';

describeStores('feed import', (ctx) => {
  let store: Store;
  beforeEach(async () => {
    store = ctx.store;
    await resetStore(store);
  });

  async function snapshot() {
    const tables = ['customers', 'products', 'purchases', 'accounts', 'credit_terms'];
    const out: Record<string, unknown> = {};
    for (const t of tables) out[t] = await store.query(`SELECT * FROM ${t} ORDER BY 1, 2`);
    out.changes = await store.query('SELECT * FROM changes ORDER BY seq');
    out.highWater = await highWater(store);
    return out;
  }

  async function changeRows() {
    return store.query<{ seq: number; entity: Entity; key: string; bucket: string; op: 'u' | 'd'; data: string | null }>(
      'SELECT seq, entity, key, bucket, op, data FROM changes ORDER BY seq');
  }

  it('imports all five feeds; the change log holds the wire data of every row', async () => {
    await seedData(store);
    expect(await store.query('SELECT customer_id, region, phones FROM customers ORDER BY 1')).toEqual([
      { customer_id: 'C1', region: 'Nord-Ovest', phones: [{ e164: '+390287654301', label: 'office', raw: '02 8765 4301' }] },
      { customer_id: 'C2', region: 'Nord-Ovest', phones: [{ e164: '+390287654302', label: 'office', raw: '02 8765 4302' }] },
      { customer_id: 'C3', region: 'DACH', phones: [{ e164: '+49301234503', label: 'office', raw: '+49 30 1234503' }] },
    ]);
    const prod = await store.query('SELECT sku, price_minor, margin FROM products ORDER BY sku');
    expect(prod).toEqual([{ sku: 'P1', price_minor: 19900, margin: 0.3 }, { sku: 'P2', price_minor: 4990, margin: 0.45 }]);
    const rows = await changeRows();
    expect(rows.length).toBe(2 + 3 + 3 + 2 + 2);
    for (const r of rows) {
      expect(r.op).toBe('u');
      EntityData[r.entity].parse(JSON.parse(r.data!));
    }
    const p = rows.find((r) => r.entity === 'purchase' && r.key === 'O2 P2')!;
    expect(p.bucket).toBe('r:Nord-Ovest');
    expect(JSON.parse(p.data!)).toEqual({ orderId: 'O2', customerId: 'C2', sku: 'P2', quantity: 1, amountMinor: 4990, currency: 'EUR', purchasedAt: '2024-02-03T10:00:00.000Z' });
    expect(rows.find((r) => r.entity === 'product')!.bucket).toBe('*');
    expect(rows.find((r) => r.entity === 'credit' && r.key === 'C3')!.bucket).toBe('r:DACH');
    // numbers are increasing and gap-free for a fresh log
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
  });

  it('one bad row rejects the whole file; every problem is reported as FILE:LINE: column: reason', async () => {
    await seedData(store);
    const before = await snapshot();
    const r = await importCsv(store, 'customers', [
      customer('C1', 'Nord-Ovest', { name: 'Renamed' }),
      customer('C9', 'DACH', { email: 'not-an-email' }),
      customer('C10', 'DACH', { country: 'XX' }),
      customer('C11', 'DACH', { phones: 'abc' }),
    ], { file: 'customers.csv' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      'customers.csv:3: email: "not-an-email" is not an e-mail address',
      'customers.csv:4: country: "XX" is not an ISO 3166 alpha-2 country',
      'customers.csv:5: phones: "abc" is not a valid phone number for DE',
    ]);
    expect(r.total).toBe(3);
    expect(await snapshot()).toEqual(before);
  });

  it('unknown customers and skus are errors with their lines; nothing is applied', async () => {
    await seedData(store);
    const before = await snapshot();
    const r = await importCsv(store, 'purchases', [purchase('O7', 'C1'), purchase('O8', 'C404'), purchase('O9', 'C2', 'NOPE')]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      'purchases.csv:3: customer_id: "C404" is not a known customer (import customers first)',
      'purchases.csv:4: sku: "NOPE" is not a known product (import products first)',
    ]);
    const acc = await importCsv(store, 'accounts', [account('C404')]);
    expect(acc.ok === false && acc.problems).toEqual(['accounts.csv:2: customer_id: "C404" is not a known customer (import customers first)']);
    const cr = await importCsv(store, 'credit', [credit('C1'), credit('C405', 'bogus')]);
    expect(cr.ok === false && cr.problems).toEqual(['credit.csv:3: status: "bogus" is not one of ok|watch|hold|blocked']);
    expect(await snapshot()).toEqual(before);
  });

  it('a key twice in one file is an error; a missing header column too', async () => {
    const r = await importCsv(store, 'products', [PRODUCTS[0]!, PRODUCTS[1]!, PRODUCTS[0]!]);
    expect(r.ok === false && r.problems).toEqual(['products.csv:4: sku: "P1" appears again (first on line 2)']);
    const h = await importFeed(store, 'products', Buffer.from('sku,name\nP1,x\n'), { file: 'p.csv' });
    expect(h.ok === false && h.problems[0]).toMatch(/^p\.csv:1: category,family,tier,price,currency,margin: missing from the header/);
    expect(await highWater(store)).toBe(0);
  });

  it('re-importing unchanged rows records no change; a changed row gets exactly one new number', async () => {
    await seedData(store);
    const hw = await highWater(store);
    const again = await mustImport(store, 'customers', [customer('C1', 'Nord-Ovest'), customer('C2', 'Nord-Ovest'), customer('C3', 'DACH')]);
    expect(again.changed).toBe(0);
    expect(await highWater(store)).toBe(hw);
    for (const kind of ['products', 'purchases', 'accounts', 'credit'] as const) {
      const rows = { products: PRODUCTS, purchases: [purchase('O1', 'C1'), purchase('O2', 'C2', 'P2', '49.90'), purchase('O3', 'C3')], accounts: [account('C1'), account('C3')], credit: [credit('C1'), credit('C3', 'watch')] }[kind];
      expect((await mustImport(store, kind, rows)).changed).toBe(0);
    }
    expect(await highWater(store)).toBe(hw);

    const r = await mustImport(store, 'customers', [customer('C1', 'Nord-Ovest'), customer('C2', 'Nord-Ovest', { name: 'New Name' }), customer('C3', 'DACH')]);
    expect(r.changed).toBe(1);
    const rows = await changeRows();
    const c2 = rows.find((x) => x.entity === 'customer' && x.key === 'C2')!;
    expect(c2.seq).toBeGreaterThan(hw);
    expect(rows.filter((x) => x.seq > hw)).toHaveLength(1);
    expect(rows).toHaveLength(12); // compacted: still one row per entity
  });

  it("a customer row's phones replace that customer's phones", async () => {
    await seedData(store);
    await mustImport(store, 'customers', [customer('C1', 'Nord-Ovest', { phones: 'mobile=+39 347 123 4567' })]);
    const [c] = await store.query<{ phones: unknown }>(`SELECT phones FROM customers WHERE customer_id = 'C1'`);
    expect(c!.phones).toEqual([{ e164: '+393471234567', label: 'mobile', raw: '+39 347 123 4567' }]);
    const [ch] = await store.query<{ data: string }>(`SELECT data FROM changes WHERE entity = 'customer' AND key = 'C1'`);
    expect(JSON.parse(ch!.data).phones).toEqual([{ e164: '+393471234567', label: 'mobile', raw: '+39 347 123 4567' }]);
  });

  it('full mode deletes rows missing from the file and leaves tombstones; customers take their children along', async () => {
    await seedData(store);
    const hw = await highWater(store);
    const r = await mustImport(store, 'purchases', [purchase('O1', 'C1'), purchase('O3', 'C3')], { full: true });
    expect(r.deleted).toBe(1);
    let rows = await changeRows();
    const tomb = rows.find((x) => x.key === 'O2 P2')!;
    expect(tomb).toMatchObject({ op: 'd', data: null, bucket: 'r:Nord-Ovest' });
    expect(tomb.seq).toBeGreaterThan(hw);
    expect(await store.query(`SELECT order_id FROM purchases ORDER BY 1`)).toEqual([{ order_id: 'O1' }, { order_id: 'O3' }]);

    // a product still bought cannot go
    const p = await importCsv(store, 'products', [PRODUCTS[1]!], { full: true });
    expect(p.ok === false && p.problems).toEqual(['products.csv:1: sku: "P1" is missing from the file but 2 purchases refer to it']);

    const c = await mustImport(store, 'customers', [customer('C2', 'Nord-Ovest'), customer('C3', 'DACH')], { full: true });
    expect(c.deleted).toBe(1);
    rows = await changeRows();
    expect(rows.find((x) => x.entity === 'customer' && x.key === 'C1')).toMatchObject({ op: 'd' });
    // C1's purchase/account/credit rows are gone from the log: the customer tombstone covers them
    expect(rows.filter((x) => x.key === 'C1' && x.entity !== 'customer')).toEqual([]);
    expect(rows.filter((x) => x.key === 'O1 P1')).toEqual([]);
    expect(await store.query(`SELECT count(*)::int AS n FROM purchases WHERE customer_id = 'C1'`)).toEqual([{ n: 0 }]);
    expect(await store.query(`SELECT count(*)::int AS n FROM accounts WHERE customer_id = 'C1'`)).toEqual([{ n: 0 }]);

    const empty = await importFeed(store, 'credit', Buffer.from(csv('credit', [])), { file: 'credit.csv', full: true });
    expect(empty.ok === false && empty.problems).toEqual(['credit.csv:1: *: the file has no rows; refusing to delete every row in full mode']);
  });

  it('a customer moving region leaves a tombstone in the old bucket; its children follow, numbered after it', async () => {
    await seedData(store);
    const hw = await highWater(store);
    const r = await mustImport(store, 'customers', [customer('C1', 'DACH')]);
    expect(r.moved).toBe(1);
    const rows = (await changeRows()).filter((x) => x.seq > hw);
    expect(rows.map((x) => [x.entity, x.key, x.bucket, x.op])).toEqual([
      ['customer', 'C1', 'r:Nord-Ovest', 'd'],
      ['customer', 'C1', 'r:DACH', 'u'],
      ['purchase', 'O1 P1', 'r:DACH', 'u'],
      ['account', 'C1', 'r:DACH', 'u'],
      ['credit', 'C1', 'r:DACH', 'u'],
    ]);
    // and back again: the old tombstone becomes live, the other side a tombstone
    await mustImport(store, 'customers', [customer('C1', 'Nord-Ovest')]);
    const all = await changeRows();
    expect(all.filter((x) => x.entity === 'customer' && x.key === 'C1').map((x) => [x.bucket, x.op])).toEqual([['r:DACH', 'd'], ['r:Nord-Ovest', 'u']]);
    expect(all.filter((x) => x.key === 'O1 P1').map((x) => [x.bucket, x.op])).toEqual([['r:Nord-Ovest', 'u']]);
  });

  it('a purchase moved to a customer of another region leaves a tombstone where it was', async () => {
    await seedData(store);
    await mustImport(store, 'purchases', [purchase('O1', 'C3')]);
    const rows = (await changeRows()).filter((x) => x.key === 'O1 P1');
    expect(rows.map((x) => [x.bucket, x.op])).toEqual([['r:Nord-Ovest', 'd'], ['r:DACH', 'u']]);
  });

  it('NDJSON feeds follow the same rules, keyed by the CSV column names', async () => {
    const good = [
      { sku: 'N1', name: 'Thing', category: 'x', family: 'y', tier: 2, price: 10.5, currency: 'EUR', margin: 0.2 },
      { sku: 'N2', name: 'Other', category: 'x', family: 'y', tier: '3', price: '1', currency: 'JPY', margin: '10%' },
    ];
    const ok = await importFeed(store, 'products', Buffer.from(good.map((g) => JSON.stringify(g)).join('\n') + '\n'), { file: 'p.ndjson' });
    expect(ok).toMatchObject({ ok: true, rows: 2, changed: 2 });
    const [n1] = await store.query<{ data: string }>(`SELECT data FROM changes WHERE key = 'N1'`);
    expect(JSON.parse(n1!.data)).toMatchObject({ priceMinor: 1050, tier: 2 });
    const bad = await importFeed(store, 'products', Buffer.from(`${JSON.stringify(good[0])}\n{oops\n${JSON.stringify({ ...good[1], tier: 12, name: ['a'] })}\n`), { file: 'p.ndjson' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems).toHaveLength(2);
    expect(bad.problems[0]).toMatch(/^p\.ndjson:2: \*: is not valid JSON \(/);
    expect(bad.problems[1]).toBe('p.ndjson:3: name: must be a string, a number or null');
  });
});
