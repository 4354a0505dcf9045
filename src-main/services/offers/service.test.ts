import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, openConnection, type Store } from '../../db/store';
import { Importer } from '../import/importer';
import { LookupService } from '../lookup';
import { writeFixtures, tempDir } from '../../../test-support/desktop/fixtures';
import { OFFER_MODEL_KEY, loadCatalog, loadModel, saveModel, trainAndStore, trainFromStore } from './train-local';
import { OfferService } from './service';
import { OfferModel, emptyModel } from '../../../src-shared/offers/model';
import { Offer, SERVICE_CREDIT_REVIEW, SERVICE_SETTLE_OVERDUE } from '../../../src-shared/offers/schema';
import type { Pop } from '../../../src-shared/pop/schema';

// The fixture's customers and products, with purchases that make a co-purchase pattern:
//   ESP-1 buyers C1, C4, C5; CAP-50 buyers C1, C2, C5; ESP-2 buyers C1, C3 (N = 5).
//   ESP-1 → CAP-50: C1 (2023 → 2024), C5 (Jan → Feb 2025) = 2 → support 0.4, confidence 2/3, lift (2/3)/(3/5) = 10/9
//   ESP-1 → ESP-2: C1 = 1 → confidence 1/3, lift (1/3)/(2/5) = 5/6 (not related) but the up-sell rate 1/3.
const PURCHASES = `order_id,customer_id,sku,quantity,amount,currency,purchased_at
O1,C1,ESP-1,1,299.00,EUR,2023-03-10T10:00:00Z
O2,C1,CAP-50,3,59.70,EUR,2024-05-01T08:30:00+02:00
O3,C1,ESP-2,1,599.00,EUR,2026-09-01T12:00:00Z
O4,C2,CAP-50,1,19.90,EUR,2022-01-01
O5,C3,ESP-2,2,1198.00,EUR,2025-12-24T15:00:00Z
O6,C4,ESP-1,1,299.00,EUR,2026-10-01T09:00:00Z
O7,C5,ESP-1,1,299.00,EUR,2025-01-10T09:00:00Z
O8,C5,CAP-50,1,19.90,EUR,2025-02-01T09:00:00Z
`;
const NOW = Date.parse('2026-11-22T12:00:00Z');

let store: Store;
let lookup: LookupService;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  const fx = writeFixtures({ purchases: PURCHASES });
  const t = tempDir();
  store = openStore(t.dir);
  const conn = openConnection(store);
  const problems: string[] = [];
  await new Importer(conn).importFiles(Object.values(fx.files), { onProblem: (_f, p) => problems.push(p.reason) });
  conn.close();
  expect(problems).toEqual([]);
  lookup = new LookupService(store.sqlite, 'IT', () => NOW);
  cleanups.push(fx.cleanup, t.cleanup);
});
afterAll(() => {
  store.close();
  cleanups.forEach((c) => c());
});

describe('local training', () => {
  it('streams the store into the shared trainer', () => {
    const m = trainFromStore(store.sqlite, { minPairCustomers: 1, now: () => NOW });
    expect(OfferModel.parse(m)).toEqual(m);
    expect(m).toMatchObject({ customers: 5, purchases: 8, source: 'local', trainedAt: '2026-11-22T12:00:00.000Z', version: 1 });
    expect(m.products['ESP-1']!.buyers).toBe(3);
    expect(m.products['ESP-1']!.related).toEqual([{ sku: 'CAP-50', customers: 2, support: 0.4, confidence: 0.666667, lift: 1.111111 }]);
    expect(m.products['ESP-1']!.upgrade).toEqual({ sku: 'ESP-2', movedUp: 1, rate: 0.333333 });
    expect(m.products['ESP-2']!.upgrade).toBeUndefined(); // top tier
    // The default pair threshold (3 customers) keeps nothing on a store this small.
    expect(trainFromStore(store.sqlite).products['ESP-1']!.related).toEqual([]);
  });

  it('stores the model as JSON in meta, with an increasing version; loads it back', () => {
    store.sqlite.prepare('DELETE FROM meta WHERE key = ?').run(OFFER_MODEL_KEY);
    expect(loadModel(store.sqlite)).toEqual({ model: null });
    const a = trainAndStore(store.sqlite, { minPairCustomers: 1, now: () => NOW });
    expect(loadModel(store.sqlite)).toEqual({ model: a });
    const b = trainAndStore(store.sqlite, { minPairCustomers: 1, now: () => NOW + 1000, outcomes: [{ sku: 'CAP-50', kind: 'cross_sell', outcome: 'accepted' }] });
    expect(b.version).toBe(a.version + 1);
    expect(b.acceptance.offers).toHaveLength(1);
    expect(loadModel(store.sqlite).model).toEqual(b);
  });

  it('reports a damaged stored model instead of throwing', () => {
    store.sqlite.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(OFFER_MODEL_KEY, '{"format":"nope"}');
    const r = loadModel(store.sqlite);
    expect(r.model).toBeNull();
    expect(r.error).toMatch(/invalid/);
    const svc = new OfferService(store.sqlite, { now: () => NOW });
    expect(svc.model).toBeNull();
    expect(svc.error).toMatch(/invalid/);
    store.sqlite.prepare('DELETE FROM meta WHERE key = ?').run(OFFER_MODEL_KEY);
  });

  it('reads the catalogue', () => {
    expect(loadCatalog(store.sqlite).get('ESP-2')).toEqual({ name: 'Espresso Plus', family: 'espresso', tier: 2, priceMinor: 59900, currency: 'EUR', margin: 0.34 });
  });
});

describe('OfferService', () => {
  let svc: OfferService;
  beforeAll(() => {
    saveModel(store.sqlite, trainFromStore(store.sqlite, { minPairCustomers: 1, now: () => NOW }));
    svc = new OfferService(store.sqlite, { now: () => NOW });
  });

  it('offers the related product and the next tier to a customer without credit terms (paid upfront)', () => {
    const pop = lookup.pop('C4')!; // owns ESP-1 (Oct 2026), no account, no credit terms
    const offers = svc.offersFor(pop);
    for (const o of offers) expect(Offer.parse(o)).toEqual(o);
    expect(offers.map((o) => [o.sku, o.kind, o.basis])).toEqual([['CAP-50', 'cross_sell', 'upfront'], ['ESP-2', 'up_sell', 'upfront']]);
    expect(offers[0]!.reason).toBe('Bought Espresso Compact in October; 67 % of buyers of Espresso Compact went on to buy Capsules, 50 pack — 1.1× the usual rate');
    expect(offers[0]).toMatchObject({ productName: 'Capsules, 50 pack', price: 19.9, currency: 'EUR' });
    expect(offers[1]!.reason).toBe('Owns Espresso Compact (tier 1); Espresso Plus is the next tier — 33 % of Espresso Compact owners moved up');
  });

  it('overdue first; over the credit limit ⇒ nothing on credit', () => {
    // C1: €300 overdue since 15 Aug, limit 1000 with a balance of 1250.50 (available −250.50), owns everything.
    const offers = svc.offersFor(lookup.pop('C1')!);
    expect(offers.map((o) => o.sku)).toEqual([SERVICE_SETTLE_OVERDUE]);
    expect(offers[0]!.reason).toBe('€300.00 overdue since 15 Aug — settle before offering');
  });

  it('credit on hold ⇒ only the service action', () => {
    const offers = svc.offersFor(lookup.pop('C3')!);
    expect(offers.map((o) => o.sku)).toEqual([SERVICE_CREDIT_REVIEW]);
    expect(offers[0]!.reason).toBe('Credit on hold — no product offers; refer the customer to credit control');
  });

  it('recent declines are not repeated', () => {
    const offers = svc.offersFor(lookup.pop('C4')!, [{ sku: 'ESP-2', kind: 'up_sell', outcome: 'declined', at: '2026-11-20T10:00:00Z' }]);
    expect(offers.map((o) => o.sku)).toEqual(['CAP-50']);
  });

  it('a truncated pop: ownership comes from the store, so an owned product outside the list is never offered', () => {
    const pop = lookup.pop('C4')!;
    // 50 lines (as many as the pop shows) of something else: the ESP-1 purchase is "not shown".
    const filler = Array.from({ length: 50 }, (_, i) => ({ ...pop.purchases[0]!, orderId: `X${i}`, sku: 'CAP-50' }));
    const truncated: Pop = { ...pop, purchases: filler };
    const m = emptyModel();
    m.products['CAP-50'] = { buyers: 10, related: [{ sku: 'ESP-1', customers: 5, support: 0.5, confidence: 0.5, lift: 2 }] };
    m.products['ESP-1'] = { buyers: 10, related: [{ sku: 'CAP-50', customers: 5, support: 0.5, confidence: 0.5, lift: 2 }] };
    const withModel = new OfferService(store.sqlite, { now: () => NOW, model: m });
    const offers = withModel.offersFor(truncated);
    expect(offers.map((o) => o.sku)).not.toContain('ESP-1');
    expect(offers.map((o) => o.sku)).toContain('CAP-50'); // from the store: C4 owns ESP-1, not CAP-50
  });

  it('without a model: service actions only', () => {
    const none = new OfferService(store.sqlite, { now: () => NOW, model: null });
    expect(none.model).toBeNull();
    expect(none.offersFor(lookup.pop('C4')!)).toEqual([]);
    expect(none.offersFor(lookup.pop('C1')!).map((o) => o.sku)).toEqual([SERVICE_SETTLE_OVERDUE]);
  });

  it('is fast on the hot path', () => {
    const pop = lookup.pop('C4')!;
    for (let i = 0; i < 2000; i++) svc.offersFor(pop);
    const t = performance.now();
    for (let i = 0; i < 2000; i++) svc.offersFor(pop);
    expect((performance.now() - t) / 2000).toBeLessThan(0.5); // ms per call; typically ~0.01
  });
});
