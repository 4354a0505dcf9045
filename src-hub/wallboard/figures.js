// The wallboard's pure rules (no DOM, no network): how a figure is written, which colour band a
// service level falls in, how old the data is, how long to wait before reconnecting. Served to
// the browser as-is (an ES module next to wallboard.js) and unit-tested in Node (figures.test.ts);
// the types are in figures.d.ts.

/** Service level bands. Colour is never alone: each band has a word and a symbol too. */
export const SL_GOOD = 80;
export const SL_WARN = 60;

/** No message for this long: the figures are stale (banner, greyed). Heartbeats come every 5 s. */
export const STALE_AFTER_MS = 15_000;
/** No message for this long on an open socket: assume it is half-open and reconnect. */
export const SILENT_SOCKET_MS = 12_000;

const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

/** "m:ss" (or "h:mm:ss" past an hour); "—" when there is nothing to show. */
export function clock(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "85%" with no decimals on a TV; "—" when the hub had nothing to divide (null). */
export function percent(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${Math.round(value)}%`;
}

/**
 * The band of a service level: good (≥ 80), warn (≥ 60), bad, or none (no calls to measure).
 * Rounded first, so the band always agrees with the number written on screen.
 */
export function slBand(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return { band: 'none', word: 'no calls yet', symbol: '' };
  const v = Math.round(value);
  if (v >= SL_GOOD) return { band: 'good', word: 'on target', symbol: '✓' };
  if (v >= SL_WARN) return { band: 'warn', word: 'below target', symbol: '▲' };
  return { band: 'bad', word: 'far below target', symbol: '✕' };
}

/** The oldest caller has waited past the service-level time: a miss is already counted. */
export function waitBand(longestWaitS, slSeconds, waiting) {
  if (!waiting || !Number.isFinite(longestWaitS)) return { band: 'none', word: '' };
  if (Number.isFinite(slSeconds) && longestWaitS > slSeconds) return { band: 'bad', word: 'over target' };
  return { band: 'good', word: 'within target' };
}

/** "updated just now" / "updated 3 s ago" / "updated 2 min ago"; "no data yet" before the first message. */
export function ageText(ageMs) {
  if (ageMs === null || ageMs === undefined || !Number.isFinite(ageMs)) return 'no data yet';
  const s = Math.max(0, Math.floor(ageMs / 1000));
  if (s < 1) return 'updated just now';
  if (s < 120) return `updated ${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 120) return `updated ${m} min ago`;
  return `updated ${Math.floor(m / 60)} h ago`;
}

export function isStale(ageMs) {
  return ageMs === null || ageMs === undefined || !Number.isFinite(ageMs) || ageMs > STALE_AFTER_MS;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): 1, 2, 4, 8, 15, then every 30 s, each
 * shortened by up to 20 % at random so that many TVs do not all come back in the same second
 * after a hub restart. `random` is injectable for tests.
 */
export function backoffMs(attempt, random = Math.random) {
  const base = BACKOFF_MS[Math.min(Math.max(0, attempt), BACKOFF_MS.length - 1)];
  return Math.round(base * (1 - 0.2 * random()));
}

/** Where the token comes from: `#token=…` in the address (a display's bookmark); null if absent. */
export function tokenFromFragment(hash) {
  if (typeof hash !== 'string' || hash.length < 2) return null;
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const t = params.get('token');
  return t && /^[\x21-\x7e]{8,512}$/.test(t) ? t : null;
}

const AGENT_KEYS = ['available', 'ringing', 'onCall', 'wrapUp', 'break', 'offline'];
/** The words for the agent counts, in the order shown. */
export const AGENT_STATES = [
  { key: 'available', label: 'Available' },
  { key: 'ringing', label: 'Ringing' },
  { key: 'onCall', label: 'On call' },
  { key: 'wrapUp', label: 'Wrap-up' },
  { key: 'break', label: 'Break' },
  { key: 'offline', label: 'Offline' },
];

/** An agent's `state` (the hub's names: oncall, wrapup, …) → the key of the counts. */
export function agentKey(state) {
  const s = String(state ?? '').toLowerCase().replace(/[^a-z]/g, '');
  if (s === 'oncall') return 'onCall';
  if (s === 'wrapup') return 'wrapUp';
  return AGENT_KEYS.includes(s) ? s : 'offline';
}

/** Totals by state over the agents list (each agent once, even if they serve several queues). */
export function countAgents(agents) {
  const out = { available: 0, ringing: 0, onCall: 0, wrapUp: 0, break: 0, offline: 0 };
  for (const a of Array.isArray(agents) ? agents : []) out[agentKey(a?.state)] += 1;
  return out;
}

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const int = (v) => (typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.round(v)) : 0);
const text = (v, max = 120) => (typeof v === 'string' ? v.slice(0, max) : '');

/**
 * A message from GET /v1/stats/queues or the live socket, checked and reduced to what the board
 * shows; null when it is not a statistics picture (the board then keeps what it has).
 */
export function parseStats(msg) {
  if (!msg || typeof msg !== 'object') return null;
  if (msg.type !== undefined && msg.type !== 'stats') return null;
  if (!Array.isArray(msg.queues)) return null;
  const at = typeof msg.at === 'string' && !Number.isNaN(Date.parse(msg.at)) ? msg.at : null;
  const queues = msg.queues
    .filter((q) => q && typeof q === 'object' && typeof q.queue === 'string')
    .map((q) => {
      const agents = {};
      for (const k of AGENT_KEYS) agents[k] = int(q.agents?.[k]);
      return {
        queue: text(q.queue),
        label: text(q.label) || text(q.queue),
        waiting: int(q.waiting),
        longestWaitS: num(q.longestWaitS) ?? 0,
        offered: int(q.offered),
        answered: int(q.answered),
        abandoned: int(q.abandoned),
        shortAbandoned: int(q.shortAbandoned),
        timedOut: int(q.timedOut),
        serviceLevelPct: num(q.serviceLevelPct),
        abandonRatePct: num(q.abandonRatePct),
        asaS: num(q.asaS),
        ahtS: num(q.ahtS),
        slSeconds: num(q.slSeconds) ?? 20,
        agents,
      };
    });
  const agents = (Array.isArray(msg.agents) ? msg.agents : [])
    .filter((a) => a && typeof a === 'object' && typeof a.name === 'string')
    .map((a) => ({ name: text(a.name), state: agentKey(a.state), reason: text(a.reason) || null, sinceS: num(a.sinceS) }));
  return { at, queues, agents };
}

/**
 * Columns × rows for n tiles on a board of this aspect (width ÷ height): the grid whose tiles
 * show the largest figures. A wide tile sets its three figures side by side (each ~⅓ of its
 * width), a tall one stacks them (each ~⅐ of its height); the sizes mirror wallboard.css.
 */
export function gridFor(n, aspect = 16 / 9) {
  if (n <= 1) return { cols: 1, rows: 1 };
  let best = { cols: n, rows: 1, size: -1 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    if (cols > 1 && (cols - 1) * rows >= n) continue; // a whole empty column
    const w = aspect / cols;
    const h = 1 / rows;
    const size = w >= h ? Math.min(0.3 * h, 0.09 * w) : Math.min(0.13 * h, 0.14 * w);
    // on a tie, the squarer grid (more columns) looks like a wallboard, not a list
    if (size >= best.size - 1e-9) best = { cols, rows, size };
  }
  return { cols: best.cols, rows: best.rows };
}
