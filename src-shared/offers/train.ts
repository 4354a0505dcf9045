// Training the offer model: pure and streaming, so the desktop (SQLite) and the hub (PostgreSQL,
// `pronto-hub train-offers`) run the same code. Feed it one customer at a time, in any order:
//
//   const t = new OfferTrainer({ catalog });
//   for (const customer of stream) t.addCustomer(customer.items);
//   t.addOutcomes(outcomes);
//   const model = t.finish({ trainedAt, version, source: 'local' });
//
// Memory is O(products + distinct related pairs), never O(purchases). Per customer, a product
// counts once (first purchase); a pair A → B counts when B was first bought at or after A.
import { MODEL_FORMAT, DEFAULT_RANK_PARAMS, type AcceptanceStat, type OfferModel, type ProductStats, type RankParams, type RelatedProduct } from './model';
import type { OfferOutcome, OfferKind } from './schema';

export interface TrainItem {
  sku: string;
  /** ISO 8601 instant (text) or epoch milliseconds. */
  purchasedAt: string | number;
}

export interface CatalogEntry {
  sku: string;
  family: string;
  tier: number;
}

export interface TrainerOptions {
  /** Related products kept per product (default 10). */
  topK?: number;
  /** A pair needs at least this many customers to be kept (default 3): filters noise on small stores. */
  minPairCustomers?: number;
  /** A related product must be bought more than this many times the usual rate (default 1: positive association only). */
  minLift?: number;
  /** Families and tiers, to compute up-sell ("moved up") rates. Without it the model has no `upgrade`s. */
  catalog?: Iterable<CatalogEntry>;
  /** Weight of the Beta prior on per-offer acceptance, in pseudo-outcomes (default 10). */
  priorStrength?: number;
  rank?: Partial<RankParams>;
}

export interface FinishOptions {
  trainedAt: string;
  version?: number;
  source?: OfferModel['source'];
}

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export class OfferTrainer {
  private skuIndex = new Map<string, number>();
  private skus: string[] = [];
  private buyers: number[] = [];
  /** pairs[a].get(b) = customers who bought b at or after a. */
  private pairs: Map<number, number>[] = [];
  private customers = 0;
  private purchases = 0;
  private outcomes = new Map<string, { sku: string; kind: OfferKind; a: number; d: number; n: number }>();
  private readonly topK: number;
  private readonly minPair: number;
  private readonly minLift: number;
  private readonly priorStrength: number;
  private readonly rank: RankParams;
  private readonly nextTier = new Map<string, string>();
  // Scratch buffers for one customer (reused: no allocation per customer once warmed up).
  private firstAt = new Map<number, number>();
  private idx: number[] = [];
  private times: number[] = [];

  constructor(opts: TrainerOptions = {}) {
    this.topK = opts.topK ?? 10;
    this.minPair = opts.minPairCustomers ?? 3;
    this.minLift = opts.minLift ?? 1;
    this.priorStrength = opts.priorStrength ?? 10;
    this.rank = { ...DEFAULT_RANK_PARAMS, ...opts.rank };
    if (!(this.topK >= 1) || !(this.minPair >= 1) || !(this.priorStrength > 0)) throw new Error('topK, minPairCustomers and priorStrength must be positive');
    if (opts.catalog) {
      for (const [sku, next] of nextTiers(opts.catalog)) this.nextTier.set(sku, next);
    }
  }

  private index(sku: string): number {
    let i = this.skuIndex.get(sku);
    if (i === undefined) {
      i = this.skus.length;
      this.skuIndex.set(sku, i);
      this.skus.push(sku);
      this.buyers.push(0);
      this.pairs.push(new Map());
    }
    return i;
  }

  /** All purchases of one customer (any order). Call once per customer. */
  addCustomer(items: readonly TrainItem[]): void {
    if (items.length === 0) return;
    const first = this.firstAt;
    first.clear();
    for (const it of items) {
      const t = typeof it.purchasedAt === 'number' ? it.purchasedAt : Date.parse(it.purchasedAt);
      if (Number.isNaN(t)) throw new Error(`purchasedAt "${String(it.purchasedAt)}" of ${it.sku} is not a date`);
      const i = this.index(it.sku);
      const prev = first.get(i);
      if (prev === undefined || t < prev) first.set(i, t);
    }
    this.customers++;
    this.purchases += items.length;
    const idx = this.idx;
    const times = this.times;
    idx.length = 0;
    times.length = 0;
    for (const [i, t] of first) {
      idx.push(i);
      times.push(t);
      this.buyers[i]!++;
    }
    const k = idx.length;
    for (let x = 0; x < k; x++) {
      const a = idx[x]!;
      const ta = times[x]!;
      const row = this.pairs[a]!;
      for (let y = 0; y < k; y++) {
        if (y === x || times[y]! < ta) continue;
        const b = idx[y]!;
        row.set(b, (row.get(b) ?? 0) + 1);
      }
    }
  }

  addOutcome(o: OfferOutcome): void {
    const key = `${o.kind}\u0000${o.sku}`;
    let s = this.outcomes.get(key);
    if (!s) {
      s = { sku: o.sku, kind: o.kind, a: 0, d: 0, n: 0 };
      this.outcomes.set(key, s);
    }
    if (o.outcome === 'accepted') s.a++;
    else if (o.outcome === 'declined') s.d++;
    else s.n++;
  }

  addOutcomes(list: Iterable<OfferOutcome>): void {
    for (const o of list) this.addOutcome(o);
  }

  finish(opts: FinishOptions): OfferModel {
    const n = this.customers;
    const products: Record<string, ProductStats> = {};
    // Sorted SKU order: the same data gives the same JSON, whatever order customers came in.
    const order = this.skus.map((_, i) => i).sort((a, b) => cmp(this.skus[a]!, this.skus[b]!));
    for (const a of order) {
      const sku = this.skus[a]!;
      const buyersA = this.buyers[a]!;
      const related: RelatedProduct[] = [];
      for (const [b, c] of this.pairs[a]!) {
        if (c < this.minPair) continue;
        const confidence = c / buyersA;
        const lift = confidence / (this.buyers[b]! / n);
        if (!(lift > this.minLift)) continue;
        related.push({ sku: this.skus[b]!, customers: c, support: r6(c / n), confidence: r6(confidence), lift: r6(lift) });
      }
      related.sort((x, y) => y.customers - x.customers || cmp(x.sku, y.sku));
      if (related.length > this.topK) related.length = this.topK;
      const stats: ProductStats = { buyers: buyersA, related };
      const next = this.nextTier.get(sku);
      if (next !== undefined) {
        const b = this.skuIndex.get(next);
        const movedUp = b === undefined ? 0 : this.pairs[a]!.get(b) ?? 0;
        stats.upgrade = { sku: next, movedUp, rate: r6(buyersA ? movedUp / buyersA : 0) };
      }
      products[sku] = stats;
    }
    return {
      format: MODEL_FORMAT,
      version: opts.version ?? 1,
      trainedAt: opts.trainedAt,
      source: opts.source ?? 'local',
      customers: n,
      purchases: this.purchases,
      params: { topK: this.topK, minPairCustomers: this.minPair, minLift: this.minLift },
      rank: { ...this.rank },
      products,
      acceptance: acceptanceFrom(this.outcomes.values(), this.priorStrength),
    };
  }
}

/**
 * Feeds a trainer from purchase rows that arrive ORDERED BY CUSTOMER (a database cursor or
 * keyset pages): consecutive rows of one customer become one addCustomer call, so only one
 * customer's items are in memory at a time. Used by the desktop (SQLite) and the hub (PostgreSQL).
 */
export class CustomerRows {
  private current: string | null = null;
  private items: TrainItem[] = [];

  constructor(private readonly trainer: OfferTrainer) {}

  add(customerId: string, sku: string, purchasedAt: string | number): void {
    if (customerId !== this.current) {
      this.flush();
      this.current = customerId;
    }
    this.items.push({ sku, purchasedAt });
  }

  /** Hands over the last customer; call once after the last row. */
  flush(): void {
    if (this.items.length) this.trainer.addCustomer(this.items);
    this.items = [];
  }
}

/**
 * Per-offer acceptance with a Beta prior. The prior's mean is the pooled rate of all recorded
 * outcomes, itself smoothed with Beta(1, 1) — so with no outcomes at all every offer gets 0.5 and
 * ranking is unchanged (neutral); an offer with few outcomes stays near the pooled rate; one with
 * many converges to its own rate. `strength` is the prior's weight in pseudo-outcomes.
 */
export function acceptanceRates(outcomes: Iterable<OfferOutcome>, strength = 10): OfferModel['acceptance'] {
  const t = new OfferTrainer({ priorStrength: strength });
  t.addOutcomes(outcomes);
  return t.finish({ trainedAt: '' }).acceptance;
}

function acceptanceFrom(stats: Iterable<{ sku: string; kind: OfferKind; a: number; d: number; n: number }>, strength: number): OfferModel['acceptance'] {
  const list = [...stats];
  let accepted = 0;
  let shown = 0;
  for (const s of list) {
    accepted += s.a;
    shown += s.a + s.d + s.n;
  }
  const mean = (accepted + 1) / (shown + 2);
  const alpha = mean * strength;
  const beta = (1 - mean) * strength;
  const offers: AcceptanceStat[] = list
    .map((s) => ({
      sku: s.sku, kind: s.kind, accepted: s.a, declined: s.d, notInterested: s.n,
      rate: r6((s.a + alpha) / (s.a + s.d + s.n + alpha + beta)),
    }))
    .sort((x, y) => cmp(x.kind, y.kind) || cmp(x.sku, y.sku));
  return { alpha: r6(alpha), beta: r6(beta), offers };
}

/** For each product, the SKU of the next tier up in its family (the smallest tier above it). */
export function nextTiers(catalog: Iterable<CatalogEntry>): Map<string, string> {
  const byFamily = new Map<string, CatalogEntry[]>();
  for (const p of catalog) {
    if (!p.family) continue;
    let l = byFamily.get(p.family);
    if (!l) byFamily.set(p.family, (l = []));
    l.push(p);
  }
  const out = new Map<string, string>();
  for (const l of byFamily.values()) {
    l.sort((a, b) => a.tier - b.tier || cmp(a.sku, b.sku));
    for (const p of l) {
      const next = l.find((q) => q.tier > p.tier);
      if (next) out.set(p.sku, next.sku);
    }
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
