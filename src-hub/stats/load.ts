// Feeding StatsModel from the database: the queues' settings, and the events of a period (the
// calls that entered in it with all their later events, plus the agents' state changes).
import type { Queryable } from '../db/store';
import { listQueues } from '../agents/queues';
import { StatsModel, type QueueInfo, type StatEvent } from './model';

export async function queueInfos(q: Queryable): Promise<Map<string, QueueInfo>> {
  const out = new Map<string, QueueInfo>();
  for (const d of await listQueues(q)) {
    out.set(d.name, { name: d.name, label: `${d.name} (${d.number})`, team: d.team, slSeconds: d.slSeconds, shortAbandonSeconds: d.shortAbandonSeconds });
  }
  return out;
}

interface Row {
  id: string;
  at: Date | string;
  kind: string;
  call_id: string | null;
  queue: string | null;
  agent: string | null;
  caller: string | null;
  data: Record<string, unknown> | null;
}

export function statEvent(r: { id: string; at: Date | string | number; kind: string; callId?: string | null; call_id?: string | null; queue: string | null; agent: string | null; caller: string | null; data: Record<string, unknown> | null }): StatEvent {
  return {
    id: r.id, at: typeof r.at === 'number' ? r.at : new Date(r.at).getTime(), kind: r.kind, callId: r.callId ?? r.call_id ?? null,
    queue: r.queue, agent: r.agent, caller: r.caller, data: r.data ?? {},
  };
}

/**
 * The events of [from, to): every event of the calls that entered the queue in it (their answer or
 * end may come after `to`), and every agent state change from a day before `from` (the state an
 * agent was in when the period began) to `to`.
 */
export async function* periodEvents(q: Queryable, from: number, to: number): AsyncGenerator<StatEvent> {
  const f = new Date(from).toISOString();
  const t = new Date(to).toISOString();
  const rows = await q.query<Row>(
    `SELECT id, at, kind, call_id, queue, agent, caller, data FROM call_events
     WHERE call_id IN (SELECT call_id FROM call_events WHERE kind = 'queue.entered' AND at >= $1 AND at < $2)
        OR (kind IN ('agent.state', 'queue.ring_no_answer') AND at >= $1::timestamptz - interval '1 day' AND at < $2)
     ORDER BY at, id`,
    [f, t]);
  for (const r of rows) yield statEvent(r);
}

export async function modelOf(q: Queryable, from: number, to: number, queues?: Map<string, QueueInfo>): Promise<StatsModel> {
  const m = new StatsModel(queues ?? (await queueInfos(q)), from, to);
  for await (const e of periodEvents(q, from, to)) m.apply(e);
  return m;
}
