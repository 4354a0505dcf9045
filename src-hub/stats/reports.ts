// Historical reports: the same StatsModel as the live view, over [from, to) cut into intervals
// (a call belongs to the interval it entered in), so a period gives the numbers the live view gave.
import type { Queryable } from '../db/store';
import { reportLine } from '../../src-shared/feeds/csv-quote';
import { periodEvents, queueInfos } from './load';
import { StatsModel, type AgentFigures } from './model';
import type { QueueReportRow } from '../../src-shared/supervisor/stats';

export const INTERVALS = { '15m': 15 * 60_000, '1h': 3_600_000, '1d': 86_400_000 } as const;
export type Interval = keyof typeof INTERVALS;

export type { QueueReportRow };

/** At most this many intervals in one report (a year of days, or 3 days of quarter hours × queues…). */
const MAX_INTERVALS = 2000;

export async function queueReport(q: Queryable, from: number, to: number, interval: Interval, team: string | null): Promise<QueueReportRow[]> {
  const step = INTERVALS[interval];
  const n = Math.ceil((to - from) / step);
  if (n > MAX_INTERVALS) throw new RangeError(`${n} intervals of ${interval}: at most ${MAX_INTERVALS} (a longer interval, or a shorter period)`);
  const queues = await queueInfos(q);
  const models = Array.from({ length: n }, (_, i) => new StatsModel(queues, from + i * step, Math.min(to, from + (i + 1) * step)));
  // each model keeps only the calls that entered in its interval: feed every event to every
  // model would be n × events; events of one call go to the model of its entry instead
  const byCall = new Map<string, number>();
  const agentEvents: Parameters<StatsModel['apply']>[0][] = [];
  const callEvents: Parameters<StatsModel['apply']>[0][] = [];
  for await (const e of periodEvents(q, from, to)) {
    if (e.kind === 'queue.entered' && e.callId) byCall.set(e.callId, Math.min(n - 1, Math.max(0, Math.floor((e.at - from) / step))));
    (e.callId && e.kind !== 'agent.state' ? callEvents : agentEvents).push(e);
  }
  for (const e of callEvents) {
    const i = byCall.get(e.callId!);
    if (i !== undefined) models[i]!.apply(e);
  }
  for (const e of agentEvents) for (const m of models) m.apply(e);
  const out: QueueReportRow[] = [];
  for (const m of models) {
    for (const f of m.queueFigures(null)) {
      if (team !== null && queues.get(f.queue)?.team !== team) continue;
      const { waiting: _w, longestWaitS: _l, maxWaitS, ...rest } = f;
      out.push({ from: new Date(m.from).toISOString(), to: new Date(m.to).toISOString(), ...rest, longestWaitS: maxWaitS });
    }
  }
  return out;
}

export interface AgentReportRow extends Omit<AgentFigures, 'timeInState'> {
  team: string | null;
  availableS: number;
  ringingS: number;
  onCallS: number;
  wrapUpS: number;
  breakS: number;
  offlineS: number;
}

export async function agentReport(q: Queryable, from: number, to: number, team: string | null): Promise<AgentReportRow[]> {
  const m = new StatsModel(await queueInfos(q), from, to);
  for await (const e of periodEvents(q, from, to)) m.apply(e);
  const teams = new Map((await q.query<{ name: string; team: string | null }>('SELECT name, team FROM users')).map((u) => [u.name, u.team]));
  return m.agentFigures(to)
    .filter((a) => team === null || teams.get(a.name) === team)
    .map(({ timeInState: t, ...a }) => ({
      ...a, team: teams.get(a.name) ?? null, availableS: t.available, ringingS: t.ringing, onCallS: t.oncall, wrapUpS: t.wrapup, breakS: t.break, offlineS: t.offline,
    }));
}

/** Rows as RFC 4180 CSV (header line first, CRLF), cells neutralised against formula injection. */
export function toCsv<T extends object>(rows: readonly T[], columns: readonly (keyof T & string)[]): string {
  return reportLine(columns) + rows.map((r) => reportLine(columns.map((c) => r[c] as string | number | null))).join('');
}

export const QUEUE_COLUMNS = ['from', 'to', 'queue', 'label', 'offered', 'answered', 'abandoned', 'shortAbandoned', 'timedOut', 'serviceLevelPct',
  'abandonRatePct', 'asaS', 'ahtS', 'slSeconds', 'longestWaitS'] as const satisfies readonly (keyof QueueReportRow)[];
export const AGENT_COLUMNS = ['name', 'team', 'handled', 'ahtS', 'ringNoAnswers', 'occupancyPct', 'availableS', 'ringingS', 'onCallS', 'wrapUpS', 'breakS',
  'offlineS'] as const satisfies readonly (keyof AgentReportRow)[];
