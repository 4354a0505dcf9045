// push kind `callEvent.record`: what only a desktop knows about a call (hold and resume), recorded
// at the hub as raw events with the desktop's timestamps (exactly once: `eventId`).
import { z } from 'zod';

export const DESKTOP_CALL_EVENTS = ['call.hold', 'call.resume'] as const;

export const CallEventPayload = z.object({
  eventId: z.uuid(),
  kind: z.enum(DESKTOP_CALL_EVENTS),
  callId: z.string().min(1).max(300),
  at: z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), 'an ISO 8601 date-time'),
});
export type CallEventPayload = z.infer<typeof CallEventPayload>;
