// Queues and break reasons, configured at the hub and sent to the PBX (pbx/link.ts).
import { z } from 'zod';
import type { Queryable } from '../db/store';
import { AdminError } from '../admin';
import { BreakReason } from '../../src-shared/agent-state/states';

export const QueueDef = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lowercase letters, digits, - and _ (at most 40)'),
  number: z.string().regex(/^[0-9]{2,15}$/, '2 to 15 digits'),
  team: z.string().min(1),
  strategy: z.enum(['ring-all', 'longest-idle']).default('ring-all'),
  ringSeconds: z.number().int().min(5).max(120).default(15),
  maxWaitSeconds: z.number().int().min(5).max(170).default(120),
  slSeconds: z.number().int().min(1).max(600).default(20),
  shortAbandonSeconds: z.number().int().min(0).max(60).default(5),
  wrapUpSeconds: z.number().int().min(0).max(3600).default(60),
  wrapUpPolicy: z.enum(['available', 'stay']).default('available'),
  ringNoAnswer: z.enum(['none', 'break']).default('none'),
});
export type QueueDef = z.infer<typeof QueueDef>;

interface QueueRow {
  name: string; number: string; team: string; strategy: 'ring-all' | 'longest-idle'; ring_seconds: number; max_wait_seconds: number;
  sl_seconds: number; short_abandon_seconds: number; wrap_up_seconds: number; wrap_up_policy: 'available' | 'stay'; ring_no_answer: 'none' | 'break';
}

function fromRow(r: QueueRow): QueueDef {
  return {
    name: r.name, number: r.number, team: r.team, strategy: r.strategy, ringSeconds: r.ring_seconds, maxWaitSeconds: r.max_wait_seconds,
    slSeconds: r.sl_seconds, shortAbandonSeconds: r.short_abandon_seconds, wrapUpSeconds: r.wrap_up_seconds, wrapUpPolicy: r.wrap_up_policy,
    ringNoAnswer: r.ring_no_answer,
  };
}

export async function listQueues(q: Queryable): Promise<QueueDef[]> {
  return (await q.query<QueueRow>('SELECT * FROM queues ORDER BY number')).map(fromRow);
}

/** Creates or replaces a queue (by name); the number must not belong to another queue. */
export async function setQueue(q: Queryable, input: unknown): Promise<QueueDef> {
  const p = QueueDef.safeParse(input);
  if (!p.success) throw new AdminError(`queue: ${p.error.issues.map((i) => `${i.path.join('.') || '(queue)'}: ${i.message}`).join('; ')}`);
  const d = p.data;
  const team = await q.rows('SELECT 1 FROM teams WHERE name = $1', [d.team]);
  if (!team.length) throw new AdminError(`team "${d.team}" does not exist (create it with: pronto-hub team set --name "${d.team}" --regions R1,R2)`, 404);
  const other = await q.query<{ name: string }>('SELECT name FROM queues WHERE number = $1 AND name <> $2', [d.number, d.name]);
  if (other.length) throw new AdminError(`number ${d.number} already belongs to queue "${other[0]!.name}"`, 409);
  await q.query(
    `INSERT INTO queues (name, number, team, strategy, ring_seconds, max_wait_seconds, sl_seconds, short_abandon_seconds, wrap_up_seconds, wrap_up_policy, ring_no_answer, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
     ON CONFLICT (name) DO UPDATE SET number = EXCLUDED.number, team = EXCLUDED.team, strategy = EXCLUDED.strategy,
       ring_seconds = EXCLUDED.ring_seconds, max_wait_seconds = EXCLUDED.max_wait_seconds, sl_seconds = EXCLUDED.sl_seconds,
       short_abandon_seconds = EXCLUDED.short_abandon_seconds, wrap_up_seconds = EXCLUDED.wrap_up_seconds,
       wrap_up_policy = EXCLUDED.wrap_up_policy, ring_no_answer = EXCLUDED.ring_no_answer, updated_at = now()`,
    [d.name, d.number, d.team, d.strategy, d.ringSeconds, d.maxWaitSeconds, d.slSeconds, d.shortAbandonSeconds, d.wrapUpSeconds, d.wrapUpPolicy, d.ringNoAnswer]);
  await q.query("SELECT pg_notify('pronto_pbx_config', $1)", [d.name]);
  return d;
}

export const BreakReasonSet = z.array(BreakReason).min(1).refine((l) => new Set(l.map((r) => r.code)).size === l.length, 'a code appears twice');

export async function listBreakReasons(q: Queryable, all = false): Promise<(BreakReason & { active: boolean })[]> {
  const rows = await q.query<{ code: string; label_en: string; label_it: string; active: boolean }>(
    `SELECT code, label_en, label_it, active FROM break_reasons WHERE $1 OR active ORDER BY active DESC, position, code`, [all]);
  return rows.map((r) => ({ code: r.code, labelEn: r.label_en, labelIt: r.label_it, active: r.active }));
}

/** Replaces the active set; dropped codes stay, inactive (states on record keep their reason). */
export async function setBreakReasons(q: Queryable, input: unknown): Promise<{ active: number; retired: number }> {
  const p = BreakReasonSet.safeParse(input);
  if (!p.success) throw new AdminError(`break reasons: ${p.error.issues.map((i) => `${i.path.join('.') || '(list)'}: ${i.message}`).join('; ')}`);
  await q.query(
    `INSERT INTO break_reasons (code, label_en, label_it, position, active)
     SELECT r.code, r.label_en, r.label_it, r.position, true FROM json_to_recordset($1::json) AS r(code text, label_en text, label_it text, position int)
     ON CONFLICT (code) DO UPDATE SET label_en = EXCLUDED.label_en, label_it = EXCLUDED.label_it, position = EXCLUDED.position, active = true`,
    [JSON.stringify(p.data.map((r, i) => ({ code: r.code, label_en: r.labelEn, label_it: r.labelIt, position: i + 1 })))]);
  const retired = await q.rows('UPDATE break_reasons SET active = false WHERE active AND NOT (code = ANY($1::text[])) RETURNING 1', [p.data.map((r) => r.code)]);
  return { active: p.data.length, retired: retired.length };
}

/** Extensions per team: the PBX offers a queue's calls to its team's extensions. */
export async function teamExtensions(q: Queryable): Promise<Map<string, string[]>> {
  const rows = await q.query<{ team: string; extension: string }>(
    `SELECT team, extension FROM users WHERE team IS NOT NULL AND extension IS NOT NULL AND disabled_at IS NULL ORDER BY team, extension`);
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.team, [...(out.get(r.team) ?? []), r.extension]);
  return out;
}
