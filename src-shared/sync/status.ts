// What the UI shows about sync, always: online or not, last synced, pending and rejected writes.
import { z } from 'zod';

export const SyncStatus = z.object({
  configured: z.boolean(),
  hubUrl: z.string().nullable(),
  online: z.boolean(),
  /** WebSocket to the hub is up (pokes arrive); false means polling. */
  live: z.boolean(),
  lastSyncedAt: z.string().nullable(),
  cursor: z.number(),
  pending: z.number(),
  rejected: z.number(),
  rejectedItems: z.array(z.object({ id: z.string(), kind: z.string(), reason: z.string(), rejectedAt: z.string() })),
  error: z.string().nullable(),
  /** During a long pull (initial sync): rows applied so far, expected total, ETA. */
  progress: z.object({
    rows: z.number(), total: z.number().nullable(), percent: z.number().nullable(), etaS: z.number().nullable(),
    /** 'snapshot': an initial sync from the hub's snapshot (download, then copy: rows of the copy). */
    phase: z.enum(['snapshot', 'stream']).optional(),
  }).nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const Note = z.object({
  noteId: z.string(),
  customerId: z.string(),
  text: z.string(),
  hlc: z.string(),
  author: z.string(),
  pending: z.boolean(),
});
export type Note = z.infer<typeof Note>;
