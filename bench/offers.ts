// node bin/run-ts.mjs bench/offers.ts [--customers 100000] [--seed 1] [--keep]
// Offline evaluation of next-best-offer on seeded data: every customer's most recent order is held
// out, the model is trained on the rest (the same OfferTrainer as the product), and the product's
// ranking (offersForPop, with the customer's remaining purchases and the account and credit from
// the store) is asked for offers at the moment of the held-out order.
//   hit_rate_at_3: share of customers with ≥ 2 orders whose held-out order contains a SKU among the
//   first 3 PRODUCT offers. Service actions (settle overdue, credit hold) are not counted as slots:
//   they are rules, not predictions; the ranking is asked for 5 offers (≤ 2 are service actions)
//   and its first 3 product offers are kept. Credit rules stay on, so customers on hold/blocked get
//   no product offers and count as misses (the baseline gets no such handicap).
//   popularity_hit_rate_at_3: the 3 most-bought products (training rows) the customer does not own.
// Prints one JSON line last. Temp files are removed unless --keep.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateFeeds } from '../src-main/seed/generate';
import { openStore, openConnection } from '../src-main/db/store';
import { Importer } from '../src-main/services/import/importer';
import { LookupService } from '../src-main/services/lookup';
import { loadCatalog } from '../src-main/services/offers/train-local';
import { OfferService } from '../src-main/services/offers/service';
import { OfferTrainer } from '../src-shared/offers/train';
import { offersForPop, prepareCatalog, prepareModel } from '../src-shared/offers/rank';
import type { Offer } from '../src-shared/offers/schema';
import type { Pop } from '../src-shared/pop/schema';
import { formatProblem } from '../src-shared/feeds/node/csv';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    purchases: { type: 'string' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
});
const customers = Number(values.customers);
const purchases = values.purchases ? Number(values.purchases) : customers * 5;
const seed = Number(values.seed);
if (!Number.isInteger(customers) || customers < 1 || customers > 2_000_000) throw new Error('--customers must be 1..2000000');
const log = (m: string): void => console.error(`[bench:offers] ${m}`);
const pct = (sorted: number[], p: number): number => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : 0;
const round = (n: number, d = 4): number => Math.round(n * 10 ** d) / 10 ** d;

interface Case {
  customerId: string;
  held: Set<string>;
  heldAt: number;
  owned: Map<string, number>;
  /** Held-out order contains a SKU the customer did not own before (the only kind an offer can hit). */
  hasNew: boolean;
}

const work = mkdtempSync(join(tmpdir(), 'pronto-bench-offers-'));
try {
  let t = performance.now();
  const seeded = await generateFeeds({ outDir: join(work, 'feeds'), customers, purchases, seed });
  log(`seeded ${customers} customers / ${purchases} purchases in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const store = openStore(join(work, 'store'));
  const conn = openConnection(store);
  t = performance.now();
  const results = await new Importer(conn).importFiles(Object.values(seeded.files), { onProblem: (f, p) => log(formatProblem(f, p)) });
  conn.close();
  if (!results.every((r) => r.applied)) throw new Error('import failed');
  log(`imported in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // Leave-last-order-out: stream purchases by customer (the purchases_customer_time index), train
  // on everything but each customer's most recent order.
  const catalogMap = loadCatalog(store.sqlite);
  const trainer = new OfferTrainer({ catalog: [...catalogMap].map(([sku, p]) => ({ sku, family: p.family, tier: p.tier })) });
  const bought = new Map<string, number>();
  const cases: Case[] = [];
  t = performance.now();
  const stmt = store.sqlite.prepare('SELECT customer_id, order_id, sku, purchased_at FROM purchases ORDER BY customer_id, purchased_at, order_id').raw();
  let cur: string | null = null;
  let rows: [string, string, string, string][] = [];
  const flush = (): void => {
    if (!rows.length || cur === null) return;
    const last = rows[rows.length - 1]!;
    const heldOrder = last[1];
    const rest = rows.filter((r) => r[1] !== heldOrder);
    const items = rest.map((r) => ({ sku: r[2], purchasedAt: Date.parse(r[3]) }));
    trainer.addCustomer(items);
    for (const it of items) bought.set(it.sku, (bought.get(it.sku) ?? 0) + 1);
    if (!rest.length) return; // one order only: nothing to rank from
    const owned = new Map<string, number>();
    for (const it of items) if ((owned.get(it.sku) ?? -Infinity) < it.purchasedAt) owned.set(it.sku, it.purchasedAt);
    const held = new Set(rows.filter((r) => r[1] === heldOrder).map((r) => r[2]));
    cases.push({ customerId: cur, held, heldAt: Date.parse(last[3]), owned, hasNew: [...held].some((s) => !owned.has(s)) });
  };
  for (const r of stmt.iterate() as IterableIterator<[string, string, string, string]>) {
    if (r[0] !== cur) {
      flush();
      cur = r[0];
      rows = [];
    }
    rows.push(r);
  }
  flush();
  const model = trainer.finish({ trainedAt: new Date().toISOString(), source: 'test' });
  const trainS = (performance.now() - t) / 1000;
  const modelBytes = JSON.stringify(model).length;
  log(`trained on ${model.purchases} purchases of ${model.customers} customers in ${trainS.toFixed(1)} s; model ${(modelBytes / 1024).toFixed(0)} KB; ${cases.length} customers with ≥2 orders`);

  const popularity = [...bought].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([sku]) => sku);
  const prepared = prepareModel(model);
  const catalog = prepareCatalog(catalogMap);
  const lookup = new LookupService(store.sqlite, 'IT');
  const pops: Pop[] = cases.map((c) => lookup.pop(c.customerId)!);

  const rank = (i: number): Offer[] => {
    const c = cases[i]!;
    return offersForPop(pops[i]!, prepared, { now: c.heldAt, products: catalog, owned: c.owned, limit: 5 });
  };
  for (let i = 0; i < Math.min(cases.length, 3000); i++) rank(i); // warm-up (JIT)

  const times: number[] = new Array(cases.length);
  let hits = 0, popHits = 0, popEligibleHits = 0, newCases = 0, hitsNew = 0, popHitsNew = 0, noProductOffers = 0, withService = 0;
  const kindHits = { cross_sell: 0, up_sell: 0 };
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i]!;
    const pop = pops[i]!;
    const s = performance.now();
    const offers = rank(i);
    times[i] = performance.now() - s;
    if (offers.some((o) => o.kind === 'service')) withService++;
    const top = offers.filter((o) => o.kind !== 'service').slice(0, 3);
    if (!top.length) noProductOffers++;
    const hitOffer = top.find((o) => c.held.has(o.sku));
    const hit = hitOffer !== undefined;
    if (hitOffer) kindHits[hitOffer.kind as 'cross_sell' | 'up_sell']++;
    // Popularity baseline: the top 3 most-bought products not owned; and the same with the credit rules.
    let k = 0, e = 0, pHit = false, eHit = false;
    const stopped = pop.credit?.status === 'hold' || pop.credit?.status === 'blocked';
    for (const sku of popularity) {
      if (c.owned.has(sku)) continue;
      if (k < 3) { k++; if (c.held.has(sku)) pHit = true; }
      const p = catalog.products.get(sku);
      if (e < 3 && !stopped && p && (!pop.credit || (p.currency === pop.credit.currency && p.priceMinor <= Math.round(pop.credit.available * 100)))) {
        e++;
        if (c.held.has(sku)) eHit = true;
      }
      if (k >= 3 && (e >= 3 || stopped)) break;
    }
    if (hit) hits++;
    if (pHit) popHits++;
    if (eHit) popEligibleHits++;
    if (c.hasNew) {
      newCases++;
      if (hit) hitsNew++;
      if (pHit) popHitsNew++;
    }
  }
  times.sort((a, b) => a - b);

  // The production path as the pop calls it: OfferService.offersFor on each customer's current pop
  // (including the store query when the pop's purchase list is truncated), at the data's "now".
  const anchorMs = Date.parse(store.sqlite.prepare('SELECT max(purchased_at) FROM purchases').pluck().get() as string);
  const service = new OfferService(store.sqlite, { now: () => anchorMs, model });
  const sample = Math.min(cases.length, 20000);
  for (let i = 0; i < Math.min(sample, 2000); i++) service.offersFor(pops[i]!);
  const serviceTimes: number[] = [];
  for (let i = 0; i < sample; i++) {
    const s = performance.now();
    service.offersFor(pops[i]!);
    serviceTimes.push(performance.now() - s);
  }
  serviceTimes.sort((a, b) => a - b);
  store.close();
  const n = cases.length;
  const out = {
    bench: 'offers',
    customers,
    hit_rate_at_3: round(hits / n),
    popularity_hit_rate_at_3: round(popHits / n),
    p99_ms: round(pct(times, 0.99)),
    lift_vs_popularity: round(hits / Math.max(1, popHits), 2),
    evaluated: n,
    p50_ms: round(pct(times, 0.5)),
    max_ms: round(times[times.length - 1] ?? 0),
    service_p99_ms: round(pct(serviceTimes, 0.99)),
    popularity_credit_rules_hit_rate_at_3: round(popEligibleHits / n),
    new_item_customers: newCases,
    hit_rate_at_3_new_item: round(hitsNew / Math.max(1, newCases)),
    popularity_hit_rate_at_3_new_item: round(popHitsNew / Math.max(1, newCases)),
    hits_cross_sell: kindHits.cross_sell,
    hits_up_sell: kindHits.up_sell,
    no_product_offers: noProductOffers,
    with_service_action: withService,
    purchases,
    seed,
    train_s: round(trainS, 2),
    model_kb: Math.round(modelBytes / 1024),
  };
  console.log(JSON.stringify(out));
} finally {
  if (!values.keep) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}
