// How the Queues view reads the hub's numbers: bands with a word and a symbol (never colour
// alone; the same bands as the hub's wallboard: service level ≥ 80 % good, ≥ 60 % warn), times as
// m:ss, and the agents table's filter and sort. Pure functions, tested in store.test.ts.
import type { AgentStat, QueueDayRow, QueueStat } from '../../src-shared/supervisor/stats';
import type { StringKey } from '../i18n';

export type Band = 'good' | 'warn' | 'bad' | 'none';
export interface Banded {
  band: Band;
  word: StringKey;
  symbol: string;
}

const SL_GOOD = 80;
const SL_WARN = 60;
const ABANDON_GOOD = 5;
const ABANDON_WARN = 10;

/** Rounded first, so the band agrees with the number written on screen. */
export function slBand(pct: number | null): Banded {
  if (pct === null || !Number.isFinite(pct)) return { band: 'none', word: 'queues.band.none', symbol: '' };
  const v = Math.round(pct);
  if (v >= SL_GOOD) return { band: 'good', word: 'queues.sl.good', symbol: '✓' };
  if (v >= SL_WARN) return { band: 'warn', word: 'queues.sl.warn', symbol: '▲' };
  return { band: 'bad', word: 'queues.sl.bad', symbol: '✕' };
}

export function abandonBand(pct: number | null): Banded {
  if (pct === null || !Number.isFinite(pct)) return { band: 'none', word: 'queues.band.none', symbol: '' };
  const v = Math.round(pct);
  if (v <= ABANDON_GOOD) return { band: 'good', word: 'queues.abandon.good', symbol: '✓' };
  if (v <= ABANDON_WARN) return { band: 'warn', word: 'queues.abandon.warn', symbol: '▲' };
  return { band: 'bad', word: 'queues.abandon.bad', symbol: '✕' };
}

/** The oldest caller has waited past the queue's service-level time: that call is already a miss. */
export function waitBand(q: Pick<QueueStat, 'waiting' | 'longestWaitS' | 'slSeconds'>): Band {
  if (!q.waiting) return 'none';
  return q.longestWaitS > q.slSeconds ? 'bad' : 'good';
}

/** 75 → "1:15", 3725 → "1:02:05"; "—" for nothing. */
export function clock(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function percent(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '—' : `${Math.round(v)}%`;
}

export const SORT_KEYS = ['name', 'state', 'reason', 'sinceS', 'handled', 'ahtS'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}
export interface AgentFilter {
  /** A queue: its team's agents (agents serve the queues of their team). */
  queue: string;
  team: string;
  state: string;
}
export const NO_FILTER: AgentFilter = { queue: '', team: '', state: '' };

const STATE_ORDER = ['available', 'ringing', 'oncall', 'wrapup', 'break', 'offline'];

/** Filtered and sorted; nulls last whichever the direction; ties by name. */
export function agentRows(agents: readonly AgentStat[], filter: AgentFilter, sort: Sort, queueTeams: ReadonlyMap<string, string | null>): AgentStat[] {
  const queueTeam = filter.queue ? queueTeams.get(filter.queue) ?? null : undefined;
  const rows = agents.filter((a) =>
    (!filter.team || a.team === filter.team) &&
    (!filter.state || a.state === filter.state) &&
    (queueTeam === undefined || (queueTeam !== null && a.team === queueTeam)));
  const value = (a: AgentStat): string | number | null => {
    if (sort.key === 'state') return STATE_ORDER.indexOf(a.state);
    return a[sort.key];
  };
  const sign = sort.dir === 'asc' ? 1 : -1;
  return rows.sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null && y !== null) return 1;
    if (y === null && x !== null) return -1;
    if (x !== null && y !== null && x !== y) {
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      if (c) return c * sign;
    }
    return a.name.localeCompare(b.name);
  });
}

/** Next sort after a click on a column header: the same column flips, another starts ascending. */
export function nextSort(current: Sort, key: SortKey): Sort {
  return current.key === key ? { key, dir: current.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' };
}

export interface ChartSeries {
  /** Interval starts, seconds since the epoch (uPlot's x). */
  x: number[];
  waiting: number[];
  sl: (number | null)[];
  offered: number[];
}

/**
 * The day's rows of one queue, or of every queue together (''), from just before its first call: waiting is the peak of the
 * interval (summed over queues: an upper bound when peaks differ in time), service level the
 * answered-within-T share recomputed from each queue's own figures.
 */
export function chartSeries(rows: readonly QueueDayRow[], queue: string): ChartSeries {
  const by = new Map<string, { waiting: number; metNum: number; den: number; offered: number }>();
  for (const r of rows) {
    if (queue && r.queue !== queue) continue;
    const b = by.get(r.from) ?? { waiting: 0, metNum: 0, den: 0, offered: 0 };
    const den = r.answered + r.abandoned + r.timedOut;
    b.waiting += r.peakWaiting;
    b.offered += r.offered;
    b.den += den;
    b.metNum += r.serviceLevelPct === null ? 0 : (r.serviceLevelPct / 100) * den;
    by.set(r.from, b);
  }
  // the quiet night before the first call is left out (at least the last two hours stay)
  const all = [...by.keys()].sort();
  const first = all.findIndex((k) => by.get(k)!.offered > 0 || by.get(k)!.waiting > 0);
  const keys = all.slice(first < 0 ? Math.max(0, all.length - 8) : Math.max(0, Math.min(first - 1, all.length - 8)));
  return {
    x: keys.map((k) => Date.parse(k) / 1000),
    waiting: keys.map((k) => by.get(k)!.waiting),
    sl: keys.map((k) => {
      const b = by.get(k)!;
      return b.den ? Math.round((b.metNum / b.den) * 1000) / 10 : null;
    }),
    offered: keys.map((k) => by.get(k)!.offered),
  };
}
