// Statistics routes (registered by app.ts).
//   GET /v1/stats/queues     supervisor, display  the live picture, one JSON object
//   GET /v1/stats/live       supervisor, display  WebSocket: {type:"stats",…} on connect, then as figures change (≤ 10/s), and every 5 s
//   GET /v1/reports/queues?from=&to=&interval=15m|1h|1d   supervisor  JSON {rows}, or CSV (Accept: text/csv or &format=csv)
//   GET /v1/reports/agents?from=&to=                      supervisor  the same for agents
// A supervisor with a team sees that team's queues and agents; admins (and team-less supervisors) all.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Store } from '../db/store';
import type { LiveStats } from '../stats/live';
import { AGENT_COLUMNS, agentReport, INTERVALS, QUEUE_COLUMNS, queueReport, toCsv, type Interval } from '../stats/reports';

export const STATS_LIVE_PATH = '/v1/stats/live';

const Instant = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'an ISO 8601 date or date-time');
const ReportQuery = z.object({
  from: Instant,
  to: Instant,
  interval: z.enum(Object.keys(INTERVALS) as [Interval, ...Interval[]]).default('1h'),
  format: z.enum(['json', 'csv']).optional(),
});

type Fail = (reply: FastifyReply, status: number, error: string, message: string) => unknown;
type BadRequest = (reply: FastifyReply, what: string, err: z.ZodError) => unknown;

const teamOf = (u: { role: string; team: string | null }) => (u.role === 'supervisor' ? u.team : null);

function wantsCsv(req: FastifyRequest, format: string | undefined): boolean {
  if (format) return format === 'csv';
  return /\btext\/csv\b/.test(String(req.headers.accept ?? ''));
}

export function statsRoutes(app: FastifyInstance, store: Store, live: LiveStats, fail: Fail, badRequest: BadRequest): void {
  app.get('/v1/stats/queues', { config: { auth: 'supervisor', display: true } }, async (req) => {
    await live.ready();
    return live.figures(teamOf(req.hubUser!));
  });

  app.get(STATS_LIVE_PATH, { websocket: true, config: { auth: 'supervisor', display: true } }, (socket, req) => {
    live.add(socket, teamOf(req.hubUser!));
  });

  const period = (req: FastifyRequest, reply: FastifyReply) => {
    const q = ReportQuery.safeParse(req.query);
    if (!q.success) {
      badRequest(reply, 'invalid report query (from and to are ISO 8601; interval 15m, 1h or 1d)', q.error);
      return null;
    }
    const from = Date.parse(q.data.from);
    const to = Date.parse(q.data.to);
    if (!(from < to)) {
      fail(reply, 400, 'bad_request', 'from must be before to');
      return null;
    }
    return { from, to, interval: q.data.interval, csv: wantsCsv(req, q.data.format) };
  };

  app.get('/v1/reports/queues', { config: { auth: 'supervisor' } }, async (req, reply) => {
    const p = period(req, reply);
    if (!p) return reply;
    let rows;
    try {
      rows = await queueReport(store, p.from, p.to, p.interval, teamOf(req.hubUser!));
    } catch (e) {
      if (e instanceof RangeError) return fail(reply, 400, 'bad_request', e.message);
      throw e;
    }
    if (p.csv) return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="queues.csv"').send(toCsv(rows, QUEUE_COLUMNS));
    return { rows };
  });

  app.get('/v1/reports/agents', { config: { auth: 'supervisor' } }, async (req, reply) => {
    const p = period(req, reply);
    if (!p) return reply;
    const rows = await agentReport(store, p.from, p.to, teamOf(req.hubUser!));
    if (p.csv) return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="agents.csv"').send(toCsv(rows, AGENT_COLUMNS));
    return { rows };
  });
}
