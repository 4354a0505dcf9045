// Next-best-offer: the wire shape of one offer on the pop, and of the outcomes agents record.
// Pure zod, no Node APIs (typechecked for the browser too).
import { z } from 'zod';

export const OfferKind = z.enum(['cross_sell', 'up_sell', 'service']);
export type OfferKind = z.infer<typeof OfferKind>;

/** How a product offer would be paid: on the customer's credit line, or at order (no credit line on file). */
export const OfferBasis = z.enum(['credit', 'upfront']);
export type OfferBasis = z.infer<typeof OfferBasis>;

export const OutcomeKind = z.enum(['accepted', 'declined', 'not_interested']);
export type OutcomeKind = z.infer<typeof OutcomeKind>;

/** The factors of a product offer's score (score = propensity × value × acceptance); absent on service actions. */
export const OfferSignals = z.object({
  /** 0..1: recency-weighted 1 − Π(1 − confidence·weight) over the owned products that point to it. */
  propensity: z.number(),
  /** (0, 1]: (1 + ln(1 + margin·price)) relative to the most valuable product of the catalogue. */
  value: z.number(),
  /** 0..1: Beta-smoothed acceptance rate of this offer (the prior mean when nothing is recorded). */
  acceptance: z.number(),
});
export type OfferSignals = z.infer<typeof OfferSignals>;

export const Offer = z.object({
  /** Product SKU, or `SERVICE:…` for a service action. */
  sku: z.string(),
  kind: OfferKind,
  /** Product offers score in [0, 1]; service actions are rules and score above 1 (they always come first). */
  score: z.number(),
  /** One plain English line built from the numbers. */
  reason: z.string(),
  /** The same line in Italian. */
  reasonIt: z.string(),
  productName: z.string(),
  /** Major units (unit price; for "settle overdue" the overdue amount); null when there is no amount. */
  price: z.number().nullable(),
  currency: z.string().nullable(),
  basis: OfferBasis.optional(),
  signals: OfferSignals.optional(),
});
export type Offer = z.infer<typeof Offer>;

/** What `pronto lookup --json` carries per offer. */
export const PopOffer = Offer.pick({ sku: true, kind: true, score: true, reason: true });
export type PopOffer = z.infer<typeof PopOffer>;

/** One recorded outcome (training input for acceptance rates; stored with cases). */
export const OfferOutcome = z.object({
  sku: z.string(),
  kind: OfferKind,
  outcome: OutcomeKind,
});
export type OfferOutcome = z.infer<typeof OfferOutcome>;

/** One of the calling customer's recent outcomes, with when it was recorded (ISO 8601). */
export const RecentOutcome = z.object({
  sku: z.string(),
  kind: OfferKind.optional(),
  outcome: OutcomeKind,
  at: z.string(),
});
export type RecentOutcome = z.infer<typeof RecentOutcome>;

export const SERVICE_SETTLE_OVERDUE = 'SERVICE:SETTLE_OVERDUE';
export const SERVICE_CREDIT_REVIEW = 'SERVICE:CREDIT_REVIEW';
