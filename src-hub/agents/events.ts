// The raw call-event record: append-only, de-duplicated by id. Every source writes through here.
//   pbx      queue facts and registrations (ids "<boot>-<seq>", the PBX's timestamps)
//   desktop  agent states (the agentState.set mutation's eventId, the desktop's timestamp)
//   hub      a supervisor's state change (a fresh uuid, the hub's clock)
import type { Queryable } from '../db/store';

export interface RawEvent {
  id: string;
  /** ISO instant of the fact at its source. */
  at: string;
  kind: string;
  source: 'pbx' | 'desktop' | 'hub';
  callId?: string | null;
  queue?: string | null;
  agent?: string | null;
  caller?: string | null;
  data?: Record<string, unknown>;
}

/** NOTIFY channel of every new event (its JSON, as EventRow): the live statistics of every hub instance. */
export const EVENT_CHANNEL = 'pronto_events';

/**
 * Inserts the events not seen before and announces each on EVENT_CHANNEL (delivered on commit);
 * returns the ids that were new (retries and replays insert nothing and announce nothing).
 */
export async function recordEvents(q: Queryable, events: readonly RawEvent[]): Promise<Set<string>> {
  if (!events.length) return new Set();
  const rows = await q.rows(
    `WITH ins AS (
       INSERT INTO call_events (id, at, kind, source, call_id, queue, agent, caller, data)
       SELECT e.id, e.at, e.kind, e.source, e.call_id, e.queue, e.agent, e.caller, coalesce(e.data, '{}'::jsonb)
       FROM json_to_recordset($1::json) AS e(id text, at timestamptz, kind text, source text, call_id text, queue text, agent text, caller text, data jsonb)
       ON CONFLICT (id) DO NOTHING
       RETURNING *
     )
     SELECT id, pg_notify($2, json_build_object('id', id, 'at', at, 'kind', kind, 'source', source, 'callId', call_id, 'queue', queue,
       'agent', agent, 'caller', caller, 'data', data, 'receivedAt', received_at)::text) FROM ins`,
    [JSON.stringify(events.map((e) => ({
      id: e.id, at: e.at, kind: e.kind, source: e.source, call_id: e.callId ?? null, queue: e.queue ?? null,
      agent: e.agent ?? null, caller: e.caller ?? null, data: e.data ?? {},
    }))), EVENT_CHANNEL],
    { prepare: true });
  return new Set(rows.map((r) => String(r[0])));
}

export interface EventRow {
  id: string;
  at: string;
  kind: string;
  source: string;
  callId: string | null;
  queue: string | null;
  agent: string | null;
  caller: string | null;
  data: Record<string, unknown>;
  receivedAt: string;
}

/**
 * Events with from <= at < to, oldest first, in pages (keyset on (at, id)); `teamOf` limits a team
 * supervisor to events of their team's agents and queues.
 */
export async function* readEvents(q: Queryable, o: { from: string; to: string; team: string | null; pageSize?: number }): AsyncGenerator<EventRow> {
  const size = o.pageSize ?? 2000;
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const rows: { id: string; at: Date | string; kind: string; source: string; call_id: string | null; queue: string | null; agent: string | null; caller: string | null; data: Record<string, unknown>; received_at: Date | string }[] = await q.query(
      `SELECT e.id, e.at, e.kind, e.source, e.call_id, e.queue, e.agent, e.caller, e.data, e.received_at
       FROM call_events e
       WHERE e.at >= $1 AND e.at < $2
         AND ($3::timestamptz IS NULL OR (e.at, e.id) > ($3::timestamptz, $4::text))
         AND ($5::text IS NULL
              OR e.agent IN (SELECT name FROM users WHERE team = $5)
              OR e.queue IN (SELECT name FROM queues WHERE team = $5)
              OR (e.call_id IS NOT NULL AND e.call_id IN (SELECT e2.call_id FROM call_events e2 JOIN queues qq ON qq.name = e2.queue
                                                         WHERE qq.team = $5 AND e2.at >= $1 AND e2.at < $2)))
       ORDER BY e.at, e.id
       LIMIT $6`,
      [o.from, o.to, after?.at ?? null, after?.id ?? null, o.team, size]);
    for (const r of rows) {
      yield {
        id: r.id, at: iso(r.at), kind: r.kind, source: r.source, callId: r.call_id, queue: r.queue, agent: r.agent, caller: r.caller,
        data: r.data ?? {}, receivedAt: iso(r.received_at),
      };
    }
    if (rows.length < size) return;
    const last = rows[rows.length - 1]!;
    after = { at: iso(last.at), id: last.id };
  }
}

export function iso(v: Date | string): string {
  return (v instanceof Date ? v : new Date(v)).toISOString();
}
