// The wallboard page (served by the hub at GET /wallboard; a plain ES module, no build step).
//
// Token: `#token=…` in the address (a display's read-only token, `pronto-hub token --display NAME`;
// a fragment never reaches the server, and it is wiped from the address bar at once) or the
// sign-in form (a supervisor's name + password). Kept in sessionStorage: it survives a reload of
// the tab, not the browser.
//
// Data: GET /v1/stats/queues first (it tells a refused token — 401/403 — from a hub that is down,
// which a WebSocket close cannot), then the live socket /v1/stats/live (browsers cannot set
// headers on a WebSocket: the token goes as ?token=, which the hub redacts from its logs). On any
// loss: reconnect with backoff (figures.js). The age on screen is measured on this machine's
// monotonic clock from the last message received, not from the hub's `at`: a TV's clock is often
// wrong, and the heartbeat (every 5 s) keeps a healthy board young.
//
// Every figure is written with textContent, never parsed as markup: queue labels and agent names come
// from the hub's data.
//
// It runs in a browser, not in the hub's Node: eslint lints src-hub/** with Node's globals.
/* global document, window, location, history, HTMLInputElement, ResizeObserver */
import {
  AGENT_STATES, SILENT_SOCKET_MS, ageText, backoffMs, clock, countAgents, gridFor, isStale, parseStats, percent, slBand,
  tokenFromFragment, waitBand,
} from './figures.js';

const TOKEN_KEY = 'pronto.wallboard.token';
/** 'link' (display token from the address) or 'login' (this page signed in: sign-out revokes it). */
const ORIGIN_KEY = 'pronto.wallboard.origin';

const $ = (sel) => document.querySelector(sel);
const ui = {
  body: document.body,
  board: $('#board'),
  empty: $('[data-testid="empty"]'),
  agentsBar: $('[data-testid="agents-total"]'),
  conn: $('[data-testid="conn"]'),
  connText: $('.conn-text'),
  age: $('[data-testid="age"]'),
  clock: $('[data-testid="clock"]'),
  banner: $('[data-testid="stale-banner"]'),
  bannerText: $('.stale-text'),
  signin: $('[data-testid="signin"]'),
  form: $('[data-testid="signin-form"]'),
  signinError: $('[data-testid="signin-error"]'),
  signout: $('[data-testid="signout"]'),
};

const state = {
  token: null,
  /** @type {import('./figures.js').BoardPicture | null} */
  picture: null,
  /** performance.now() of the last message */
  receivedAt: null,
  ws: null,
  attempt: 0,
  retryTimer: 0,
  retryAt: 0,
  silentTimer: 0,
  /** Why we are not live (shown in the banner), or null. */
  trouble: null,
  /** Bumped on every (re)connect and sign-out: late answers of an older attempt are dropped. */
  generation: 0,
};

const tiles = new Map();

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function endpoint(path, ws = false) {
  // Relative to the page, so a hub behind a reverse proxy under a path prefix works too.
  const u = new URL(path, location.href);
  if (ws) u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u;
}

// ---------------------------------------------------------------- views

function showView(view) {
  ui.body.dataset.view = view;
  const board = view === 'board';
  ui.board.hidden = !board;
  ui.agentsBar.hidden = !board || !state.picture;
  ui.signin.hidden = view !== 'signin';
  ui.signout.hidden = !board;
}

function showSignIn(message) {
  closeSocket();
  clearTimeout(state.retryTimer);
  state.trouble = null;
  state.picture = null;
  state.receivedAt = null;
  setConn('signed-out', 'Signed out');
  ui.banner.hidden = true;
  ui.signinError.hidden = !message;
  ui.signinError.textContent = message ?? '';
  showView('signin');
  const name = ui.form.elements.namedItem('name');
  if (name instanceof HTMLInputElement) name.focus();
}

function setConn(kind, text) {
  ui.conn.dataset.state = kind;
  ui.connText.textContent = text;
}

// ---------------------------------------------------------------- board

function kpi(cls, testid, label) {
  const box = el('div', `kpi ${cls}`);
  box.dataset.testid = testid;
  const value = el('span', 'kpi-value', '—');
  const lab = el('span', 'kpi-label', label);
  const note = el('span', 'kpi-note', '');
  box.append(value, lab, note);
  return { box, value, label: lab, note };
}

function fact(list, testid, label) {
  const row = el('div', 'fact');
  row.dataset.testid = testid;
  const dt = el('dt', 'fact-label', label);
  const dd = el('dd', 'fact-value', '—');
  row.append(dt, dd);
  list.append(row);
  return dd;
}

function agentCounts(testid) {
  const list = el('ul', 'agent-counts');
  list.dataset.testid = testid;
  const cells = {};
  for (const s of AGENT_STATES) {
    const li = el('li', 'agent-count');
    li.dataset.state = s.key;
    const n = el('span', 'agent-n', '0');
    li.append(n, el('span', 'agent-l', s.label));
    list.append(li);
    cells[s.key] = { li, n };
  }
  return { list, cells };
}

function fillCounts(view, counts) {
  for (const s of AGENT_STATES) {
    const v = counts[s.key] ?? 0;
    view.cells[s.key].n.textContent = String(v);
    view.cells[s.key].li.dataset.zero = v === 0 ? 'true' : 'false';
  }
}

function makeTile(q) {
  const tile = el('section', 'tile');
  tile.dataset.testid = 'tile';
  tile.dataset.queue = q.queue;
  const title = el('h2', 'tile-title');
  title.id = `tile-${tiles.size}-title`;
  tile.setAttribute('aria-labelledby', title.id);
  const kpis = el('div', 'kpis');
  const waiting = kpi('kpi-waiting', 'waiting', 'Waiting');
  const longest = kpi('kpi-longest', 'longest', 'Longest wait');
  const sl = kpi('kpi-sl', 'sl', 'Service level');
  kpis.append(waiting.box, longest.box, sl.box);
  const facts = el('dl', 'facts');
  const abandon = fact(facts, 'abandon', 'Abandoned');
  const answered = fact(facts, 'answered', 'Answered');
  const asa = fact(facts, 'asa', 'Avg. answer');
  const counts = agentCounts('agents');
  tile.append(title, kpis, facts, counts.list);
  const view = { tile, title, waiting, longest, sl, abandon, answered, asa, counts, q };
  tiles.set(q.queue, view);
  return view;
}

function fillTile(view, q) {
  view.q = q;
  view.title.textContent = q.label;
  view.waiting.value.textContent = String(q.waiting);
  view.waiting.box.dataset.band = q.waiting > 0 ? 'busy' : 'none';
  view.waiting.note.textContent = q.waiting === 1 ? 'caller' : 'callers';
  const sl = slBand(q.serviceLevelPct);
  view.sl.value.textContent = percent(q.serviceLevelPct);
  view.sl.box.dataset.band = sl.band;
  view.sl.label.textContent = `Service level (${q.slSeconds} s)`;
  view.sl.note.textContent = `${sl.symbol ? `${sl.symbol} ` : ''}${sl.word}`;
  const ab = q.abandonRatePct;
  view.abandon.textContent = `${percent(ab)} (${q.abandoned})`;
  view.answered.textContent = `${q.answered} of ${q.offered}`;
  view.asa.textContent = clock(q.asaS);
  fillCounts(view.counts, q.agents);
  fillLongest(view);
}

/** Longest wait: counted on between messages (the oldest caller keeps waiting), never when stale. */
function fillLongest(view) {
  const q = view.q;
  const fresh = state.receivedAt !== null && !isStale(performance.now() - state.receivedAt);
  const extra = q.waiting > 0 && fresh ? (performance.now() - state.receivedAt) / 1000 : 0;
  const s = q.waiting > 0 ? q.longestWaitS + extra : 0;
  view.longest.value.textContent = q.waiting > 0 ? clock(s) : '0:00';
  const band = waitBand(s, q.slSeconds, q.waiting);
  view.longest.box.dataset.band = band.band;
  view.longest.note.textContent = band.band === 'bad' ? `✕ ${band.word}` : band.word;
}

let totals = null;

/** The grid for the tiles on the board's current shape (on every picture and every resize). */
function layout() {
  const n = Math.max(1, tiles.size);
  const grid = gridFor(n, ui.board.clientWidth / Math.max(1, ui.board.clientHeight));
  if (ui.board.dataset.grid === `${grid.cols}x${grid.rows}`) return;
  ui.board.dataset.grid = `${grid.cols}x${grid.rows}`;
  ui.board.style.setProperty('--cols', String(grid.cols));
  ui.board.style.setProperty('--rows', String(grid.rows));
}

function render(picture) {
  const seen = new Set();
  for (const q of picture.queues) {
    const view = tiles.get(q.queue) ?? makeTile(q);
    fillTile(view, q);
    seen.add(q.queue);
  }
  for (const [name, view] of tiles) {
    if (!seen.has(name)) {
      view.tile.remove();
      tiles.delete(name);
    }
  }
  // Keep the hub's order (append moves an existing node).
  for (const q of picture.queues) ui.board.append(tiles.get(q.queue).tile);
  ui.empty.hidden = picture.queues.length > 0;
  layout();

  if (!totals) {
    totals = agentCounts('agents-total-counts');
    ui.agentsBar.append(el('span', 'agents-bar-title', 'Agents'), totals.list);
  }
  fillCounts(totals, countAgents(picture.agents));
  ui.agentsBar.hidden = false;
}

// ---------------------------------------------------------------- time-driven parts

function tick() {
  const now = performance.now();
  const age = state.receivedAt === null ? null : now - state.receivedAt;
  ui.age.textContent = ageText(age);
  ui.clock.textContent = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const stale = state.picture !== null && isStale(age);
  ui.body.dataset.stale = stale ? 'true' : 'false';
  // Shown while the figures are old, or while nothing came yet and the hub cannot be reached.
  // role=alert speaks when the text changes: it changes with the cause, not every second.
  const warn = stale ? `Figures are out of date. ${state.trouble ?? 'Waiting for the hub…'}` : !state.picture ? state.trouble : null;
  ui.banner.hidden = !warn || ui.body.dataset.view !== 'board';
  if (warn && ui.bannerText.textContent !== warn) ui.bannerText.textContent = warn;
  if (state.picture) for (const view of tiles.values()) fillLongest(view);
  if (ui.conn.dataset.state === 'retry') {
    const left = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
    setConn('retry', left > 0 ? `Reconnecting in ${left} s` : 'Reconnecting…');
  }
}

// ---------------------------------------------------------------- connection

function closeSocket() {
  clearTimeout(state.silentTimer);
  const ws = state.ws;
  state.ws = null;
  if (ws) {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close();
    } catch {
      /* already closed */
    }
  }
}

function scheduleRetry(why) {
  closeSocket();
  clearTimeout(state.retryTimer);
  state.trouble = why;
  const delay = backoffMs(state.attempt);
  state.attempt += 1;
  state.retryAt = performance.now() + delay;
  setConn('retry', `Reconnecting in ${Math.ceil(delay / 1000)} s`);
  state.retryTimer = setTimeout(() => void connect(), delay);
  tick();
}

function accept(picture) {
  state.picture = picture;
  state.receivedAt = performance.now();
  state.trouble = null;
  render(picture);
  tick();
}

async function problemOf(res) {
  try {
    const body = await res.json();
    return typeof body?.message === 'string' ? body.message.slice(0, 200) : '';
  } catch {
    return '';
  }
}

async function connect() {
  clearTimeout(state.retryTimer);
  closeSocket();
  const gen = ++state.generation;
  const token = state.token;
  if (!token) return showSignIn();
  if (ui.body.dataset.view !== 'board') showView('board');
  setConn('connecting', 'Connecting…');
  let res;
  try {
    res = await fetch(endpoint('v1/stats/queues'), { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
  } catch {
    if (gen === state.generation) scheduleRetry('The hub cannot be reached.');
    return;
  }
  if (gen !== state.generation) return;
  if (res.status === 401) return refuse('This sign-in is no longer valid (expired or revoked). Sign in again, or open a new display link.');
  if (res.status === 403) {
    const why = await problemOf(res);
    return refuse(`This sign-in cannot show the wallboard: it needs a supervisor, an admin or a display token.${why ? ` (The hub says: ${why}.)` : ''}`);
  }
  if (!res.ok) {
    scheduleRetry(res.status === 404 ? 'This hub does not serve live statistics.' : `The hub answered ${res.status}.`);
    return;
  }
  let picture = null;
  try {
    picture = parseStats(await res.json());
  } catch {
    picture = null;
  }
  if (gen !== state.generation) return;
  if (!picture) {
    scheduleRetry('The hub sent figures this page cannot read.');
    return;
  }
  accept(picture);
  openSocket(token, gen);
}

function openSocket(token, gen) {
  const url = endpoint('v1/stats/live', true);
  url.searchParams.set('token', token);
  let ws;
  try {
    ws = new WebSocket(url);
  } catch {
    scheduleRetry('The live connection could not be opened.');
    return;
  }
  state.ws = ws;
  const armSilent = () => {
    clearTimeout(state.silentTimer);
    // Heartbeats come every 5 s: silence this long means a half-open connection (Wi-Fi
    // roaming, a proxy that dropped it without a FIN): start over rather than wait for TCP.
    state.silentTimer = setTimeout(() => {
      if (state.ws === ws) scheduleRetry('The live connection went silent.');
    }, SILENT_SOCKET_MS);
  };
  ws.onopen = () => {
    if (state.ws !== ws || gen !== state.generation) return;
    setConn('live', 'Live');
    armSilent();
  };
  ws.onmessage = (ev) => {
    if (state.ws !== ws) return;
    let msg = null;
    try {
      msg = JSON.parse(typeof ev.data === 'string' ? ev.data : '');
    } catch {
      return;
    }
    const picture = parseStats(msg);
    if (!picture) return;
    setConn('live', 'Live');
    // Only the socket resets the backoff: a GET that works while the socket cannot (a proxy
    // without WebSocket upgrades) must not turn into a GET every second.
    state.attempt = 0;
    armSilent();
    accept(picture);
  };
  ws.onclose = () => {
    if (state.ws !== ws) return;
    // A close right after the handshake can be a refusal (token revoked since the GET): the
    // next attempt's GET tells which.
    scheduleRetry('The live connection was lost.');
  };
}

function refuse(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(ORIGIN_KEY);
  state.token = null;
  showSignIn(message);
}

// ---------------------------------------------------------------- sign-in / sign-out

async function signIn(event) {
  event.preventDefault();
  const data = new FormData(ui.form);
  const name = String(data.get('name') ?? '').trim();
  const password = String(data.get('password') ?? '');
  const say = (m) => {
    ui.signinError.textContent = m;
    ui.signinError.hidden = !m;
  };
  if (!name || !password) return say('Enter your name and password.');
  say('');
  const button = ui.form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    let res;
    try {
      res = await fetch(endpoint('v1/auth/login'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, password }),
        cache: 'no-store',
      });
    } catch {
      return say('The hub cannot be reached. Check the network and try again.');
    }
    if (res.status === 401) return say('Wrong name or password.');
    if (res.status === 429) return say('Too many attempts. Wait a minute, then try again.');
    if (!res.ok) return say(`Sign-in failed (the hub answered ${res.status}).`);
    const body = await res.json().catch(() => null);
    if (!body || typeof body.token !== 'string') return say('Sign-in failed: the hub sent an unexpected answer.');
    if (body.role !== 'supervisor' && body.role !== 'admin') {
      // Do not leave a token behind that nobody will use.
      void fetch(endpoint('v1/auth/logout'), { method: 'POST', headers: { authorization: `Bearer ${body.token}` } }).catch(() => {});
      return say('Agents cannot open the wallboard: sign in as a supervisor, or use a display token.');
    }
    const pw = ui.form.elements.namedItem('password');
    if (pw instanceof HTMLInputElement) pw.value = '';
    sessionStorage.setItem(TOKEN_KEY, body.token);
    sessionStorage.setItem(ORIGIN_KEY, 'login');
    state.token = body.token;
    state.attempt = 0;
    void connect();
  } finally {
    button.disabled = false;
  }
}

function signOut() {
  const token = state.token;
  if (token && sessionStorage.getItem(ORIGIN_KEY) === 'login') {
    // Only a token this page obtained is revoked: a display token belongs to the TV's bookmark.
    void fetch(endpoint('v1/auth/logout'), { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => {});
  }
  state.generation += 1;
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(ORIGIN_KEY);
  state.token = null;
  showSignIn('');
}

/** Keep a TV or kiosk from dimming while the board is shown (where the browser allows it). */
async function keepAwake() {
  try {
    if ('wakeLock' in navigator && document.visibilityState === 'visible') await navigator.wakeLock.request('screen');
  } catch {
    /* not allowed here: the screen's own settings decide */
  }
}

/** A `#token=…` in the address becomes the session's token; true when there was one. */
function takeLinkToken() {
  const fromLink = tokenFromFragment(location.hash);
  if (location.hash) {
    // Out of the address bar (and of the history) at once: a photo of the TV shows no token.
    history.replaceState(null, '', location.pathname + location.search);
  }
  if (!fromLink) return false;
  sessionStorage.setItem(TOKEN_KEY, fromLink);
  sessionStorage.setItem(ORIGIN_KEY, 'link');
  return true;
}

function start() {
  takeLinkToken();
  state.token = sessionStorage.getItem(TOKEN_KEY);
  // A new link pasted into the address bar of an open board (same page: no reload).
  window.addEventListener('hashchange', () => {
    if (!takeLinkToken()) return;
    state.token = sessionStorage.getItem(TOKEN_KEY);
    state.attempt = 0;
    void connect();
  });
  ui.form.addEventListener('submit', (e) => void signIn(e));
  ui.signout.addEventListener('click', signOut);
  // The board's shape changes with the window and when the agents bar or the banner appears.
  new ResizeObserver(() => layout()).observe(ui.board);
  // Back online (laptop lid, Wi-Fi): try now instead of waiting out the backoff.
  window.addEventListener('online', () => {
    if (state.token && !state.ws) {
      state.attempt = 0;
      void connect();
    }
  });
  document.addEventListener('visibilitychange', () => void keepAwake());
  void keepAwake();
  setInterval(tick, 1000);
  tick();
  if (state.token) void connect();
  else showSignIn();
}

start();
