// npm run bench:stats -- --agents 2000 --queues 200 --supervisors 100 [--seconds 30] [--rate 500]
// Live statistics under load. A hub serves from its own process on a throwaway PostgreSQL
// (`pronto-hub serve`, as in production); this process plays a SECOND hub instance on the same
// database that records queue and agent events at the pace of `--agents` busy agents (at least
// `--rate` events/s, through src-hub/agents/events.ts: the path the PBX link and the pushes use, with
// its NOTIFY), so every event crosses instances the way a multi-instance deployment does.
// `--supervisors` WebSockets on GET /v1/stats/live, each a supervisor of one team (teams of 10
// queues and their agents), time each event from its hand-over to the database to the first
// message that shows it
// (the queue's `offered` reaching the count that event made).
// Loopback only, bounded by --seconds. Prints one JSON line last.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { openStore } from '../src-hub/db/store';
import { hashPassword } from '../src-hub/auth/password';
import { issueToken, setTeam } from '../src-hub/admin';
import { recordEvents, type RawEvent } from '../src-hub/agents/events';
import { setQueue } from '../src-hub/agents/queues';
import { startPostgres } from '../test-support/hub/postgres';
import { startHubProcess, stopProcess } from './support/hub';
import { percentile } from './support/numbers';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '2000' },
    queues: { type: 'string', default: '200' },
    supervisors: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '30' },
    rate: { type: 'string', default: '500' },
  },
});
const AGENTS = Number(values.agents);
const QUEUES = Number(values.queues);
const SUPERVISORS = Number(values.supervisors);
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
if (!(AGENTS >= 10 && QUEUES >= 1 && SUPERVISORS >= 1 && SECONDS >= 5 && SECONDS <= 600 && RATE >= 10 && RATE <= 5000)) throw new Error('bad arguments');
const TEAM_QUEUES = 10;
const TEAMS = Math.max(1, Math.ceil(QUEUES / TEAM_QUEUES));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const pg = await startPostgres();
const databaseUrl = await pg.createDatabase();
const store = await openStore({ databaseUrl, poolSize: 4 });
const hash = await hashPassword('bench password 1');
const teamOfQueue = (q: number) => `t${Math.floor(q / TEAM_QUEUES)}`;
for (let t = 0; t < TEAMS; t++) await setTeam(store, `t${t}`, ['Nord-Ovest']);
for (let q = 0; q < QUEUES; q++) {
  await store.tx((tx) => setQueue(tx, { name: `q${q}`, number: String(7000 + q), team: teamOfQueue(q) }));
}
for (let a = 0; a < AGENTS; a++) {
  await store.query('INSERT INTO users (name, role, team, password_hash, extension) VALUES ($1, $2, $3, $4, $5)',
    [`ag${a}`, 'agent', `t${a % TEAMS}`, hash, String(100000 + a)]);
}
const supTokens: { team: string; token: string }[] = [];
for (let s = 0; s < SUPERVISORS; s++) {
  const team = `t${s % TEAMS}`;
  await store.query('INSERT INTO users (name, role, team, password_hash) VALUES ($1, $2, $3, $4)', [`sup${s}`, 'supervisor', team, hash]);
  supTokens.push({ team, token: await issueToken(store, `sup${s}`) });
}
const hub = await startHubProcess(databaseUrl);
const wsUrl = hub.url.replace(/^http/, 'ws');

// what each queue's `offered` reached, and when each count was committed
const committed = new Map<string, number[]>(); // queue → commit time of the n-th entered call (index n-1)
const latencies: number[] = [];
let errors = 0;
let messages = 0;
const sockets: WebSocket[] = [];
for (const { token } of supTokens) {
  const ws = new WebSocket(`${wsUrl}/v1/stats/live?token=${token}`);
  const seen = new Map<string, number>(); // queue → offered already shown to this socket
  ws.on('message', (d) => {
    const now = Date.now();
    messages++;
    let m: { queues?: { queue: string; offered: number }[] };
    try {
      m = JSON.parse(d.toString()) as typeof m;
    } catch {
      errors++;
      return;
    }
    for (const q of m.queues ?? []) {
      const before = seen.get(q.queue) ?? 0;
      if (q.offered <= before) continue;
      const times = committed.get(q.queue) ?? [];
      for (let n = before; n < q.offered; n++) if (times[n] !== undefined) latencies.push(now - times[n]!);
      seen.set(q.queue, q.offered);
    }
  });
  ws.on('error', () => errors++);
  sockets.push(ws);
}
await Promise.all(sockets.map((ws) => new Promise((r) => (ws.readyState === ws.OPEN ? r(null) : ws.once('open', r)))));
await sleep(1000);

// the load: calls (entered → offered → answered → ended, 4 queue events) and their agents'
// states (ringing → oncall → wrapup → available, 4 state events): 8 events a call
let sent = 0;
let batches = 0;
const start = Date.now();
const end = start + SECONDS * 1000;
const BATCH_MS = 20;
const pendingEnd: { at: number; events: RawEvent[] }[] = [];
let callNo = 0;
while (Date.now() < end) {
  const tickStart = Date.now();
  const due = Math.round(((tickStart - start) / 1000) * RATE) - sent;
  const events: RawEvent[] = [];
  const entered: string[] = [];
  while (events.length < due) {
    const q = callNo % QUEUES;
    const queue = `q${q}`;
    const agent = `ag${(callNo * 7) % AGENTS}`;
    const callId = `bench-${callNo++}-${randomUUID()}`;
    const at = new Date().toISOString();
    const ev = (kind: string, extra: Partial<RawEvent> = {}): RawEvent => ({ id: randomUUID(), at, kind, source: 'pbx', callId, queue, caller: '+3902000', ...extra });
    const st = (state: string): RawEvent => ({ id: randomUUID(), at, kind: 'agent.state', source: 'desktop', callId, agent, data: { state, reason: null } });
    events.push(ev('queue.entered'), ev('queue.offered', { agent }), st('ringing'), ev('queue.answered', { agent, data: { waitMs: 800 } }), st('oncall'));
    entered.push(queue);
    pendingEnd.push({ at: tickStart + 3000, events: [ev('call.ended', { agent, data: { detail: 'caller' } }), st('wrapup'), st('available')] });
  }
  while (pendingEnd.length && pendingEnd[0]!.at <= tickStart) events.push(...pendingEnd.shift()!.events);
  if (events.length) {
    // the event's time is when it is handed to the database (the insert is part of event → screen;
    // taking the time after the commit would miss the messages that beat this await)
    const t = Date.now();
    for (const queue of entered) {
      const list = committed.get(queue) ?? [];
      list.push(t);
      committed.set(queue, list);
    }
    try {
      await store.tx((tx) => recordEvents(tx, events));
      sent += events.length;
      batches++;
    } catch {
      errors++;
    }
  }
  const left = BATCH_MS - (Date.now() - tickStart);
  if (left > 0) await sleep(left);
}
const elapsed = (Date.now() - start) / 1000;
await sleep(2000);
for (const ws of sockets) ws.close();
await stopProcess(hub.child);
await store.close();
await pg.stop();

const expected = [...committed.values()].reduce((n, l) => n + l.length, 0) * (SUPERVISORS / TEAMS);
console.log(JSON.stringify({
  bench: 'stats',
  agents: AGENTS,
  queues: QUEUES,
  supervisors: SUPERVISORS,
  seconds: Math.round(elapsed),
  events: sent,
  events_per_s: Math.round(sent / elapsed),
  batches,
  messages,
  timed: latencies.length,
  timed_expected: Math.round(expected),
  event_to_screen_p50_ms: percentile(latencies, 50),
  event_to_screen_p99_ms: percentile(latencies, 99),
  errors,
}));
process.exit(0);
