// The host side of the supervisor's Queues view: who the hub says this user is (the desktop never
// decides that itself), the live and historical queue figures, a queue's calls and the callers
// who gave up, today; a supervisor sets an agent's state. "Today" starts at midnight in the hub's
// time zone (QueueStats.dayFrom), as in the hub's own figures and reports. Without a hub, `me` is
// null and everything else is an error.
import { z } from 'zod';
import { AgentStatus, BreakReason, type ChosenState } from '../../../src-shared/agent-state/states';
import {
  QueueReport, QueueStats, QueueTeam, SUPERVISOR_ROLES, type AbandonedCaller, type QueueCall, type QueueDay, type SupervisorMe,
} from '../../../src-shared/supervisor/stats';
import type { HubLink } from '../agent-state/hub';
import { hubEvents, hubGet, hubPut, SupervisorError } from './hub';
import { abandonedCallers, queueCalls, withPeakWaiting } from './calls';
import { LiveStatsWatch } from './live';

const Me = z.object({ name: z.string().min(1), role: z.string().min(1), team: z.string().nullable().optional() });
const Reasons = z.object({ reasons: z.array(BreakReason) });
const Queues = z.object({ queues: z.array(QueueTeam) });
const QUARTER_MS = 15 * 60_000;

export interface SupervisorOptions {
  link: HubLink | null;
  emit: (stats: QueueStats) => void;
  log: (line: string) => void;
  now?: () => number;
}

export { SupervisorError };

export class SupervisorService {
  private live: LiveStatsWatch | null;

  constructor(private readonly o: SupervisorOptions) {
    this.live = o.link ? new LiveStatsWatch({ link: o.link, emit: o.emit, log: o.log, now: o.now }) : null;
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private hub(): HubLink {
    if (!this.o.link) throw new SupervisorError('no hub is configured: queue statistics come from the hub');
    return this.o.link;
  }

  /**
   * Today as the hub counts it (midnight in the hub's time zone, from its live figures), and now;
   * the desktop's local midnight only when the hub does not say (an older hub).
   */
  private async today(): Promise<{ from: Date; now: Date }> {
    const now = new Date(this.now());
    const stats = await hubGet(this.hub(), '/v1/stats/queues', QueueStats);
    if (stats.dayFrom && Date.parse(stats.dayFrom) <= now.getTime()) return { from: new Date(stats.dayFrom), now };
    const from = new Date(now);
    from.setHours(0, 0, 0, 0);
    return { from, now };
  }

  /** null without a hub; an unreachable hub or a malformed answer is an error (the renderer retries). */
  async me(): Promise<SupervisorMe | null> {
    if (!this.o.link) return null;
    const me = await hubGet(this.o.link, '/v1/me', Me);
    return { name: me.name, role: me.role, team: me.team ?? null, supervisor: (SUPERVISOR_ROLES as readonly string[]).includes(me.role) };
  }

  async queueStats(): Promise<QueueStats> {
    return hubGet(this.hub(), '/v1/stats/queues', QueueStats);
  }

  async queueTeams(): Promise<QueueTeam[]> {
    return (await hubGet(this.hub(), '/v1/queues', Queues)).queues.map(({ name, team }) => ({ name, team }));
  }

  /** Today's quarter hours per queue (report rows), each with its peak of calls waiting. */
  async queueDay(): Promise<QueueDay> {
    const link = this.hub();
    const { from, now } = await this.today();
    const to = new Date(Math.max(from.getTime() + QUARTER_MS, Math.ceil(now.getTime() / QUARTER_MS) * QUARTER_MS));
    const q = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), interval: '15m' });
    const [report, events] = await Promise.all([hubGet(link, `/v1/reports/queues?${q}`, QueueReport), hubEvents(link, from, to)]);
    return { from: from.toISOString(), to: to.toISOString(), rows: withPeakWaiting(report.rows, events, now.getTime()) };
  }

  async queueCalls(queue: string): Promise<QueueCall[]> {
    const { from, now } = await this.today();
    return queueCalls(await hubEvents(this.hub(), from, new Date(now.getTime() + 1)), queue, now.getTime());
  }

  async abandonedCallers(): Promise<AbandonedCaller[]> {
    const { from, now } = await this.today();
    return abandonedCallers(await hubEvents(this.hub(), from, new Date(now.getTime() + 1)));
  }

  async setAgentState(name: string, state: ChosenState, reason: string | null): Promise<AgentStatus> {
    if (state === 'break' && !reason) throw new SupervisorError('a break needs a reason');
    return hubPut(this.hub(), `/v1/agents/${encodeURIComponent(name)}/state`, { state, ...(state === 'break' ? { reason } : {}) }, AgentStatus);
  }

  async breakReasons(): Promise<BreakReason[]> {
    return (await hubGet(this.hub(), '/v1/break-reasons', Reasons)).reasons;
  }

  watch(id: string, on: boolean): { watching: boolean; connected: boolean } {
    if (!this.live) {
      if (on) throw new SupervisorError('no hub is configured: queue statistics come from the hub');
      return { watching: false, connected: false };
    }
    return this.live.watch(id, on);
  }

  close(): void {
    this.live?.close();
  }
}
