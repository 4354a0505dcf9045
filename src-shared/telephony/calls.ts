// Call records as the contract carries them (the `calls` table, `pronto calls --json`).
import { z } from 'zod';
import { displayControl } from './identity';

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
  /** Why the call failed (outcome `failed`), as the softphone said it; null otherwise. */
  failureReason: z.string().nullable(),
});
export type CallRecord = z.infer<typeof CallRecord>;

/** What the softphone reports as a call moves on. */
export const CallEvent = z.enum(['answered', 'ended', 'declined', 'cancelled', 'failed']);
export type CallEvent = z.infer<typeof CallEvent>;

/** Longest failure reason a call record keeps (the softphone shortens longer ones first). */
export const FAILURE_REASON_MAX = 200;

/**
 * A failure reason as it crosses the host's edge: one line of printable text, bounded. It comes
 * from a browser's or a far end's words (an SDP error, a SIP reason phrase), so nothing else.
 */
export const FailureReason = z
  .string()
  .min(1)
  .max(FAILURE_REASON_MAX)
  .refine((v) => ![...v].some((ch) => displayControl(ch.charCodeAt(0))), 'one line of text, no control characters');

/**
 * Any text as a FailureReason: control characters (identity.ts's displayControl: C0/C1, line
 * separators, bidi overrides) and line breaks become spaces, runs of spaces one, and it is cut
 * (with "…") to `max`. '' stays '' (no reason to record).
 */
export function failureReasonText(raw: string, max = FAILURE_REASON_MAX): string {
  let spaced = '';
  for (const ch of raw) spaced += displayControl(ch.charCodeAt(0)) ? ' ' : ch;
  const line = spaced.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  let cut = line.slice(0, max - 1); // UTF-16 units, as zod's max counts them
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1); // never half a surrogate pair
  return `${cut.trimEnd()}…`;
}
