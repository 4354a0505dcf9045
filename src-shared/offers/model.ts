// The offer model: what training produces and ranking reads. Plain JSON (stored in the desktop's
// `meta` table, published by the hub through sync), validated with zod on load.
//
// Statistics are per customer, not per order ("bought A" = the customer bought A at least once), and
// directed in time: A → B counts a customer who bought B in the same order as A or later (first
// purchase of B at or after the first purchase of A), because an offer is made to someone who
// already owns A and does not own B yet.
//   support(A→B)    = customers(A→B) / customers
//   confidence(A→B) = customers(A→B) / buyers(A)
//   lift(A→B)       = confidence(A→B) / (buyers(B) / customers)
import { z } from 'zod';
import { OfferKind } from './schema';

export const MODEL_FORMAT = 'pronto.offers/1';

export const RelatedProduct = z.object({
  sku: z.string(),
  /** Customers who bought this product with or after the owning product. */
  customers: z.number().int().nonnegative(),
  support: z.number(),
  confidence: z.number(),
  lift: z.number(),
});
export type RelatedProduct = z.infer<typeof RelatedProduct>;

export const Upgrade = z.object({
  /** The next tier of the same family. */
  sku: z.string(),
  /** Buyers of this product who bought the next tier with or after it. */
  movedUp: z.number().int().nonnegative(),
  /** movedUp / buyers of this product. */
  rate: z.number(),
});
export type Upgrade = z.infer<typeof Upgrade>;

export const ProductStats = z.object({
  /** Customers who bought it at least once. */
  buyers: z.number().int().nonnegative(),
  /** Top related products, strongest confidence first (only positive associations: lift > params.minLift, default 1). */
  related: z.array(RelatedProduct),
  upgrade: Upgrade.optional(),
});
export type ProductStats = z.infer<typeof ProductStats>;

export const AcceptanceStat = z.object({
  sku: z.string(),
  kind: OfferKind,
  accepted: z.number().int().nonnegative(),
  declined: z.number().int().nonnegative(),
  notInterested: z.number().int().nonnegative(),
  /** Posterior mean (accepted + α) / (shown + α + β). */
  rate: z.number(),
});
export type AcceptanceStat = z.infer<typeof AcceptanceStat>;

export const Acceptance = z.object({
  /** Beta prior: its mean is the pooled acceptance rate of all offers (0.5 with no outcomes at all). */
  alpha: z.number().positive(),
  beta: z.number().positive(),
  offers: z.array(AcceptanceStat),
});
export type Acceptance = z.infer<typeof Acceptance>;

/** Ranking parameters, shipped with the model so the hub can tune them without a desktop release. */
export const RankParams = z.object({
  /** A co-purchase signal halves its weight every `halfLifeDays` since the owned product was bought… */
  halfLifeDays: z.number().positive(),
  /** …but never drops below `floor` (an old machine still needs capsules). */
  recencyFloor: z.number().min(0).max(1),
  /** Declined / not interested offers are not repeated to the same customer for this many days. */
  suppressDays: z.number().nonnegative(),
});
export type RankParams = z.infer<typeof RankParams>;

export const OfferModel = z.object({
  format: z.literal(MODEL_FORMAT),
  /** Increases with every training run that is stored (hub and local alike). */
  version: z.number().int().nonnegative(),
  trainedAt: z.string(),
  source: z.enum(['local', 'hub', 'test']),
  /** Customers with at least one purchase (the denominator of support and of base rates). */
  customers: z.number().int().nonnegative(),
  purchases: z.number().int().nonnegative(),
  params: z.object({ topK: z.number().int().positive(), minPairCustomers: z.number().int().positive(), minLift: z.number().nonnegative() }),
  rank: RankParams,
  products: z.record(z.string(), ProductStats),
  acceptance: Acceptance,
});
export type OfferModel = z.infer<typeof OfferModel>;

export const DEFAULT_RANK_PARAMS: RankParams = { halfLifeDays: 730, recencyFloor: 0.25, suppressDays: 30 };

/** A model that knows nothing: only rule-based service actions come out of ranking with it. */
export function emptyModel(trainedAt = '1970-01-01T00:00:00.000Z'): OfferModel {
  return {
    format: MODEL_FORMAT,
    version: 0,
    trainedAt,
    source: 'local',
    customers: 0,
    purchases: 0,
    params: { topK: 10, minPairCustomers: 3, minLift: 1 },
    rank: { ...DEFAULT_RANK_PARAMS },
    products: {},
    acceptance: { alpha: 1, beta: 1, offers: [] },
  };
}

export type ParsedModel = { ok: true; model: OfferModel } | { ok: false; reason: string };

/** Parses stored JSON text into a model; never throws. */
export function parseModel(text: string): ParsedModel {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not JSON: ${(e as Error).message}` };
  }
  const r = OfferModel.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    return { ok: false, reason: i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'invalid model' };
  }
  return { ok: true, model: r.data };
}
