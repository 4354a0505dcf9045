// What a supervisor's Queues view shows, as the hub sends it (GET /v1/stats/queues, the live
// socket, GET /v1/reports/queues, GET /v1/events) and as the desktop hands it to the renderer.
// The host checks every hub answer against these: a malformed one is an error, never a crash.
import { z } from 'zod';
import { AgentState } from '../agent-state/states';

const Count = z.number().int().min(0);
const Seconds = z.number().min(0);
const Pct = z.number().min(0).max(100);

export const AgentCounts = z.object({
  available: Count, ringing: Count, onCall: Count, wrapUp: Count, break: Count, offline: Count,
});

export const QueueStat = z.object({
  queue: z.string(),
  label: z.string(),
  waiting: Count,
  longestWaitS: Seconds,
  offered: Count,
  answered: Count,
  abandoned: Count,
  shortAbandoned: Count,
  timedOut: Count,
  serviceLevelPct: Pct.nullable(),
  abandonRatePct: Pct.nullable(),
  asaS: Seconds.nullable(),
  ahtS: Seconds.nullable(),
  slSeconds: Seconds,
  agents: AgentCounts,
});
export type QueueStat = z.infer<typeof QueueStat>;

export const AgentStat = z.object({
  name: z.string(),
  extension: z.string().nullable(),
  team: z.string().nullable(),
  state: AgentState,
  reason: z.string().nullable(),
  sinceS: Seconds,
  handled: Count,
  ahtS: Seconds.nullable(),
});
export type AgentStat = z.infer<typeof AgentStat>;

/** GET /v1/stats/queues, and each live message without its `type`. */
export const QueueStats = z.object({
  at: z.string(),
  /** Where "today" starts: midnight in the hub's time zone (PRONTO_HUB_TIME_ZONE), not the desktop's. */
  dayFrom: z.string().optional(),
  queues: z.array(QueueStat),
  agents: z.array(AgentStat),
});
export type QueueStats = z.infer<typeof QueueStats>;

/** One live socket message. */
export const LiveStatsMessage = QueueStats.extend({ type: z.literal('stats') });

/**
 * One row of GET /v1/reports/queues (one queue, one interval): the live figures' definitions over
 * a period, without what only exists live (waiting now, the agents), with the period's longest wait.
 */
export const QueueReportRow = QueueStat.omit({ waiting: true, agents: true }).extend({
  from: z.string(),
  to: z.string(),
  /** the longest wait of any call of the interval (s) */
  longestWaitS: Seconds,
});
export type QueueReportRow = z.infer<typeof QueueReportRow>;
export const QueueReport = z.object({ rows: z.array(QueueReportRow) });

/** One line of GET /v1/events (NDJSON). */
export const HubEvent = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.string(),
  source: z.string(),
  callId: z.string().nullable(),
  queue: z.string().nullable(),
  agent: z.string().nullable(),
  caller: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type HubEvent = z.infer<typeof HubEvent>;

/** The day's chart: the report's quarter hours, each with the most calls waiting at once in it. */
export const QueueDayRow = QueueReportRow.extend({ peakWaiting: Count });
export type QueueDayRow = z.infer<typeof QueueDayRow>;
export const QueueDay = z.object({ from: z.string(), to: z.string(), rows: z.array(QueueDayRow) });
export type QueueDay = z.infer<typeof QueueDay>;

export const CALL_OUTCOMES = ['answered', 'abandoned', 'timedOut', 'waiting', 'ended'] as const;
export const CallOutcome = z.enum(CALL_OUTCOMES);
export type CallOutcome = z.infer<typeof CallOutcome>;

/** One call of a queue today, from its raw events. */
export const QueueCall = z.object({
  callId: z.string(),
  caller: z.string().nullable(),
  entered: z.string(),
  answeredBy: z.string().nullable(),
  /** Seconds in the queue (until answered or gone; until now while waiting). */
  waitedS: Seconds.nullable(),
  outcome: CallOutcome,
  transferred: z.boolean(),
});
export type QueueCall = z.infer<typeof QueueCall>;

/** A caller who gave up (or was timed out) today and has not reached an agent since. */
export const AbandonedCaller = z.object({
  caller: z.string(),
  at: z.string(),
  queue: z.string().nullable(),
  outcome: z.enum(['abandoned', 'timedOut']),
  waitedS: Seconds.nullable(),
  /** Calls of this caller today that ended this way. */
  attempts: z.number().int().min(1),
});
export type AbandonedCaller = z.infer<typeof AbandonedCaller>;

export const SUPERVISOR_ROLES = ['supervisor', 'admin'] as const;
/** Who the hub says this desktop's user is; null: no hub, or it did not answer. */
export const SupervisorMe = z.object({ name: z.string(), role: z.string(), team: z.string().nullable(), supervisor: z.boolean() });
export type SupervisorMe = z.infer<typeof SupervisorMe>;

/** A queue's team (GET /v1/queues): agents serve the queues of their team. */
export const QueueTeam = z.object({ name: z.string(), team: z.string().nullable() });
export type QueueTeam = z.infer<typeof QueueTeam>;
