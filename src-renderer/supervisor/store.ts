// The Queues view's state. Whether the view exists at all comes from the hub (supervisorMe: role
// supervisor or admin), never from this page. While the view is open the host keeps one socket to
// the hub's live figures (queueStatsWatch, renewed every 20 s) and pushes `queueStats`; the day's
// chart rows and the call-back list are read on opening and every minute.
import { create } from 'zustand';
import type { BreakReason, ChosenState } from '../../src-shared/agent-state/states';
import type { AbandonedCaller, QueueCall, QueueDay, QueueStats, QueueTeam, SupervisorMe } from '../../src-shared/supervisor/stats';
import { bridge } from '../bridge';
import { NO_FILTER, nextSort, type AgentFilter, type Sort, type SortKey } from './figures';

export const RENEW_MS = 20_000;
export const DAY_REFRESH_MS = 60_000;

interface SupervisorStore {
  me: SupervisorMe | null;
  /** The Queues view is shown (instead of the pop). */
  open: boolean;
  stats: QueueStats | null;
  /** When the last live figures arrived (Date.now()), for "updated … ago". */
  statsAt: number | null;
  day: QueueDay | null;
  abandoned: AbandonedCaller[] | null;
  reasons: readonly BreakReason[];
  queueTeams: QueueTeam[];
  /** The queue whose calls are listed (a tile was opened), its calls once read. */
  queue: string | null;
  calls: QueueCall[] | null;
  chartQueue: string;
  filter: AgentFilter;
  sort: Sort;
  error: string | null;
  loadMe(): Promise<void>;
  show(open: boolean): void;
  refreshDay(): Promise<void>;
  openQueue(queue: string | null): Promise<void>;
  setFilter(f: Partial<AgentFilter>): void;
  sortBy(key: SortKey): void;
  setChartQueue(q: string): void;
  setAgentState(name: string, state: ChosenState, reason: string | null): Promise<boolean>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const watcher = `view-${Math.random().toString(36).slice(2, 10)}`;
let stopLive: (() => void) | null = null;

export const useSupervisor = create<SupervisorStore>((set, get) => ({
  me: null,
  open: false,
  stats: null,
  statsAt: null,
  day: null,
  abandoned: null,
  reasons: [],
  queueTeams: [],
  queue: null,
  calls: null,
  chartQueue: '',
  filter: NO_FILTER,
  sort: { key: 'name', dir: 'asc' },
  error: null,

  async loadMe() {
    try {
      const me = await bridge.invoke('supervisorMe', {});
      set({ me });
      if (!me?.supervisor && get().open) get().show(false);
    } catch {
      // the hub did not answer: the entry stays as it was (hidden until it answers once)
    }
  },

  show(open) {
    if (open === get().open) return;
    if (open && !get().me?.supervisor) return;
    set({ open, ...(open ? {} : { queue: null, calls: null }) });
    stopLive?.();
    stopLive = open ? startLive() : null;
  },

  async refreshDay() {
    try {
      const [day, abandoned] = await Promise.all([bridge.invoke('queueDay', {}), bridge.invoke('abandonedCallers', {})]);
      set({ day, abandoned }); // (an error stays until live figures arrive: they are the view's main read)
    } catch (err) {
      set({ error: message(err) });
    }
  },

  async openQueue(queue) {
    set({ queue, calls: null });
    if (!queue) return;
    try {
      const calls = await bridge.invoke('queueCalls', { queue });
      if (get().queue === queue) set({ calls });
    } catch (err) {
      set({ error: message(err) });
    }
  },

  setFilter(f) {
    set({ filter: { ...get().filter, ...f } });
  },
  sortBy(key) {
    set({ sort: nextSort(get().sort, key) });
  },
  setChartQueue(chartQueue) {
    set({ chartQueue });
  },

  async setAgentState(name, state, reason) {
    try {
      await bridge.invoke('supervisorSetAgentState', { name, state, reason: state === 'break' ? reason : null });
      set({ error: null });
      return true;
    } catch (err) {
      set({ error: message(err) });
      return false;
    }
  },
}));

/** While the view is open: the host's socket (lease renewed), its pushes, the day's reads. */
function startLive(): () => void {
  const s = useSupervisor;
  const offStats = bridge.on('queueStats', (stats) => s.setState({ stats, statsAt: Date.now(), error: null }));
  const watch = (on: boolean) => bridge.invoke('queueStatsWatch', { on, watcher }).catch((err: unknown) => {
    if (on) s.setState({ error: message(err) });
  });
  void watch(true);
  // the first picture at once (the socket's first message may take a moment)
  bridge.invoke('queueStats', {}).then(
    (stats) => s.setState((cur) => (cur.statsAt === null ? { stats, statsAt: Date.now(), error: null } : {})),
    (err: unknown) => s.setState({ error: message(err) }),
  );
  bridge.invoke('breakReasons', {}).then((reasons) => s.setState({ reasons }), () => {});
  bridge.invoke('queueTeams', {}).then((queueTeams) => s.setState({ queueTeams }), () => {});
  void s.getState().refreshDay();
  const renew = setInterval(() => void watch(true), RENEW_MS);
  const day = setInterval(() => void s.getState().refreshDay(), DAY_REFRESH_MS);
  return () => {
    clearInterval(renew);
    clearInterval(day);
    offStats();
    void watch(false);
  };
}
