// Disposition codes, configured at the hub and synced to every desktop (entity `disposition`,
// bucket '*'). Setting a list REPLACES the active set: codes left out are retired (active =
// false), not deleted, so cases already logged with them — or still waiting in an outbox —
// stay valid and desktops simply stop offering them.
import { z } from 'zod';
import type { EntityData } from '../src-shared/sync/protocol';
import type { Store } from './db/store';
import { GLOBAL_BUCKET } from './scope';
import { lockChangeLog, notifyChanges, upsertChange, highWater } from './changes';
import { renderDisposition } from './feeds/render';

export const DispositionInput = z.object({
  code: z.string().regex(/^[A-Z0-9_-]{1,32}$/, { message: 'must be 1-32 characters A-Z, 0-9, _ or -' }),
  category: z.string().trim().min(1).max(64),
  labelEn: z.string().trim().min(1).max(200),
  labelIt: z.string().trim().min(1).max(200),
  /** Order in the picker (default: the position in the list × 10). */
  position: z.number().int().min(0).max(1_000_000).optional(),
});
export const DispositionSet = z
  .array(DispositionInput)
  .min(1, { message: 'at least one disposition is needed' })
  .max(500)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((d, i) => {
      if (seen.has(d.code)) ctx.addIssue({ code: 'custom', path: [i, 'code'], message: `"${d.code}" appears twice` });
      seen.add(d.code);
    });
  });
export type DispositionSet = z.infer<typeof DispositionSet>;

export type Disposition = EntityData['disposition'];

export async function listDispositions(store: Pick<Store, 'query'>): Promise<Disposition[]> {
  const rows = await store.query<{ code: string; category: string; label_en: string; label_it: string; position: number; active: boolean }>(
    'SELECT code, category, label_en, label_it, position, active FROM dispositions ORDER BY active DESC, position, code');
  return rows.map((r) => ({ code: r.code, category: r.category, labelEn: r.label_en, labelIt: r.label_it, position: r.position, active: r.active }));
}

/** Replaces the active set (validate with DispositionSet first) and publishes what changed. */
export async function setDispositions(store: Store, list: DispositionSet, lockTimeoutMs = 10_000): Promise<{ active: number; retired: number; changed: number; seq: number }> {
  return store.tx(async (q) => {
    await lockChangeLog(q, lockTimeoutMs); // an admin write into the change log, like a feed import
    const rows = list.map((d, i) => ({ code: d.code, category: d.category, label_en: d.labelEn, label_it: d.labelIt, position: d.position ?? (i + 1) * 10 }));
    await q.query(
      `INSERT INTO dispositions (code, category, label_en, label_it, position, active)
       SELECT r.code, r.category, r.label_en, r.label_it, r.position, true
       FROM json_to_recordset($1::json) AS r(code text, category text, label_en text, label_it text, position int)
       ON CONFLICT (code) DO UPDATE SET category = excluded.category, label_en = excluded.label_en,
         label_it = excluded.label_it, position = excluded.position, active = true`,
      [JSON.stringify(rows)]);
    const retired = await q.query('UPDATE dispositions SET active = false WHERE active AND NOT (code = ANY($1::text[])) RETURNING code', [rows.map((r) => r.code)]);
    let changed = 0;
    for (const d of await listDispositions(q)) {
      if (await upsertChange(q, 'disposition', d.code, GLOBAL_BUCKET, renderDisposition(d))) changed++;
    }
    if (changed) await notifyChanges(q, [GLOBAL_BUCKET]);
    return { active: rows.length, retired: retired.length, changed, seq: await highWater(q) };
  });
}
