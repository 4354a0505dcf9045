// Agent states at the hub: the current state per agent (agent_states) next to the raw events
// (events.ts). Every change runs in a transaction that records its event, moves the current state
// only forward in time (a late, older event never overwrites a newer state) and NOTIFYs
// AGENT_CHANNEL: on commit every hub instance hears it, forwards it to the PBX over its event link
// (pbx/link.ts) and to the agent's desktop over the live socket (sync/live.ts).
import { randomUUID } from 'node:crypto';
import type { Queryable, Store } from '../db/store';
import type { AgentState, AgentStatus } from '../../src-shared/agent-state/states';
import { AdminError } from '../admin';
import { recordEvents, iso, type RawEvent } from './events';

export const AGENT_CHANNEL = 'pronto_agents';

/** What AGENT_CHANNEL carries: the agent's status after the change. */
export interface AgentNotice extends AgentStatus {
  /** the state the PBX routes on (the desktop's, not the registration-adjusted one) */
  routeState: AgentState;
}

interface Row {
  name: string;
  extension: string | null;
  team: string | null;
  state: AgentState | null;
  reason: string | null;
  since: Date | string | null;
  set_by: string | null;
  registered: boolean | null;
  created_at: Date | string;
}

const SELECT = `SELECT u.name, u.extension, u.team, s.state, s.reason, s.since, s.set_by, s.registered, u.created_at
  FROM users u LEFT JOIN agent_states s ON s.user_id = u.id`;

/** The status a supervisor sees: Available (or any state) without a registered softphone reads Offline. */
export function statusOf(r: Row): AgentStatus {
  const never = !r.state || (r.since !== null && new Date(r.since).getTime() === 0);
  const desktopState: AgentState = never ? 'offline' : r.state!;
  const registered = r.registered === true;
  const unregistered = r.registered === false && desktopState !== 'offline';
  return {
    name: r.name,
    extension: r.extension,
    team: r.team,
    state: unregistered ? 'offline' : desktopState,
    reason: unregistered ? 'softphone not registered' : never ? 'never signed in' : r.reason,
    since: iso(never ? r.created_at : r.since!),
    setBy: r.set_by,
    desktopState,
    desktopReason: never ? null : r.reason,
    registered,
  };
}

/** Every agent (users with the agent role or an extension), or one team's. */
export async function listAgents(q: Queryable, team: string | null = null): Promise<AgentStatus[]> {
  const rows = await q.query<Row>(`${SELECT} WHERE (u.role = 'agent' OR u.extension IS NOT NULL) AND ($1::text IS NULL OR u.team = $1) ORDER BY u.name`, [team]);
  return rows.map(statusOf);
}

export async function agentByName(q: Queryable, name: string): Promise<AgentStatus | null> {
  const r = (await q.query<Row>(`${SELECT} WHERE u.name = $1`, [name]))[0];
  return r ? statusOf(r) : null;
}

async function notify(q: Queryable, userId: number): Promise<void> {
  const r = (await q.query<Row>(`${SELECT} WHERE u.id = $1`, [userId]))[0];
  if (!r) return;
  const s = statusOf(r);
  const notice: AgentNotice = { ...s, routeState: s.desktopState };
  await q.query('SELECT pg_notify($1, $2)', [AGENT_CHANNEL, JSON.stringify(notice)]);
}

export interface StateChange {
  state: AgentState;
  reason: string | null;
  /** ISO instant at the source. */
  at: string;
  setBy: string;
  event: RawEvent;
}

/**
 * Records the change's event and, when it is newer than what the hub holds, makes it the current
 * state. Returns false for an event seen before (nothing changes, nothing is announced).
 */
export async function applyStateChange(q: Queryable, userId: number, c: StateChange): Promise<boolean> {
  const fresh = await recordEvents(q, [c.event]);
  if (!fresh.size) return false;
  const moved = await q.rows(
    `INSERT INTO agent_states (user_id, state, reason, since, set_by, updated_at) VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (user_id) DO UPDATE SET state = EXCLUDED.state, reason = EXCLUDED.reason, since = EXCLUDED.since,
       set_by = EXCLUDED.set_by, updated_at = now()
     WHERE agent_states.since <= EXCLUDED.since
     RETURNING 1`,
    [userId, c.state, c.reason, c.at, c.setBy], { prepare: true });
  if (moved.length) await notify(q, userId);
  return true;
}

/** The PBX saw the extension's softphone register or go away. */
export async function setRegistered(q: Queryable, extension: string, registered: boolean, at: string): Promise<string | null> {
  const u = (await q.query<{ id: number; name: string }>('SELECT id, name FROM users WHERE extension = $1', [extension]))[0];
  if (!u) return null;
  const moved = await q.rows(
    // a first row only holds the registration: its state is "never signed in" (the epoch), so any
    // state the desktop reports wins
    `INSERT INTO agent_states (user_id, state, reason, since, set_by, registered, registered_at) VALUES ($1, 'offline', NULL, 'epoch', NULL, $2, $3)
     ON CONFLICT (user_id) DO UPDATE SET registered = EXCLUDED.registered, registered_at = EXCLUDED.registered_at, updated_at = now()
     WHERE agent_states.registered_at IS NULL OR agent_states.registered_at <= EXCLUDED.registered_at
     RETURNING 1`,
    [u.id, registered, at]);
  if (moved.length) await notify(q, u.id);
  return u.name;
}

/** PUT /v1/agents/:name/state: a supervisor of the agent's team, or an admin. */
export async function setStateAs(
  store: Store,
  actor: { name: string; role: string; team: string | null },
  name: string,
  body: { state: AgentState; reason: string | null },
): Promise<AgentStatus> {
  return store.tx(async (q) => {
    const u = (await q.query<{ id: number; team: string | null; role: string }>('SELECT id, team, role FROM users WHERE name = $1', [name]))[0];
    // the same answer for "no such agent" and "not your team": a supervisor learns nothing outside it
    if (!u || (actor.role === 'supervisor' && actor.team !== null && u.team !== actor.team)) throw new AdminError(`agent "${name}" is not in your team`, 404);
    if (body.state === 'break') await checkBreakReason(q, body.reason);
    const at = new Date().toISOString();
    await applyStateChange(q, u.id, {
      state: body.state, reason: body.reason, at, setBy: actor.name,
      event: { id: randomUUID(), at, kind: 'agent.state', source: 'hub', agent: name, data: { state: body.state, reason: body.reason, setBy: actor.name, cause: 'supervisor' } },
    });
    return (await agentByName(q, name))!;
  });
}

export async function checkBreakReason(q: Queryable, reason: string | null): Promise<void> {
  if (!reason) throw new AdminError('a break needs a reason (GET /v1/break-reasons)');
  const r = await q.rows('SELECT 1 FROM break_reasons WHERE code = $1 AND active', [reason]);
  if (!r.length) throw new AdminError(`reason: "${reason}" is not an active break reason`);
}
