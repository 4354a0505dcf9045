import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OfferTrainer, acceptanceRates, nextTiers, type TrainItem } from './train';
import { OfferModel, parseModel, MODEL_FORMAT } from './model';
import type { OfferOutcome } from './schema';

const D = (day: number): string => new Date(Date.UTC(2025, 0, 1 + day)).toISOString();

/**
 * Seven customers, three products. Per customer a product counts once (first purchase); A → B
 * counts when B was first bought at or after A.
 *   C1: A(d0) B(d5)        A→B yes, B→A no
 *   C2: A(d0) B(d0)        same order: both directions
 *   C3: B(d0) A(d9)        B→A yes, A→B no
 *   C4: A(d0) A(d3)        A twice = one buyer
 *   C5..C7: C
 * buyers A=4 B=3 C=3, N=7
 *   A→B = 2: support 2/7, confidence 2/4, lift 0.5 / (3/7) = 7/6
 *   B→A = 2: support 2/7, confidence 2/3, lift (2/3) / (4/7) = 7/6
 */
const TINY: TrainItem[][] = [
  [{ sku: 'A', purchasedAt: D(0) }, { sku: 'B', purchasedAt: D(5) }],
  [{ sku: 'B', purchasedAt: D(0) }, { sku: 'A', purchasedAt: D(0) }],
  [{ sku: 'B', purchasedAt: D(0) }, { sku: 'A', purchasedAt: D(9) }],
  [{ sku: 'A', purchasedAt: D(3) }, { sku: 'A', purchasedAt: D(0) }],
  [{ sku: 'C', purchasedAt: D(1) }],
  [{ sku: 'C', purchasedAt: D(2) }],
  [{ sku: 'C', purchasedAt: Date.parse(D(3)) }],
];

function train(customers: TrainItem[][], opts: ConstructorParameters<typeof OfferTrainer>[0] = {}): OfferModel {
  const t = new OfferTrainer({ minPairCustomers: 1, ...opts });
  for (const c of customers) t.addCustomer(c);
  return t.finish({ trainedAt: '2026-01-01T00:00:00.000Z', source: 'test' });
}

describe('co-purchase statistics', () => {
  it('support, confidence and lift on a hand-made dataset', () => {
    const m = train(TINY);
    expect(OfferModel.parse(m)).toEqual(m);
    expect(m.customers).toBe(7);
    expect(m.purchases).toBe(11);
    expect(m.products.A!.buyers).toBe(4);
    expect(m.products.B!.buyers).toBe(3);
    expect(m.products.C!.buyers).toBe(3);
    const ab = m.products.A!.related;
    expect(ab).toHaveLength(1);
    expect(ab[0]!.sku).toBe('B');
    expect(ab[0]!.customers).toBe(2);
    expect(ab[0]!.support).toBeCloseTo(2 / 7, 5);
    expect(ab[0]!.confidence).toBeCloseTo(0.5, 6);
    expect(ab[0]!.lift).toBeCloseTo(7 / 6, 5);
    const ba = m.products.B!.related;
    expect(ba.map((r) => [r.sku, r.customers])).toEqual([['A', 2]]);
    expect(ba[0]!.confidence).toBeCloseTo(2 / 3, 5);
    expect(ba[0]!.lift).toBeCloseTo(7 / 6, 5);
    expect(m.products.C!.related).toEqual([]);
  });

  it('keeps only positive associations (lift > 1) with enough customers', () => {
    // Everyone buys P; half also buy Q after it: P → Q has lift 1 (no information), Q → P too.
    const cs: TrainItem[][] = [];
    for (let i = 0; i < 10; i++) cs.push([{ sku: 'P', purchasedAt: D(0) }, ...(i % 2 ? [{ sku: 'Q', purchasedAt: D(1) }] : [])]);
    const m = train(cs);
    expect(m.products.P!.related).toEqual([]);
    // minLift 0 keeps them (any co-purchase), for whoever prefers raw confidence.
    expect(train(cs, { minLift: 0 }).products.P!.related.map((r) => [r.sku, r.confidence, r.lift])).toEqual([['Q', 0.5, 1]]);
    expect(train(TINY, { minPairCustomers: 3 }).products.A!.related).toEqual([]);
  });

  it('keeps the top K related products, strongest first, ties by SKU', () => {
    const cs: TrainItem[][] = [];
    // Hub H, then related R00..R11 bought by 12..1 customers after H; plus unrelated X buyers.
    for (let k = 0; k < 12; k++) {
      for (let j = 0; j < 12 - k; j++) cs.push([{ sku: 'H', purchasedAt: D(0) }, { sku: `R${String(k).padStart(2, '0')}`, purchasedAt: D(1) }]);
    }
    for (let i = 0; i < 200; i++) cs.push([{ sku: 'X', purchasedAt: D(0) }]);
    const m = train(cs, { topK: 10 });
    expect(m.products.H!.related.map((r) => r.sku)).toEqual(['R00', 'R01', 'R02', 'R03', 'R04', 'R05', 'R06', 'R07', 'R08', 'R09']);
    const conf = m.products.H!.related.map((r) => r.confidence);
    expect([...conf].sort((a, b) => b - a)).toEqual(conf);
  });

  it('up-sell rates from the catalogue: owners of a tier who bought the next one with or after it', () => {
    const catalog = [
      { sku: 'E1', family: 'esp', tier: 1 }, { sku: 'E2', family: 'esp', tier: 2 }, { sku: 'E3', family: 'esp', tier: 3 },
      { sku: 'X', family: '', tier: 1 },
    ];
    const m = train([
      [{ sku: 'E1', purchasedAt: D(0) }, { sku: 'E2', purchasedAt: D(10) }],
      [{ sku: 'E1', purchasedAt: D(0) }],
      [{ sku: 'E1', purchasedAt: D(0) }],
      [{ sku: 'E2', purchasedAt: D(0) }, { sku: 'E1', purchasedAt: D(10) }],
    ], { catalog });
    // E1 has 4 buyers; 1 bought E2 with or after it (the 4th had E2 first: not a move up).
    expect(m.products.E1!.upgrade).toEqual({ sku: 'E2', movedUp: 1, rate: 0.25 });
    expect(m.products.E2!.upgrade).toEqual({ sku: 'E3', movedUp: 0, rate: 0 });
    expect(nextTiers(catalog)).toEqual(new Map([['E1', 'E2'], ['E2', 'E3']]));
    // Skipped tiers: the next one is the smallest tier above.
    expect(nextTiers([{ sku: 'a', family: 'f', tier: 1 }, { sku: 'c', family: 'f', tier: 5 }])).toEqual(new Map([['a', 'c']]));
  });

  it('rejects unparseable dates; an empty customer is ignored', () => {
    const t = new OfferTrainer();
    expect(() => t.addCustomer([{ sku: 'A', purchasedAt: 'yesterday' }])).toThrow(/not a date/);
    const u = new OfferTrainer();
    u.addCustomer([]);
    expect(u.finish({ trainedAt: 'x' }).customers).toBe(0);
  });

  it('serialises to JSON and parses back', () => {
    const m = train(TINY);
    const r = parseModel(JSON.stringify(m));
    expect(r).toEqual({ ok: true, model: m });
    expect(parseModel('{').ok).toBe(false);
    const bad = parseModel(JSON.stringify({ ...m, format: 'other' }));
    expect(bad.ok).toBe(false);
    expect(m.format).toBe(MODEL_FORMAT);
  });
});

describe('properties of training', () => {
  const SKUS = ['A', 'B', 'C', 'D', 'E', 'F'];
  const customer = fc.array(fc.record({ sku: fc.constantFrom(...SKUS), purchasedAt: fc.integer({ min: 0, max: 20 }).map(D) }), { minLength: 1, maxLength: 8 });
  const dataset = fc.array(customer, { minLength: 1, maxLength: 40 });

  /** Brute force: per pair, customers whose first B is at or after their first A. */
  function reference(cs: TrainItem[][]) {
    const first = cs.map((c) => {
      const f = new Map<string, number>();
      for (const it of c) {
        const t = Date.parse(String(it.purchasedAt));
        if (!f.has(it.sku) || t < f.get(it.sku)!) f.set(it.sku, t);
      }
      return f;
    });
    const buyers = (s: string): number => first.filter((f) => f.has(s)).length;
    const pair = (a: string, b: string): number => first.filter((f) => f.has(a) && f.has(b) && f.get(b)! >= f.get(a)!).length;
    return { n: cs.length, buyers, pair };
  }

  it('matches a brute-force count, and every kept pair has lift > 1', () => {
    fc.assert(fc.property(dataset, (cs) => {
      const m = train(cs, { topK: 10 });
      const ref = reference(cs);
      expect(m.customers).toBe(ref.n);
      for (const a of Object.keys(m.products)) {
        expect(m.products[a]!.buyers).toBe(ref.buyers(a));
        for (const r of m.products[a]!.related) {
          const c = ref.pair(a, r.sku);
          expect(r.customers).toBe(c);
          expect(r.support).toBeCloseTo(c / ref.n, 5);
          expect(r.confidence).toBeCloseTo(c / ref.buyers(a), 5);
          expect(r.confidence).toBeLessThanOrEqual(1);
          expect(r.lift).toBeCloseTo((c / ref.buyers(a)) / (ref.buyers(r.sku) / ref.n), 4);
          expect(r.lift).toBeGreaterThan(1);
        }
        // Nothing with lift > 1 was left out (6 products < topK).
        for (const b of SKUS) {
          if (b === a || !ref.buyers(b)) continue;
          const c = ref.pair(a, b);
          const lift = (c / ref.buyers(a)) / (ref.buyers(b) / ref.n);
          if (c >= 1 && lift > 1 + 1e-9) expect(m.products[a]!.related.some((r) => r.sku === b)).toBe(true);
        }
      }
    }), { numRuns: 150 });
  });

  it('does not depend on the order customers (or their items) arrive in', () => {
    fc.assert(fc.property(dataset, fc.integer(), (cs, seed) => {
      const shuffled = [...cs].map((c) => [...c].reverse());
      // Deterministic shuffle by seed.
      let s = seed >>> 0;
      for (let i = shuffled.length - 1; i > 0; i--) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const j = s % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      expect(JSON.stringify(train(shuffled))).toBe(JSON.stringify(train(cs)));
    }), { numRuns: 100 });
  });
});

describe('acceptance rates (Beta prior)', () => {
  it('no outcomes ⇒ neutral prior 0.5, no per-offer entries', () => {
    expect(acceptanceRates([])).toEqual({ alpha: 5, beta: 5, offers: [] });
  });

  it('per-offer posterior mean around the pooled rate', () => {
    const o = (sku: string, kind: OfferOutcome['kind'], outcome: OfferOutcome['outcome']): OfferOutcome => ({ sku, kind, outcome });
    const list = [o('X', 'cross_sell', 'accepted'), o('X', 'cross_sell', 'accepted'), o('X', 'cross_sell', 'accepted'), o('X', 'cross_sell', 'declined'),
      o('Y', 'up_sell', 'not_interested'), o('Y', 'up_sell', 'not_interested')];
    // pooled: (3 + 1) / (6 + 2) = 0.5 → α = β = 5 (strength 10)
    const a = acceptanceRates(list);
    expect(a.alpha).toBe(5);
    expect(a.beta).toBe(5);
    expect(a.offers).toEqual([
      { sku: 'X', kind: 'cross_sell', accepted: 3, declined: 1, notInterested: 0, rate: 0.571429 },
      { sku: 'Y', kind: 'up_sell', accepted: 0, declined: 0, notInterested: 2, rate: 0.416667 },
    ]);
    // The pooled rate moves the prior: all declined ⇒ prior mean 1/(n+2).
    const low = acceptanceRates([o('Z', 'cross_sell', 'declined'), o('Z', 'cross_sell', 'declined')], 4);
    expect(low.alpha / (low.alpha + low.beta)).toBeCloseTo(0.25, 6);
    expect(low.offers[0]!.rate).toBeCloseTo((0 + 1) / (2 + 4), 6);
  });

  it('many outcomes converge to the observed rate; the same offer as another kind is separate', () => {
    const list: OfferOutcome[] = [];
    for (let i = 0; i < 1000; i++) list.push({ sku: 'X', kind: 'cross_sell', outcome: i % 5 === 0 ? 'accepted' : 'declined' });
    list.push({ sku: 'X', kind: 'up_sell', outcome: 'accepted' });
    const a = acceptanceRates(list);
    expect(a.offers.find((s) => s.kind === 'cross_sell')!.rate).toBeCloseTo(0.2, 2);
    expect(a.offers.find((s) => s.kind === 'up_sell')!.accepted).toBe(1);
  });
});
