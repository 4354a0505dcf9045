import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { offersForPop, prepareCatalog, recencyWeight, type CatalogProduct, type OfferContext } from './rank';
import { emptyModel, type OfferModel, type RelatedProduct } from './model';
import { Offer, SERVICE_CREDIT_REVIEW, SERVICE_SETTLE_OVERDUE, type RecentOutcome } from './schema';
import type { Account, Credit, Pop } from '../pop/schema';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-22T12:00:00Z');

const P = (name: string, family: string, tier: number, price: number, margin: number, currency = 'EUR'): CatalogProduct =>
  ({ name, family, tier, priceMinor: Math.round(price * 100), currency, margin });
const CATALOG = new Map<string, CatalogProduct>([
  ['ESP-1', P('Espresso Compact', 'Espresso', 1, 189, 0.34)],
  ['ESP-2', P('Espresso Plus', 'Espresso', 2, 349, 0.36)],
  ['ESP-3', P('Espresso Pro', 'Espresso', 3, 749, 0.38)],
  ['CAP-1', P('Capsules 50', 'Capsules', 1, 29, 0.41)],
  ['MCK-1', P('Care Kit', 'Care', 1, 24.9, 0.52)],
  ['BTC-3', P('Bean-to-Cup 120', 'Bean-to-Cup', 1, 5490, 0.33)],
  ['USB-1', P('US Gadget', '', 1, 50, 0.3, 'USD')],
]);

const rel = (sku: string, customers: number, confidence: number, lift: number): RelatedProduct =>
  ({ sku, customers, support: customers / 1000, confidence, lift });

function model(patch: Partial<OfferModel> = {}): OfferModel {
  return {
    ...emptyModel('2026-11-01T00:00:00.000Z'),
    customers: 1000,
    purchases: 3000,
    products: {
      'ESP-1': { buyers: 400, related: [rel('CAP-1', 152, 0.38, 4.1), rel('MCK-1', 80, 0.2, 2), rel('BTC-3', 8, 0.02, 1.5), rel('USB-1', 40, 0.1, 1.2)], upgrade: { sku: 'ESP-2', movedUp: 88, rate: 0.22 } },
      'ESP-2': { buyers: 200, related: [rel('CAP-1', 60, 0.3, 3.2)], upgrade: { sku: 'ESP-3', movedUp: 44, rate: 0.22 } },
      'CAP-1': { buyers: 100, related: [rel('MCK-1', 30, 0.3, 3)] },
    },
    acceptance: { alpha: 5, beta: 5, offers: [] },
    ...patch,
  };
}

interface PopSpec {
  purchases?: [sku: string, at: string][];
  account?: Partial<Account> | null;
  credit?: Partial<Credit> | null;
}
function pop(s: PopSpec = {}): Pop {
  const purchases = (s.purchases ?? []).map(([sku, at], i) => ({
    orderId: `O${i}`, sku, productName: CATALOG.get(sku)?.name ?? sku, quantity: 1, amount: 1, currency: 'EUR', purchasedAt: at,
  }));
  return {
    customer: { customerId: 'C1', name: 'Mario Rossi', company: '', email: '', segment: 'smb', region: '', country: 'IT', phones: [] },
    account: s.account === null || s.account === undefined ? null : {
      balance: 0, currency: 'EUR', overdueAmount: 0, oldestDueDate: null, lastPaymentAt: null, lastPaymentAmount: null, ...s.account,
    },
    credit: s.credit === null ? null : {
      creditLimit: 5000, currency: 'EUR', available: 5000, paymentTerms: '30 days', status: 'ok', riskClass: 'B', reviewedAt: null, ...s.credit,
    },
    purchases,
    totals: { lifetimeValue: 0, last12Months: 0, orderCount: purchases.length, firstPurchaseAt: null, lastPurchaseAt: null, currency: 'EUR' },
    offers: [],
  };
}

const ctx = (over: Partial<OfferContext> = {}): OfferContext => ({ now: NOW, products: CATALOG, ...over });
const rank = (p: Pop, over: Partial<OfferContext> = {}, m: OfferModel = model()): Offer[] => offersForPop(p, m, ctx(over));
const skus = (o: Offer[]): string[] => o.map((x) => x.sku);
const W = (boughtAt: string): number => recencyWeight(NOW - Date.parse(boughtAt), 730 * DAY, 0.25);

describe('candidates and reasons', () => {
  it('cross-sell and up-sell from one owned product, with plain reasons in English and Italian', () => {
    const offers = rank(pop({ purchases: [['ESP-1', '2026-03-10T10:00:00.000Z']] }));
    for (const o of offers) expect(Offer.parse(o)).toEqual(o);
    expect(skus(offers)).toEqual(['CAP-1', 'ESP-2', 'MCK-1']);
    const [cap, up] = offers as [Offer, Offer];
    expect(up.kind).toBe('up_sell');
    expect(up.reason).toBe('Owns Espresso Compact (tier 1); Espresso Plus is the next tier — 22 % of Espresso Compact owners moved up');
    expect(up.reasonIt).toBe('Possiede Espresso Compact (livello 1); Espresso Plus è il livello successivo — il 22 % di chi ha Espresso Compact è passato a quel livello');
    expect(cap.kind).toBe('cross_sell');
    expect(cap.reason).toBe('Bought Espresso Compact in March; 38 % of buyers of Espresso Compact went on to buy Capsules 50 — 4.1× the usual rate');
    expect(cap.reasonIt).toBe('Ha acquistato Espresso Compact a marzo; il 38 % di chi ha comprato Espresso Compact ha poi comprato Capsules 50 — 4,1 volte il tasso abituale');
    expect(cap).toMatchObject({ productName: 'Capsules 50', price: 29, currency: 'EUR', basis: 'credit' });
  });

  it('score = propensity × value × acceptance', () => {
    const at = '2026-03-10T10:00:00.000Z';
    const cap = rank(pop({ purchases: [['ESP-1', at]] })).find((o) => o.sku === 'CAP-1')!;
    const value = (1 + Math.log1p(0.41 * 29)) / (1 + Math.log1p(0.33 * 5490)); // the catalogue's most valuable: Bean-to-Cup
    expect(cap.score).toBeCloseTo(0.38 * W(at) * value * 0.5, 10);
    expect(cap.signals).toEqual({ propensity: +(0.38 * W(at)).toFixed(4), value: +value.toFixed(4), acceptance: 0.5 });
  });

  it('the year is named when the purchase was not this year', () => {
    const o = rank(pop({ purchases: [['ESP-1', '2023-03-10T10:00:00.000Z']] })).find((x) => x.sku === 'CAP-1')!;
    expect(o.reason).toMatch(/^Bought Espresso Compact in March 2023;/);
    expect(o.reasonIt).toMatch(/^Ha acquistato Espresso Compact a marzo 2023;/);
    const aug = rank(pop({ purchases: [['ESP-1', '2026-08-10T10:00:00.000Z']] })).find((x) => x.sku === 'CAP-1')!;
    expect(aug.reason).toMatch(/^Bought Espresso Compact in August;/);
    expect(aug.reasonIt).toMatch(/^Ha acquistato Espresso Compact ad agosto;/);
  });

  it('combines signals from several owned products: 1 − Π(1 − confidence·w)', () => {
    const a = '2026-01-10T10:00:00.000Z';
    const b = '2024-06-01T10:00:00.000Z';
    const offers = rank(pop({ purchases: [['ESP-1', a], ['ESP-2', b]] }), { limit: 5 });
    const cap = offers.find((o) => o.sku === 'CAP-1')!;
    expect(cap.signals!.propensity).toBeCloseTo(1 - (1 - 0.38 * W(a)) * (1 - 0.3 * W(b)), 4);
    expect(cap.reason).toMatch(/^Bought Espresso Compact in January; .* \(1 more of their products points to it\)$/);
    // Up-sell is the next tier above the HIGHEST owned tier; owned tiers are never offered.
    expect(offers.filter((o) => o.kind === 'up_sell').map((o) => o.sku)).toEqual(['ESP-3']);
    expect(skus(offers)).not.toContain('ESP-2');
    expect(offers.find((o) => o.sku === 'ESP-3')!.reason).toBe('Owns Espresso Plus (tier 2); Espresso Pro is the next tier — 22 % of Espresso Plus owners moved up');
  });

  it('recency: a signal from a recent purchase weighs more than one from 4 years ago', () => {
    const recent = rank(pop({ purchases: [['ESP-1', '2026-11-01T10:00:00.000Z']] })).find((o) => o.sku === 'CAP-1')!;
    const old = rank(pop({ purchases: [['ESP-1', '2022-11-01T10:00:00.000Z']] })).find((o) => o.sku === 'CAP-1')!;
    // 3 weeks ago: w ≈ 0.985; 4 years ago: two half-lives, w ≈ 0.25 + 0.75 / 4 = 0.4375.
    expect(W('2022-11-01T10:00:00.000Z')).toBeCloseTo(0.4375, 2);
    expect(recent.signals!.propensity / old.signals!.propensity).toBeCloseTo(W('2026-11-01T10:00:00.000Z') / W('2022-11-01T10:00:00.000Z'), 3);
    expect(recent.score).toBeGreaterThan(old.score * 2);
    expect(recencyWeight(0, 730 * DAY, 0.25)).toBe(1);
    expect(recencyWeight(730 * DAY, 730 * DAY, 0.25)).toBeCloseTo(0.625, 10);
    expect(recencyWeight(100 * 365 * DAY, 730 * DAY, 0.25)).toBeCloseTo(0.25, 6);
    expect(recencyWeight(-DAY, 730 * DAY, 0.25)).toBe(1); // bought "in the future" (clock skew) = now
  });

  it('log value: a cheap consumable with a strong signal is not buried under an expensive machine with a weak one', () => {
    const offers = rank(pop({ purchases: [['ESP-1', '2026-03-10T10:00:00.000Z']], credit: { available: 10_000 } }), { limit: 10 });
    const i = skus(offers);
    expect(i).toContain('BTC-3');
    expect(i.indexOf('CAP-1')).toBeLessThan(i.indexOf('BTC-3'));
    // A product without margin on file still ranks (by propensity), just low.
    const noMargin = new Map(CATALOG);
    noMargin.set('CAP-1', { ...CATALOG.get('CAP-1')!, margin: 0 });
    expect(rank(pop({ purchases: [['ESP-1', '2026-03-10T10:00:00.000Z']] }), { products: noMargin, limit: 10 }).find((o) => o.sku === 'CAP-1')!.score).toBeGreaterThan(0);
  });

  it('acceptance rates from outcomes move offers; no recorded outcome ⇒ the prior mean', () => {
    const m = model({ acceptance: { alpha: 5, beta: 5, offers: [
      { sku: 'MCK-1', kind: 'cross_sell', accepted: 90, declined: 5, notInterested: 0, rate: 0.95 },
      { sku: 'CAP-1', kind: 'cross_sell', accepted: 0, declined: 90, notInterested: 5, rate: 0.05 },
    ] } });
    const p = pop({ purchases: [['ESP-1', '2026-03-10T10:00:00.000Z']] });
    expect(skus(rank(p))).toEqual(['CAP-1', 'ESP-2', 'MCK-1']);
    const offers = rank(p, {}, m);
    expect(skus(offers)).toEqual(['MCK-1', 'ESP-2', 'CAP-1']);
    expect(offers.find((o) => o.sku === 'ESP-2')!.signals!.acceptance).toBe(0.5);
  });

  it('no model ⇒ no product offers (service actions only)', () => {
    expect(rank(pop({ purchases: [['ESP-1', '2026-03-10T10:00:00.000Z']] }), {}, emptyModel())).toEqual([]);
  });

  it('up-sell without "moved up" numbers still says which tier comes next', () => {
    const m = model();
    m.products['ESP-1'] = { buyers: 10, related: [rel('ESP-2', 5, 0.5, 2)] };
    const up = rank(pop({ purchases: [['ESP-1', '2026-03-10T10:00:00.000Z']] }), {}, m).find((o) => o.sku === 'ESP-2')!;
    expect(up.kind).toBe('up_sell');
    expect(up.reason).toBe('Owns Espresso Compact (tier 1); Espresso Plus is the next tier');
  });
});

describe('eligibility', () => {
  const bought: PopSpec['purchases'] = [['ESP-1', '2026-03-10T10:00:00.000Z']];

  it('overdue ⇒ settle the overdue amount first, with the amount and the date', () => {
    const offers = rank(pop({ purchases: bought, account: { overdueAmount: 300, oldestDueDate: '2026-08-15', balance: 1250.5 } }));
    expect(offers).toHaveLength(3);
    expect(offers[0]).toMatchObject({ sku: SERVICE_SETTLE_OVERDUE, kind: 'service', price: 300, currency: 'EUR' });
    expect(offers[0]!.reason).toBe('€300.00 overdue since 15 Aug — settle before offering');
    expect(offers[0]!.reasonIt).toBe('300,00\u00a0€ scaduti dal 15 ago — da saldare prima di proporre altro');
    expect(skus(offers.slice(1))).toEqual(['CAP-1', 'ESP-2']);
    const noDate = rank(pop({ account: { overdueAmount: 12.5, oldestDueDate: null } }));
    expect(noDate[0]!.reason).toBe('€12.50 overdue — settle before offering');
    const lastYear = rank(pop({ account: { overdueAmount: 1000, oldestDueDate: '2025-12-01' } }));
    expect(lastYear[0]!.reason).toBe('€1,000.00 overdue since 1 Dec 2025 — settle before offering');
  });

  it('credit on hold or blocked ⇒ no product offers, and the reason says so', () => {
    const held = rank(pop({ purchases: bought, account: { overdueAmount: 300, oldestDueDate: '2026-08-15' }, credit: { status: 'hold' } }));
    expect(skus(held)).toEqual([SERVICE_SETTLE_OVERDUE]);
    expect(held[0]!.reason).toBe('€300.00 overdue since 15 Aug — settle first; credit on hold, so no product offers');
    const blocked = rank(pop({ purchases: bought, credit: { status: 'blocked' } }));
    expect(blocked).toEqual([expect.objectContaining({ sku: SERVICE_CREDIT_REVIEW, kind: 'service', price: null })]);
    expect(blocked[0]!.reason).toBe('Credit blocked — no product offers; refer the customer to credit control');
    expect(blocked[0]!.reasonIt).toMatch(/^Fido bloccato — nessuna offerta di prodotti/);
    expect(skus(rank(pop({ purchases: bought, credit: { status: 'watch' } })))).toEqual(['CAP-1', 'ESP-2', 'MCK-1']);
  });

  it('a price above the available credit is not offered on credit', () => {
    const offers = rank(pop({ purchases: bought, credit: { available: 300 } }), { limit: 10 });
    expect(skus(offers)).toEqual(['CAP-1', 'MCK-1']);
    expect(offers.every((o) => o.basis === 'credit' && o.price! <= 300)).toBe(true);
    // Exactly the available amount fits; a negative availability (over the limit) fits nothing.
    expect(skus(rank(pop({ purchases: bought, credit: { available: 349 } })))).toContain('ESP-2');
    expect(rank(pop({ purchases: bought, credit: { available: -10 } }))).toEqual([]);
  });

  it('a price in another currency than the credit line cannot be checked: not offered', () => {
    expect(skus(rank(pop({ purchases: bought }), { limit: 10 }))).not.toContain('USB-1');
  });

  it('no credit terms on file ⇒ offered upfront (or not at all, if so configured)', () => {
    const offers = rank(pop({ purchases: bought, credit: null }), { limit: 10 });
    expect(offers.every((o) => o.basis === 'upfront')).toBe(true);
    expect(skus(offers)).toContain('USB-1');
    expect(rank(pop({ purchases: bought, credit: null }), { noCreditRecord: 'exclude' })).toEqual([]);
  });

  it('never an owned product', () => {
    const offers = rank(pop({ purchases: [['ESP-1', '2026-03-10T10:00:00.000Z'], ['CAP-1', '2020-01-01T00:00:00.000Z']] }), { limit: 10 });
    expect(skus(offers)).not.toContain('CAP-1');
    expect(skus(offers)).not.toContain('ESP-1');
    // `owned` (the full history) wins over the pop's truncated list.
    const viaOwned = rank(pop({ purchases: [['ESP-1', '2026-03-10T10:00:00.000Z']] }), { limit: 10, owned: new Map<string, string | number>([['ESP-1', '2026-03-10T10:00:00.000Z'], ['CAP-1', Date.parse('2019-01-01')]]) });
    expect(skus(viaOwned)).not.toContain('CAP-1');
  });

  it('declined (or not interested, or just accepted) within 30 days ⇒ not repeated; after 30 days it may come back', () => {
    const out = (sku: string, daysAgo: number, outcome: RecentOutcome['outcome'] = 'declined'): RecentOutcome =>
      ({ sku, kind: 'cross_sell', outcome, at: new Date(NOW - daysAgo * DAY).toISOString() });
    const p = pop({ purchases: bought });
    // (Bean-to-Cup does not fit in the 5,000 of credit; the US gadget is in another currency.)
    expect(skus(rank(p, { recentOutcomes: [out('CAP-1', 29.9)] }))).toEqual(['ESP-2', 'MCK-1']);
    expect(skus(rank(p, { recentOutcomes: [out('CAP-1', 3, 'not_interested'), out('ESP-2', 1, 'accepted')] }))).toEqual(['MCK-1']);
    expect(skus(rank(p, { recentOutcomes: [out('CAP-1', 30.1)] }))).toEqual(['CAP-1', 'ESP-2', 'MCK-1']);
    expect(skus(rank(p, { recentOutcomes: [out('CAP-1', -1)] }))).not.toContain('CAP-1'); // future-dated: still recent
    // A settle-overdue action is a rule, not an offer: a past "declined" does not hide it.
    const o = rank(pop({ purchases: bought, account: { overdueAmount: 5 } }), { recentOutcomes: [{ sku: SERVICE_SETTLE_OVERDUE, kind: 'service', outcome: 'declined', at: new Date(NOW).toISOString() }] });
    expect(o[0]!.sku).toBe(SERVICE_SETTLE_OVERDUE);
  });

  it('honours limit; a prepared catalogue gives the same offers as a plain map', () => {
    const p = pop({ purchases: bought });
    expect(rank(p, { limit: 1 })).toHaveLength(1);
    expect(rank(p, { limit: 0 })).toEqual([]);
    expect(rank(p, { products: prepareCatalog(CATALOG) })).toEqual(rank(p));
    expect(rank(p, { now: new Date(NOW) })).toEqual(rank(p));
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const FAMILIES = ['F0', 'F1', 'F2', 'F3'];
/** A decimal in [min, max] in steps of 1/1000 (fc.double is uniform over representable doubles: mostly ~1e-300). */
const dec = (min: number, max: number) => fc.integer({ min: Math.round(min * 1000), max: Math.round(max * 1000) }).map((x) => x / 1000);
const SKUS = FAMILIES.flatMap((f) => [1, 2, 3].map((t) => `${f}-${t}`)).concat(['LOOSE']);

const catalogArb = fc.tuple(
  ...SKUS.map((sku) => fc.record({
    priceMinor: fc.oneof(fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 0, max: 2_000_000 })),
    margin: dec(0, 0.9),
    currency: fc.constantFrom('EUR', 'EUR', 'EUR', 'USD'),
  }).map((x): [string, CatalogProduct] => {
    const [family, tier] = sku === 'LOOSE' ? ['', 1] : [sku.slice(0, 2), Number(sku.slice(3))];
    return [sku, { name: `Product ${sku}`, family, tier, ...x }];
  })),
).map((entries) => new Map(entries));

const relatedArb = fc.uniqueArray(
  fc.record({ sku: fc.constantFrom(...SKUS, 'NOT-IN-CATALOGUE'), customers: fc.integer({ min: 1, max: 500 }), confidence: dec(0, 1), lift: dec(1, 20) })
    .map((r) => ({ ...r, support: r.customers / 1000 })),
  { selector: (r) => r.sku, minLength: 1, maxLength: 6 },
);
const modelArb = fc.record({
  products: fc.tuple(...SKUS.map(() => fc.option(fc.record({
    buyers: fc.integer({ min: 1, max: 1000 }),
    related: relatedArb,
    up: fc.option(fc.record({ movedUp: fc.integer({ min: 0, max: 100 }), rate: dec(0, 1) })),
  }), { freq: 4 }))).map((l) => Object.fromEntries(l.flatMap((x, i) => (x ? [[SKUS[i]!, x] as const] : [])))),
  offers: fc.uniqueArray(fc.record({ sku: fc.constantFrom(...SKUS), kind: fc.constantFrom('cross_sell' as const, 'up_sell' as const), rate: dec(0.01, 0.99) }), { selector: (o) => `${o.kind}/${o.sku}`, maxLength: 5 }),
  halfLifeDays: fc.integer({ min: 30, max: 3000 }),
  recencyFloor: dec(0, 1),
}).map((g): OfferModel => {
  const m = emptyModel();
  for (const [sku, s] of Object.entries(g.products)) {
    const fam = sku.slice(0, 2);
    const tier = Number(sku.slice(3));
    const next = sku !== 'LOOSE' && tier < 3 ? `${fam}-${tier + 1}` : null;
    m.products[sku] = { buyers: s.buyers, related: s.related.filter((r) => r.sku !== sku), ...(next && s.up ? { upgrade: { sku: next, ...s.up } } : {}) };
  }
  m.acceptance = { alpha: 3, beta: 7, offers: g.offers.map((o) => ({ ...o, accepted: 1, declined: 1, notInterested: 0 })) };
  m.rank = { halfLifeDays: g.halfLifeDays, recencyFloor: g.recencyFloor, suppressDays: 30 };
  return m;
});

const isoArb = (minDaysAgo: number, maxDaysAgo: number) =>
  fc.integer({ min: minDaysAgo * 24, max: maxDaysAgo * 24 }).map((h) => new Date(NOW - h * 3_600_000).toISOString());

const popArb = fc.record({
  purchases: fc.array(fc.tuple(fc.constantFrom(...SKUS), isoArb(0, 6 * 365)), { minLength: 1, maxLength: 12 }),
  account: fc.option(fc.record({ overdueAmount: fc.constantFrom(0, 0, 0, 10, 300.5), oldestDueDate: fc.option(fc.constant('2026-08-15')) })),
  credit: fc.option(fc.record({
    status: fc.constantFrom('ok' as const, 'ok' as const, 'ok' as const, 'watch' as const, 'hold' as const, 'blocked' as const),
    available: fc.integer({ min: -100_000, max: 2_000_000 }).map((c) => c / 100),
    currency: fc.constantFrom('EUR', 'EUR', 'EUR', 'USD'),
  }), { freq: 3 }),
}).map((s) => pop({ purchases: s.purchases, account: s.account, credit: s.credit }));

const outcomesArb = fc.array(fc.record({
  sku: fc.constantFrom(...SKUS),
  kind: fc.constantFrom('cross_sell' as const, 'up_sell' as const),
  outcome: fc.constantFrom('accepted' as const, 'declined' as const, 'not_interested' as const),
  at: isoArb(-2, 90),
}), { maxLength: 6 });

describe('properties of ranking', () => {
  it('never owned, credit rules kept, overdue first, declined not repeated, ≤ 3, scores non-increasing, valid, deterministic', () => {
    // Coverage: the properties must have been tested on interesting cases, not just empty lists.
    const seen = { products: 0, upSell: 0, credit: 0, upfront: 0, stopped: 0, overdue: 0, suppressedCandidate: 0 };
    fc.assert(fc.property(catalogArb, modelArb, popArb, outcomesArb, (catalog, m, p, recent) => {
      const offers = offersForPop(p, m, { now: NOW, products: catalog, recentOutcomes: recent });
      const owned = new Set(p.purchases.map((x) => x.sku));
      const products = offers.filter((o) => o.kind !== 'service');
      if (products.length) seen.products++;
      if (products.some((o) => o.kind === 'up_sell')) seen.upSell++;
      if (products.some((o) => o.basis === 'credit')) seen.credit++;
      if (products.some((o) => o.basis === 'upfront')) seen.upfront++;
      if (p.credit?.status === 'hold' || p.credit?.status === 'blocked') seen.stopped++;
      if (p.account && p.account.overdueAmount > 0) seen.overdue++;
      if (recent.some((r) => r.outcome === 'declined' && offersForPop(p, m, { now: NOW, products: catalog, limit: 20 }).some((o) => o.sku === r.sku))) seen.suppressedCandidate++;

      expect(offers.length).toBeLessThanOrEqual(3);
      for (const o of offers) expect(Offer.parse(o)).toEqual(o);
      // Never an owned product.
      for (const o of products) expect(owned.has(o.sku)).toBe(false);
      // Credit rules.
      if (p.credit?.status === 'hold' || p.credit?.status === 'blocked') expect(products).toEqual([]);
      for (const o of products) {
        const item = catalog.get(o.sku)!;
        expect(item).toBeDefined();
        if (o.basis === 'credit') {
          expect(p.credit).not.toBeNull();
          expect(item.currency).toBe(p.credit!.currency);
          expect(item.priceMinor).toBeLessThanOrEqual(Math.round(p.credit!.available * 100));
        } else {
          expect(o.basis).toBe('upfront');
          expect(p.credit).toBeNull();
        }
        expect(o.score).toBeGreaterThan(0);
        expect(o.score).toBeLessThanOrEqual(1);
      }
      // Overdue ⇒ the first offer is the settle-overdue service action.
      if (p.account && p.account.overdueAmount > 0) expect(offers[0]?.sku).toBe(SERVICE_SETTLE_OVERDUE);
      // Declined within 30 days ⇒ not offered.
      for (const r of recent) {
        if (r.outcome === 'declined' && NOW - Date.parse(r.at) < 30 * DAY) expect(products.map((o) => o.sku)).not.toContain(r.sku);
      }
      // Scores non-increasing.
      for (let i = 1; i < offers.length; i++) expect(offers[i]!.score).toBeLessThanOrEqual(offers[i - 1]!.score);
      // Deterministic: same inputs (fresh copies, a pre-prepared catalogue) ⇒ same offers.
      const again = offersForPop(structuredClone(p), structuredClone(m), { now: NOW, products: prepareCatalog(new Map(catalog)), recentOutcomes: structuredClone(recent) });
      expect(again).toEqual(offers);
      // Up-sells are the next tier above the highest owned tier of their family.
      for (const o of products.filter((x) => x.kind === 'up_sell')) {
        const c = catalog.get(o.sku)!;
        const ownedTiers = [...owned].map((s) => catalog.get(s)).filter((x) => x && x.family === c.family).map((x) => x!.tier);
        expect(ownedTiers.length).toBeGreaterThan(0);
        expect(c.tier).toBe(Math.max(...ownedTiers) + 1);
      }
    }), { numRuns: 400 });
    expect(seen.products).toBeGreaterThan(100);
    for (const k of ['upSell', 'credit', 'upfront', 'stopped', 'overdue', 'suppressedCandidate'] as const) expect(seen[k], k).toBeGreaterThan(5);
  });

  it('more room never reorders: the top 3 are the first 3 of the top 10', () => {
    fc.assert(fc.property(catalogArb, modelArb, popArb, (catalog, m, p) => {
      const top3 = offersForPop(p, m, { now: NOW, products: catalog });
      const top10 = offersForPop(p, m, { now: NOW, products: catalog, limit: 10 });
      expect(top10.slice(0, 3)).toEqual(top3);
    }), { numRuns: 150 });
  });
});
