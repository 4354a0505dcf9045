// Routes of agent states, queues and the call-event record (registered by app.ts).
//
//   GET  /v1/agents                  supervisor  every agent's state, reason, since (a team supervisor: their team)
//   GET  /v1/agents/:name/state      agent       one agent (an agent: only themselves)
//   PUT  /v1/agents/:name/state      supervisor  {"state":"break","reason":"meeting"}; the desktop follows
//   GET  /v1/break-reasons           agent       {reasons:[{code,labelEn,labelIt}]}
//   PUT  /v1/break-reasons           admin       [{code,labelEn,labelIt}] replaces the active set
//   GET  /v1/queues                  supervisor  {queues:[…]}
//   PUT  /v1/queues/:name            admin       {number,team,strategy?,ringSeconds?,…}
//   GET  /v1/events?from=&to=        supervisor  NDJSON, oldest first: id, at, kind, source, callId, queue, agent, caller, data
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Store } from '../db/store';
import { SetAgentStateBody } from '../../src-shared/agent-state/states';
import { agentByName, listAgents, setStateAs } from '../agents/states';
import { listBreakReasons, listQueues, setBreakReasons, setQueue } from '../agents/queues';
import { readEvents } from '../agents/events';

const Instant = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'an ISO 8601 date or date-time');
const EventsQuery = z.object({ from: Instant, to: Instant });

type Fail = (reply: FastifyReply, status: number, error: string, message: string) => unknown;
type BadRequest = (reply: FastifyReply, what: string, err: z.ZodError) => unknown;

export function agentRoutes(app: FastifyInstance, store: Store, fail: Fail, badRequest: BadRequest): void {
  /** A supervisor with a team sees that team; an admin (or a team-less supervisor) everyone. */
  const teamOf = (u: { role: string; team: string | null }) => (u.role === 'supervisor' ? u.team : null);

  app.get('/v1/agents', { config: { auth: 'supervisor' } }, async (req) => ({ agents: await listAgents(store, teamOf(req.hubUser!)) }));

  app.get('/v1/agents/:name/state', { config: { auth: 'agent' } }, async (req, reply) => {
    const u = req.hubUser!;
    const name = (req.params as { name: string }).name;
    const a = await agentByName(store, name);
    const team = teamOf(u);
    const allowed = u.role === 'agent' ? name === u.name : team === null || a?.team === team;
    if (!a || !allowed) return fail(reply, 404, 'not_found', `agent "${name}" is not in your view`);
    return a;
  });

  app.put('/v1/agents/:name/state', { config: { auth: 'supervisor' } }, async (req, reply) => {
    const body = SetAgentStateBody.safeParse(req.body);
    if (!body.success) return badRequest(reply, 'invalid state', body.error);
    const u = req.hubUser!;
    return setStateAs(store, u, (req.params as { name: string }).name, { state: body.data.state, reason: body.data.reason ?? null });
  });

  app.get('/v1/break-reasons', { config: { auth: 'agent' } }, async () => ({
    reasons: (await listBreakReasons(store)).map(({ code, labelEn, labelIt }) => ({ code, labelEn, labelIt })),
  }));

  app.put('/v1/break-reasons', { config: { auth: 'admin' } }, async (req) => setBreakReasons(store, req.body));

  app.get('/v1/queues', { config: { auth: 'supervisor' } }, async (req) => {
    const team = teamOf(req.hubUser!);
    return { queues: (await listQueues(store)).filter((q) => team === null || q.team === team) };
  });

  app.put('/v1/queues/:name', { config: { auth: 'admin' } }, async (req) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    return store.tx((q) => setQueue(q, { ...body, name: (req.params as { name: string }).name }));
  });

  app.get('/v1/events', { config: { auth: 'supervisor' } }, async (req, reply) => {
    const q = EventsQuery.safeParse(req.query);
    if (!q.success) return badRequest(reply, 'invalid events query (from and to are ISO 8601)', q.error);
    const from = new Date(q.data.from).toISOString();
    const to = new Date(q.data.to).toISOString();
    if (from > to) return fail(reply, 400, 'bad_request', 'from must not be after to');
    const team = teamOf(req.hubUser!);
    reply.header('content-type', 'application/x-ndjson; charset=utf-8').header('cache-control', 'no-store');
    return reply.send(Readable.from((async function* () {
      for await (const e of readEvents(store, { from, to, team })) yield `${JSON.stringify(e)}\n`;
    })()));
  });
}
