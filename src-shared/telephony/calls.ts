// Call records as the contract carries them (the `calls` table, `pronto calls --json`).
import { z } from 'zod';

export const CallOutcome = z.enum(['answered', 'missed', 'declined', 'abandoned', 'failed']);
export type CallOutcome = z.infer<typeof CallOutcome>;

export const CallRecord = z.object({
  callId: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  remoteRaw: z.string(),
  remoteDisplay: z.string(),
  remoteE164: z.string().nullable(),
  matchKind: z.string(),
  customerId: z.string().nullable(),
  line: z.string(),
  forwardedBy: z.string().nullable(),
  offeredAt: z.string(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** null while the call is ringing or in progress. */
  outcome: CallOutcome.nullable(),
});
export type CallRecord = z.infer<typeof CallRecord>;

/** What the softphone reports as a call moves on. */
export const CallEvent = z.enum(['answered', 'ended', 'declined', 'cancelled', 'failed']);
export type CallEvent = z.infer<typeof CallEvent>;
