// Cases as the contract carries them.
import { z } from 'zod';

export const CaseStatus = z.enum(['draft', 'wrap_up', 'submitted']);
export const OfferOutcomeKind = z.enum(['accepted', 'declined', 'not_interested']);
export type OfferOutcomeKind = z.infer<typeof OfferOutcomeKind>;

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const OfferOutcome = z.object({
  sku: z.string().min(1).max(64),
  kind: z.string().min(1).max(32),
  outcome: OfferOutcomeKind,
});
export type OfferOutcome = z.infer<typeof OfferOutcome>;

export const Case = z.object({
  caseId: z.string(),
  customerId: z.string().nullable(),
  callId: z.string().nullable(),
  callLine: z.string(),
  callDurationS: z.number().nullable(),
  disposition: z.string().nullable(),
  category: z.string().nullable(),
  notes: z.string(),
  followUpDate: z.string().nullable(),
  followUpTask: z.string(),
  status: CaseStatus,
  origin: z.enum(['local', 'hub']),
  createdAt: z.string(),
  updatedAt: z.string(),
  callEndedAt: z.string().nullable(),
  submittedAt: z.string().nullable(),
  /** Local and not yet delivered to the hub. */
  pending: z.boolean(),
  offers: z.array(OfferOutcome.extend({ decidedAt: z.string() })),
});
export type Case = z.infer<typeof Case>;

/** What the agent can change while typing (all optional: the draft is saved field by field). */
export const CaseEdit = z.object({
  caseId: z.string().min(1).max(64),
  customerId: z.string().max(128).nullable().optional(),
  disposition: z.string().max(32).nullable().optional(),
  notes: z.string().max(20_000).optional(),
  followUpDate: Day.nullable().optional(),
  followUpTask: z.string().max(500).optional(),
});
export type CaseEdit = z.infer<typeof CaseEdit>;

export const Disposition = z.object({
  code: z.string(),
  category: z.string(),
  labelEn: z.string(),
  labelIt: z.string(),
});
export type Disposition = z.infer<typeof Disposition>;

/** The payload of the `case.submit` outbox mutation (what the hub receives). */
export const CaseSubmitPayload = z.object({
  caseId: z.string().uuid(),
  customerId: z.string().nullable(),
  callId: z.string().nullable(),
  callLine: z.string(),
  callDurationS: z.number().nullable(),
  disposition: z.string(),
  category: z.string().nullable(),
  notes: z.string(),
  followUpDate: z.string().nullable(),
  followUpTask: z.string(),
  createdAt: z.string(),
  submittedAt: z.string(),
  offers: z.array(OfferOutcome.extend({ decidedAt: z.string() })),
});
export type CaseSubmitPayload = z.infer<typeof CaseSubmitPayload>;
