// The Queues view's store: the entry exists only when the host (from the hub) says supervisor;
// opening it takes a lease on the live socket (renewed) and closing gives it back; pushed figures
// land; a supervisor's state change goes to the host; the table's sort and filters; the bands.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installFakeBrowser } from '../testing/fakeBrowser';
import type { AgentStat, QueueDayRow, QueueStats, SupervisorMe } from '../../src-shared/supervisor/stats';

installFakeBrowser();

const invoked: { method: string; input: Record<string, unknown> }[] = [];
const listeners = new Map<string, (payload: unknown) => void>();
let me: SupervisorMe | null = null;
let failStats = false;
const agent = (name: string, over: Partial<AgentStat> = {}): AgentStat => ({
  name, extension: null, team: 'North', state: 'available', reason: null, sinceS: 10, handled: 0, ahtS: null, ...over,
});
const stats = (waiting: number): QueueStats => ({
  at: '2026-12-07T10:00:00.000Z',
  queues: [{
    queue: 'sales', label: 'Sales', waiting, longestWaitS: 30, offered: 10, answered: 8, abandoned: 1, shortAbandoned: 0, timedOut: 1,
    serviceLevelPct: 70, abandonRatePct: 10, asaS: 12, ahtS: 180, slSeconds: 20,
    agents: { available: 1, ringing: 0, onCall: 1, wrapUp: 0, break: 0, offline: 0 },
  }],
  agents: [agent('nina'), agent('omar', { state: 'oncall', handled: 3, ahtS: 200 })],
});
vi.mock('../bridge', () => ({
  bridge: {
    kind: 'web',
    async invoke(method: string, input: Record<string, unknown>) {
      invoked.push({ method, input });
      switch (method) {
        case 'supervisorMe': return me;
        case 'queueStats': if (failStats) throw new Error('hub 403 on /v1/stats/queues: forbidden'); return stats(1);
        case 'queueStatsWatch': return { watching: Boolean(input.on), connected: Boolean(input.on) };
        case 'queueDay': return { from: '2026-12-07T00:00:00.000Z', to: '2026-12-07T10:15:00.000Z', rows: [] };
        case 'abandonedCallers': return [];
        case 'breakReasons': return [{ code: 'lunch', labelEn: 'Lunch', labelIt: 'Pranzo' }];
        case 'queueTeams': return [{ name: 'sales', team: 'North' }];
        case 'queueCalls': return [{ callId: 'c1', caller: '+3902', entered: '2026-12-07T09:00:00.000Z', answeredBy: 'nina', waitedS: 8, outcome: 'answered', transferred: false }];
        case 'supervisorSetAgentState': return {};
        default: throw new Error(`unexpected ${method}`);
      }
    },
    on(event: string, l: (payload: unknown) => void) {
      listeners.set(event, l);
      return () => listeners.delete(event);
    },
    onConnection: () => () => {},
  },
}));

const { useSupervisor, RENEW_MS } = await import('./store');
const { agentRows, chartSeries, slBand, abandonBand, clock, NO_FILTER } = await import('./figures');
const tick = () => new Promise((r) => setTimeout(r, 0));
const calls = (m: string) => invoked.filter((i) => i.method === m);

afterEach(() => {
  useSupervisor.getState().show(false);
  invoked.length = 0;
  vi.useRealTimers();
});

describe('supervisor store', () => {
  it('an agent gets no Queues view; a supervisor does', async () => {
    me = { name: 'nina', role: 'agent', team: 'North', supervisor: false };
    await useSupervisor.getState().loadMe();
    useSupervisor.getState().show(true);
    expect(useSupervisor.getState().open).toBe(false);
    expect(calls('queueStatsWatch')).toEqual([]);
    me = { name: 'sam', role: 'supervisor', team: 'North', supervisor: true };
    await useSupervisor.getState().loadMe();
    useSupervisor.getState().show(true);
    expect(useSupervisor.getState().open).toBe(true);
  });

  it('opening takes a lease on the live socket and renews it; closing gives it back; pushes land', async () => {
    vi.useFakeTimers();
    me = { name: 'sam', role: 'supervisor', team: 'North', supervisor: true };
    await useSupervisor.getState().loadMe();
    useSupervisor.getState().show(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls('queueStatsWatch').map((c) => c.input.on)).toEqual([true]);
    expect(useSupervisor.getState().stats?.queues[0]?.waiting).toBe(1);
    expect(useSupervisor.getState().reasons.map((r) => r.code)).toEqual(['lunch']);
    listeners.get('queueStats')!(stats(4));
    expect(useSupervisor.getState().stats?.queues[0]?.waiting).toBe(4);
    await vi.advanceTimersByTimeAsync(RENEW_MS);
    expect(calls('queueStatsWatch').map((c) => c.input.on)).toEqual([true, true]);
    const watcher = calls('queueStatsWatch')[0]!.input.watcher;
    useSupervisor.getState().show(false);
    expect(calls('queueStatsWatch').at(-1)!.input).toEqual({ on: false, watcher });
    expect(listeners.has('queueStats')).toBe(false);
  });

  it("a refused read is shown as an error; a tile opens the queue's calls; a state change goes to the host", async () => {
    failStats = true;
    useSupervisor.setState({ statsAt: null, stats: null });
    useSupervisor.getState().show(true);
    await tick();
    expect(useSupervisor.getState().error).toMatch(/403/);
    failStats = false;
    await useSupervisor.getState().openQueue('sales');
    expect(useSupervisor.getState().calls?.map((c) => c.callId)).toEqual(['c1']);
    expect(await useSupervisor.getState().setAgentState('nina', 'break', 'lunch')).toBe(true);
    expect(calls('supervisorSetAgentState')[0]!.input).toEqual({ name: 'nina', state: 'break', reason: 'lunch' });
    await useSupervisor.getState().setAgentState('nina', 'available', 'lunch');
    expect(calls('supervisorSetAgentState')[1]!.input).toEqual({ name: 'nina', state: 'available', reason: null });
  });
});

describe('figures', () => {
  const agents = [
    agent('nina', { sinceS: 50, handled: 2, ahtS: 100 }),
    agent('omar', { state: 'break', reason: 'lunch', sinceS: 5, handled: 4, ahtS: null }),
    agent('sven', { team: 'South', state: 'oncall', sinceS: 20, handled: 1, ahtS: 300 }),
  ];
  const teams = new Map([['sales', 'North'], ['south-desk', 'South']]);
  it('sorts by any column both ways, nulls last, and filters by queue (its team), team and state', () => {
    expect(agentRows(agents, NO_FILTER, { key: 'handled', dir: 'desc' }, teams).map((a) => a.name)).toEqual(['omar', 'nina', 'sven']);
    expect(agentRows(agents, NO_FILTER, { key: 'ahtS', dir: 'desc' }, teams).map((a) => a.name)).toEqual(['sven', 'nina', 'omar']);
    expect(agentRows(agents, NO_FILTER, { key: 'ahtS', dir: 'asc' }, teams).map((a) => a.name)).toEqual(['nina', 'sven', 'omar']);
    expect(agentRows(agents, NO_FILTER, { key: 'state', dir: 'asc' }, teams).map((a) => a.name)).toEqual(['nina', 'sven', 'omar']);
    expect(agentRows(agents, { ...NO_FILTER, queue: 'sales' }, { key: 'name', dir: 'asc' }, teams).map((a) => a.name)).toEqual(['nina', 'omar']);
    expect(agentRows(agents, { ...NO_FILTER, team: 'South' }, { key: 'name', dir: 'asc' }, teams).map((a) => a.name)).toEqual(['sven']);
    expect(agentRows(agents, { ...NO_FILTER, state: 'break' }, { key: 'name', dir: 'asc' }, teams).map((a) => a.name)).toEqual(['omar']);
  });

  it('bands carry a symbol and a word as well as a colour; rounded like the number shown', () => {
    expect(slBand(79.6)).toMatchObject({ band: 'good', symbol: '✓', word: 'queues.sl.good' });
    expect(slBand(60)).toMatchObject({ band: 'warn', symbol: '▲' });
    expect(slBand(12)).toMatchObject({ band: 'bad', symbol: '✕' });
    expect(slBand(null)).toMatchObject({ band: 'none', word: 'queues.band.none' });
    expect(abandonBand(4)).toMatchObject({ band: 'good' });
    expect(abandonBand(12)).toMatchObject({ band: 'bad' });
    expect([clock(75), clock(3725), clock(null)]).toEqual(['1:15', '1:02:05', '—']);
  });

  it("the chart: one queue's quarter hours, or every queue's with service level recomputed from the counts", () => {
    const row = (queue: string, from: string, o: Partial<QueueDayRow>): QueueDayRow => ({
      from, to: from, queue, label: queue, offered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, timedOut: 0,
      serviceLevelPct: null, abandonRatePct: null, asaS: null, ahtS: null, slSeconds: 20, longestWaitS: 0, peakWaiting: 0, ...o,
    });
    const rows = [
      row('a', '2026-12-07T09:00:00.000Z', { offered: 4, answered: 4, serviceLevelPct: 100, peakWaiting: 2 }),
      row('b', '2026-12-07T09:00:00.000Z', { offered: 1, abandoned: 1, serviceLevelPct: 0, peakWaiting: 1 }),
      row('a', '2026-12-07T09:15:00.000Z', {}),
    ];
    expect(chartSeries(rows, '')).toEqual({ x: [Date.parse('2026-12-07T09:00:00Z') / 1000, Date.parse('2026-12-07T09:15:00Z') / 1000], waiting: [3, 0], sl: [80, null], offered: [5, 0] });
    expect(chartSeries(rows, 'b').sl).toEqual([0]);
  });
});
