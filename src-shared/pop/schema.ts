// The pop: one object that joins what sales, accounting and credit know about a caller.
// This is the wire shape of `pronto lookup --json` and of the bridge; amounts in major units.
import { z } from 'zod';
import { Offer } from '../offers/schema';
import { CUSTOMER_FIELDS, CreditStatus, dataSchema } from '../entities/fields';

export const MatchKind = z.enum(['single', 'multiple', 'none', 'withheld', 'invalid']);
export type MatchKind = z.infer<typeof MatchKind>;

export { CreditStatus };

export const Candidate = z.object({
  customerId: z.string(),
  name: z.string(),
  company: z.string(),
  /** Extra for the chooser: where the candidate sits and when they last bought. */
  country: z.string().optional(),
  lastPurchaseAt: z.string().nullable().optional(),
});
export type Candidate = z.infer<typeof Candidate>;

export const Phone = z.object({ e164: z.string(), label: z.string() });

/**
 * The customer's fields (src-shared/entities/fields.ts) less those the pop does not show, phones
 * without their raw text. A new customer field shows up here: read it in the pop's customer
 * query (src-main/db/queries/pop.ts) or name it in the omit list.
 */
export const Customer = dataSchema(CUSTOMER_FIELDS).omit({ createdAt: true, phones: true }).extend({ phones: z.array(Phone) });
export type Customer = z.infer<typeof Customer>;

export const Account = z.object({
  balance: z.number(),
  currency: z.string(),
  overdueAmount: z.number(),
  oldestDueDate: z.string().nullable(),
  lastPaymentAt: z.string().nullable(),
  lastPaymentAmount: z.number().nullable(),
});
export type Account = z.infer<typeof Account>;

export const Credit = z.object({
  creditLimit: z.number(),
  currency: z.string(),
  available: z.number(),
  paymentTerms: z.string(),
  status: CreditStatus,
  riskClass: z.string(),
  reviewedAt: z.string().nullable(),
});
export type Credit = z.infer<typeof Credit>;

export const Purchase = z.object({
  orderId: z.string(),
  sku: z.string(),
  productName: z.string(),
  quantity: z.number(),
  amount: z.number(),
  currency: z.string(),
  purchasedAt: z.string(),
});
export type Purchase = z.infer<typeof Purchase>;

export const Totals = z.object({
  lifetimeValue: z.number(),
  last12Months: z.number(),
  orderCount: z.number(),
  firstPurchaseAt: z.string().nullable(),
  lastPurchaseAt: z.string().nullable(),
  /** Currency of the totals (the customer's purchases); null when there are none. */
  currency: z.string().nullable().optional(),
});
export type Totals = z.infer<typeof Totals>;

export const Pop = z.object({
  customer: Customer,
  account: Account.nullable(),
  credit: Credit.nullable(),
  purchases: z.array(Purchase),
  totals: Totals,
  /** Next-best-offers, best first (service actions such as "settle the overdue amount" lead). */
  offers: z.array(Offer),
  /**
   * true while the store's first sync is still building the purchase-history index: purchases
   * and totals are empty for now (not "no purchases"). Absent otherwise.
   */
  historyPending: z.boolean().optional(),
});
export type Pop = z.infer<typeof Pop>;

export const LookupResult = z.object({
  query: z.string(),
  normalized: z.string().nullable(),
  match: MatchKind,
  candidates: z.array(Candidate),
  pop: Pop.nullable(),
});
export type LookupResult = z.infer<typeof LookupResult>;

export const SearchHit = z.object({
  customerId: z.string(),
  name: z.string(),
  company: z.string(),
  email: z.string(),
  country: z.string(),
  phone: z.string().nullable(),
});
export type SearchHit = z.infer<typeof SearchHit>;
