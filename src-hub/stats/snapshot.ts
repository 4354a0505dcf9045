// The live picture's shape (GET /v1/stats/queues, GET /v1/stats/live): exactly what the supervisors
// issue names, per queue and per agent, for one team or everyone.
import type { AgentState, AgentStatus } from '../../src-shared/agent-state/states';
import type { AgentStat, QueueStat, QueueStats } from '../../src-shared/supervisor/stats';
import type { QueueFigures, QueueInfo, StatsModel } from './model';

// The shapes are defined once, with the checks the desktop applies: src-shared/supervisor/stats.ts.
export type { QueueStat, AgentStat };
export type StatsSnapshot = QueueStats;

const KEY: Record<AgentState, keyof QueueStat['agents']> = {
  available: 'available', ringing: 'ringing', oncall: 'onCall', wrapup: 'wrapUp', break: 'break', offline: 'offline',
};

/** The model's figures at `now`, computed once and cut per team by `snapshot`. */
export interface Figures {
  now: number;
  queues: QueueFigures[];
  agents: Map<string, { handled: number; ahtS: number | null }>;
  /** team → agents by state */
  counts: Map<string, QueueStat['agents']>;
}

export function figuresOf(model: StatsModel, now: number, statuses: Iterable<AgentStatus>): Figures {
  const counts = new Map<string, QueueStat['agents']>();
  for (const a of statuses) {
    if (a.team === null) continue;
    const c = counts.get(a.team) ?? { available: 0, ringing: 0, onCall: 0, wrapUp: 0, break: 0, offline: 0 };
    c[KEY[a.state]]++;
    counts.set(a.team, c);
  }
  return { now, queues: model.queueFigures(now), agents: model.agentHandled(), counts };
}

export function snapshot(figs: Figures, queues: Map<string, QueueInfo>, agents: AgentStatus[], team: string | null): StatsSnapshot {
  const { now } = figs;
  const perAgent = figs.agents;
  const mine = agents.filter((a) => team === null || a.team === team);
  const qs = figs.queues
    .filter((f) => team === null || queues.get(f.queue)?.team === team)
    .map((f): QueueStat => {
      const qTeam = queues.get(f.queue)?.team ?? null;
      const counts = (qTeam !== null && figs.counts.get(qTeam)) || { available: 0, ringing: 0, onCall: 0, wrapUp: 0, break: 0, offline: 0 };
      const { maxWaitS: _m, ...rest } = f;
      return { ...rest, agents: { ...counts } };
    });
  return {
    at: new Date(now).toISOString(),
    queues: qs,
    agents: mine.map((a) => {
      const fig = perAgent.get(a.name);
      return {
        name: a.name, extension: a.extension, team: a.team, state: a.state, reason: a.reason,
        sinceS: Math.max(0, Math.floor((now - Date.parse(a.since)) / 1000)), handled: fig?.handled ?? 0, ahtS: fig?.ahtS ?? null,
      };
    }),
  };
}
