// Next-best-offer at pop time: pure, offline, deterministic. Runs on the desktop against the
// model (trained locally or published by the hub) and the product catalogue.
//
// 1. Service actions (rules, always first): an overdue balance → settle it; credit on hold or
//    blocked → no product offers at all (said in the reason).
// 2. Candidates: cross-sell = related products of what the customer owns; up-sell = the next tier
//    above the highest tier owned in each family. Never an owned product, never one the customer
//    declined (or said yes to) in the last `suppressDays`.
// 3. Eligibility before scoring: a product offer goes on the credit line, so its price must fit the
//    available credit (limit − balance) in the same currency; without a credit record the customer
//    pays at order (basis "upfront"; configurable).
// 4. Score = propensity × value × acceptance, each in [0, 1]:
//    - propensity = 1 − Π(1 − confidence_i · w_i) over owned products i pointing at the candidate
//      (and the family's "moved up" rate for an up-sell), w_i = recency weight of i's last purchase;
//    - value = (1 + ln(1 + margin · price)) / (1 + ln(1 + max over the catalogue)), price in major
//      units. Why log: expected margin (margin · price) would be the textbook objective if
//      propensity were calibrated across price levels — it is not (co-purchase confidence says
//      nothing about willingness to pay), and a linear value lets a €5,000 machine with a 1 %
//      signal bury €30 capsules bought by 40 % of machine owners. The log keeps "worth more" as a
//      tie-breaker between similar propensities (≈ 2.4× between capsules and the dearest machine of
//      the demo catalogue, instead of 150×) without burying cheap consumables. The "1 +" keeps a
//      product with no margin on file (the feed's default) above zero: it still ranks by propensity;
//    - acceptance = Beta-smoothed acceptance rate of this offer (the prior mean when nothing was
//      recorded: then every offer gets the same factor and ranking is unchanged).
import { minorDigits, toMajor } from '../money';
import type { Pop } from '../pop/schema';
import { type OfferModel, type RelatedProduct, type Upgrade } from './model';
import { SERVICE_CREDIT_REVIEW, SERVICE_SETTLE_OVERDUE, type Offer, type OfferBasis, type OfferKind, type RecentOutcome } from './schema';
import { formatDay, formatMoney, formatPct, formatRatio, inMonth } from './format';
import { nextTiers } from './train';

export interface CatalogProduct {
  name: string;
  family: string;
  tier: number;
  priceMinor: number;
  currency: string;
  margin: number;
}

export interface PreparedProduct extends CatalogProduct {
  sku: string;
  /** (1 + ln(1 + margin · price)) / (1 + ln(1 + max of the catalogue)), in (0, 1]. */
  value: number;
}

/** The catalogue indexed once (value factors, next tiers). */
export interface PreparedCatalog {
  readonly prepared: 'catalog';
  products: Map<string, PreparedProduct>;
  nextTier: Map<string, string>;
}

/** The model indexed once for the hot path. */
export interface PreparedModel {
  readonly prepared: 'model';
  model: OfferModel;
  related: Map<string, RelatedProduct[]>;
  upgrade: Map<string, Upgrade>;
  acceptance: Map<string, number>;
  priorMean: number;
  halfLifeMs: number;
  floor: number;
  suppressMs: number;
}

export interface OfferContext {
  /** The moment of the call: epoch ms or Date. */
  now: number | Date;
  /** The customer's recent outcomes (any age; only those within `suppressDays` matter). */
  recentOutcomes?: readonly RecentOutcome[];
  /**
   * The catalogue. A plain map is prepared on first use and cached by identity (treat it as
   * immutable afterwards); pass `prepareCatalog(map)` to control when that happens.
   */
  products: ReadonlyMap<string, CatalogProduct> | PreparedCatalog;
  /**
   * Everything the customer owns, SKU → last purchase (epoch ms or ISO). Defaults to the pop's
   * purchases; pass it when those are truncated (the pop shows the latest 50 lines).
   */
  owned?: ReadonlyMap<string, number | string>;
  /** At most this many offers, service actions included (default 3). */
  limit?: number;
  /** A customer without credit terms on file: offer products paid at order (default) or none. */
  noCreditRecord?: 'upfront' | 'exclude';
}

const DAY_MS = 86_400_000;
export const SETTLE_SCORE = 2;
export const CREDIT_REVIEW_SCORE = 1.5;

// -----------------------------------------------------------------------------------------------
// Preparation (once per catalogue / model; cached by identity for callers that pass plain objects)

const catalogCache = new WeakMap<object, PreparedCatalog>();
const modelCache = new WeakMap<OfferModel, PreparedModel>();

export function prepareCatalog(products: ReadonlyMap<string, CatalogProduct> | Iterable<[string, CatalogProduct]>): PreparedCatalog {
  const entries = [...products];
  const raw = entries.map(([, p]) => 1 + Math.log1p(Math.max(0, p.margin) * Math.max(0, toMajor(p.priceMinor, p.currency))));
  const max = raw.reduce((m, x) => (x > m ? x : m), 1);
  const map = new Map<string, PreparedProduct>();
  entries.forEach(([sku, p], i) => map.set(sku, { ...p, sku, value: raw[i]! / max }));
  const nextTier = nextTiers(entries.map(([sku, p]) => ({ sku, family: p.family, tier: p.tier })));
  return { prepared: 'catalog', products: map, nextTier };
}

export function prepareModel(model: OfferModel): PreparedModel {
  const cached = modelCache.get(model);
  if (cached) return cached;
  const related = new Map<string, RelatedProduct[]>();
  const upgrade = new Map<string, Upgrade>();
  for (const [sku, s] of Object.entries(model.products)) {
    if (s.related.length) related.set(sku, s.related);
    if (s.upgrade) upgrade.set(sku, s.upgrade);
  }
  const acceptance = new Map<string, number>();
  for (const a of model.acceptance.offers) acceptance.set(acceptKey(a.kind, a.sku), a.rate);
  const rank = model.rank;
  const p: PreparedModel = {
    prepared: 'model',
    model,
    related,
    upgrade,
    acceptance,
    priorMean: model.acceptance.alpha / (model.acceptance.alpha + model.acceptance.beta),
    halfLifeMs: rank.halfLifeDays * DAY_MS,
    floor: rank.recencyFloor,
    suppressMs: rank.suppressDays * DAY_MS,
  };
  modelCache.set(model, p);
  return p;
}

function catalogOf(products: OfferContext['products']): PreparedCatalog {
  if (isPreparedCatalog(products)) return products;
  let c = catalogCache.get(products);
  if (!c) {
    c = prepareCatalog(products);
    catalogCache.set(products, c);
  }
  return c;
}

function isPreparedCatalog(p: OfferContext['products']): p is PreparedCatalog {
  return (p as PreparedCatalog).prepared === 'catalog';
}

function acceptKey(kind: OfferKind, sku: string): string {
  return `${kind}\u0000${sku}`;
}

/** Weight of a signal from a product last bought `ageMs` ago: halves every half-life, floored. */
export function recencyWeight(ageMs: number, halfLifeMs: number, floor: number): number {
  const age = ageMs > 0 ? ageMs : 0;
  return floor + (1 - floor) * Math.pow(2, -age / halfLifeMs);
}

// -----------------------------------------------------------------------------------------------
// Ranking

interface Candidate {
  sku: string;
  kind: OfferKind;
  /** Π(1 − confidence·w) so far. */
  notP: number;
  signals: number;
  best: RelatedProduct | null;
  bestFrom: string;
  bestFromAt: number;
  bestContribution: number;
  up: { from: string; tier: number; upgrade: Upgrade | null } | null;
}

interface Scored {
  c: Candidate;
  p: PreparedProduct;
  score: number;
  propensity: number;
  acceptance: number;
  basis: OfferBasis;
}

/** The top offers for one pop (service actions first, then products by score). */
export function offersForPop(pop: Pop, model: OfferModel | PreparedModel, ctx: OfferContext): Offer[] {
  const m = (model as PreparedModel).prepared === 'model' ? (model as PreparedModel) : prepareModel(model as OfferModel);
  const cat = catalogOf(ctx.products);
  const now = typeof ctx.now === 'number' ? ctx.now : ctx.now.getTime();
  const limit = ctx.limit ?? 3;
  const offers: Offer[] = [];
  if (limit <= 0) return offers;

  // 1. Service actions.
  const status = pop.credit?.status;
  const creditStopped = status === 'hold' || status === 'blocked';
  const acc = pop.account;
  if (acc && acc.overdueAmount > 0) offers.push(settleOverdue(acc, status, now));
  else if (creditStopped) offers.push(creditReview(status, pop.credit?.currency ?? null));
  if (creditStopped || offers.length >= limit) return offers.slice(0, limit);

  // 2. What the customer owns, and what they recently turned down.
  const owned = new Map<string, number>();
  if (ctx.owned) {
    for (const [sku, at] of ctx.owned) owned.set(sku, typeof at === 'number' ? at : Date.parse(at));
  } else {
    for (const p of pop.purchases) {
      const t = Date.parse(p.purchasedAt);
      const prev = owned.get(p.sku);
      if (prev === undefined || t > prev) owned.set(p.sku, t);
    }
  }
  let suppressed: Set<string> | null = null;
  if (ctx.recentOutcomes?.length) {
    for (const o of ctx.recentOutcomes) {
      const at = Date.parse(o.at);
      // Future-dated (clock skew) or unparseable dates count as recent: err on not repeating.
      if (!(now - at < m.suppressMs) && !Number.isNaN(at)) continue;
      (suppressed ??= new Set()).add(o.sku);
    }
  }

  const cands = new Map<string, Candidate>();
  const candidate = (sku: string): Candidate => {
    let c = cands.get(sku);
    if (!c) {
      c = { sku, kind: 'cross_sell', notP: 1, signals: 0, best: null, bestFrom: '', bestFromAt: 0, bestContribution: -1, up: null };
      cands.set(sku, c);
    }
    return c;
  };

  // 3a. Cross-sell: the related products of everything owned.
  const familyTop = new Map<string, { sku: string; tier: number; at: number }>();
  for (const [sku, at] of owned) {
    const info = cat.products.get(sku);
    if (info && info.family) {
      const top = familyTop.get(info.family);
      if (!top || info.tier > top.tier || (info.tier === top.tier && (at > top.at || (at === top.at && sku < top.sku)))) {
        familyTop.set(info.family, { sku, tier: info.tier, at });
      }
    }
    const rel = m.related.get(sku);
    if (!rel) continue;
    const w = recencyWeight(now - at, m.halfLifeMs, m.floor);
    for (const r of rel) {
      if (owned.has(r.sku) || suppressed?.has(r.sku)) continue;
      const c = candidate(r.sku);
      const contribution = r.confidence * w;
      c.notP *= 1 - contribution;
      c.signals++;
      if (contribution > c.bestContribution || (contribution === c.bestContribution && sku < c.bestFrom)) {
        c.best = r;
        c.bestFrom = sku;
        c.bestFromAt = at;
        c.bestContribution = contribution;
      }
    }
  }

  // 3b. Up-sell: the next tier above the highest tier owned in each family.
  for (const top of familyTop.values()) {
    const next = cat.nextTier.get(top.sku);
    if (next === undefined || owned.has(next) || suppressed?.has(next)) continue;
    const up = m.upgrade.get(top.sku);
    const upgrade = up && up.sku === next ? up : null;
    const c = candidate(next);
    c.kind = 'up_sell';
    c.up = { from: top.sku, tier: top.tier, upgrade };
    if (upgrade) c.notP *= 1 - upgrade.rate * recencyWeight(now - top.at, m.halfLifeMs, m.floor);
  }

  // 4. Eligibility, then score.
  const credit = pop.credit;
  let availableMinor = 0;
  if (credit) {
    const d = minorDigits(credit.currency);
    availableMinor = Math.round(credit.available * 10 ** (d < 0 ? 2 : d));
  }
  const scored: Scored[] = [];
  for (const c of cands.values()) {
    const propensity = 1 - c.notP;
    if (!(propensity > 0)) continue;
    const p = cat.products.get(c.sku);
    if (!p) continue; // not in the catalogue: cannot price it
    let basis: OfferBasis;
    if (credit) {
      if (p.currency !== credit.currency || p.priceMinor > availableMinor) continue;
      basis = 'credit';
    } else {
      if (ctx.noCreditRecord === 'exclude') continue;
      basis = 'upfront';
    }
    const acceptance = m.acceptance.get(acceptKey(c.kind, c.sku)) ?? m.priorMean;
    scored.push({ c, p, score: propensity * p.value * acceptance, propensity, acceptance, basis });
  }
  scored.sort((a, b) => b.score - a.score || (a.c.sku < b.c.sku ? -1 : a.c.sku > b.c.sku ? 1 : 0));

  const room = limit - offers.length;
  for (let i = 0; i < scored.length && i < room; i++) offers.push(productOffer(scored[i]!, cat, now));
  return offers;
}

// -----------------------------------------------------------------------------------------------
// Offers and their reasons

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

function productOffer(s: Scored, cat: PreparedCatalog, now: number): Offer {
  const { c, p } = s;
  let reason: string;
  let reasonIt: string;
  if (c.kind === 'up_sell' && c.up) {
    const from = cat.products.get(c.up.from)?.name ?? c.up.from;
    reason = `Owns ${from} (tier ${c.up.tier}); ${p.name} is the next tier`;
    reasonIt = `Possiede ${from} (livello ${c.up.tier}); ${p.name} è il livello successivo`;
    const u = c.up.upgrade;
    if (u && u.movedUp > 0) {
      reason += ` — ${formatPct(u.rate)} of ${from} owners moved up`;
      reasonIt += ` — il ${formatPct(u.rate)} di chi ha ${from} è passato a quel livello`;
    }
  } else {
    const r = c.best!;
    const from = cat.products.get(c.bestFrom)?.name ?? c.bestFrom;
    reason = `Bought ${from} ${inMonth(c.bestFromAt, now, 'en')}; ${formatPct(r.confidence)} of buyers of ${from} went on to buy ${p.name} — ${formatRatio(r.lift, 'en')}× the usual rate`;
    reasonIt = `Ha acquistato ${from} ${inMonth(c.bestFromAt, now, 'it')}; il ${formatPct(r.confidence)} di chi ha comprato ${from} ha poi comprato ${p.name} — ${formatRatio(r.lift, 'it')} volte il tasso abituale`;
    const more = c.signals - 1;
    if (more > 0) {
      reason += more === 1 ? ' (1 more of their products points to it)' : ` (${more} more of their products point to it)`;
      reasonIt += more === 1 ? ' (lo suggerisce anche un altro suo prodotto)' : ` (lo suggeriscono anche altri ${more} suoi prodotti)`;
    }
  }
  return {
    sku: c.sku,
    kind: c.kind,
    score: s.score,
    reason,
    reasonIt,
    productName: p.name,
    price: toMajor(p.priceMinor, p.currency),
    currency: p.currency,
    basis: s.basis,
    signals: { propensity: r4(s.propensity), value: r4(p.value), acceptance: r4(s.acceptance) },
  };
}

const STOP_EN = { hold: 'credit on hold', blocked: 'credit blocked' } as const;
const STOP_IT = { hold: 'fido sospeso', blocked: 'fido bloccato' } as const;

function settleOverdue(acc: NonNullable<Pop['account']>, status: string | undefined, now: number): Offer {
  const due = acc.oldestDueDate ? Date.parse(acc.oldestDueDate) : NaN;
  const en = formatMoney(acc.overdueAmount, acc.currency, 'en');
  const it = formatMoney(acc.overdueAmount, acc.currency, 'it');
  let reason = Number.isNaN(due) ? `${en} overdue` : `${en} overdue since ${formatDay(due, now, 'en')}`;
  let reasonIt = Number.isNaN(due) ? `${it} scaduti` : `${it} scaduti dal ${formatDay(due, now, 'it')}`;
  if (status === 'hold' || status === 'blocked') {
    reason += ` — settle first; ${STOP_EN[status]}, so no product offers`;
    reasonIt += ` — da saldare prima di tutto; ${STOP_IT[status]}, quindi nessuna offerta di prodotti`;
  } else {
    reason += ' — settle before offering';
    reasonIt += ' — da saldare prima di proporre altro';
  }
  return {
    sku: SERVICE_SETTLE_OVERDUE, kind: 'service', score: SETTLE_SCORE, reason, reasonIt,
    productName: 'Settle the overdue amount', price: acc.overdueAmount, currency: acc.currency,
  };
}

function creditReview(status: 'hold' | 'blocked', currency: string | null): Offer {
  const en = status === 'hold' ? 'Credit on hold' : 'Credit blocked';
  const it = status === 'hold' ? 'Fido sospeso' : 'Fido bloccato';
  return {
    sku: SERVICE_CREDIT_REVIEW, kind: 'service', score: CREDIT_REVIEW_SCORE,
    reason: `${en} — no product offers; refer the customer to credit control`,
    reasonIt: `${it} — nessuna offerta di prodotti; indirizzare il cliente all'ufficio crediti`,
    productName: 'Refer to credit control', price: null, currency,
  };
}
