// What the PBX sends over the event link (deploy/kamailio/queue.cfg, route[EMIT]).
import { z } from 'zod';

export const PBX_EVENT_KINDS = [
  'queue.entered', 'queue.offered', 'queue.answered', 'queue.ring_no_answer', 'queue.abandoned', 'queue.timed_out',
  'call.transferred', 'call.ended', 'agent.registered', 'agent.unregistered', 'agent.state',
] as const;

export const PbxEvent = z.union([
  z.object({
    id: z.string().min(3).max(80),
    seq: z.number().int().positive(),
    boot: z.string().min(1).max(40),
    /** "seconds.microseconds" of the PBX's clock */
    at: z.string().regex(/^\d{9,11}\.\d{1,6}$/),
    kind: z.enum(PBX_EVENT_KINDS),
    callId: z.string().max(300).optional(),
    queue: z.string().max(80).optional(),
    number: z.string().max(40).optional(),
    agent: z.string().max(80).optional(),
    caller: z.string().max(200).optional(),
    detail: z.string().max(200).optional(),
    waitMs: z.number().int().optional(),
  }),
  z.object({ kind: z.literal('pbx.replayed'), boot: z.string(), seq: z.number().int().nonnegative() }),
]);
export type PbxEvent = z.infer<typeof PbxEvent>;

/** "1733600000.123456" → ISO instant (millisecond precision, as the database keeps it). */
export function pbxInstant(at: string): string {
  const [s, us = '0'] = at.split('.');
  return new Date(Number(s) * 1000 + Math.floor(Number(us.padEnd(6, '0')) / 1000)).toISOString();
}
