// npm run bench:queue -- --agents 50 --rate 10 --seconds 60 [--pglite]
// The queue under load, through the real parts: Kamailio with its queue (deploy/kamailio), a hub
// on PostgreSQL (a throwaway server; --pglite: embedded) with its PBX event link, SIPp agents
// (UAS, one process each, answering after a random 0.2–2.5 s and hanging up after a random 2–10 s
// talk unless the caller does first) and SIPp callers at --rate calls/s into two queues (600:
// ring-all, 601: longest-idle) with mixed patience (some abandon). Agents change state at random
// (Available ↔ Break) through the hub's push route, as desktops do.
//
// Measured:
//   events / lost_events / duplicate_events  the PBX's own count of events (its sequence) against
//       what the hub stored; calls the hub saw against the INVITEs SIPp sent; a call entered twice
//       counts as a duplicate
//   state_to_routing_p99_ms  push of a state change → the PBX routes on it (its htable, polled
//       with kamcmd every 10 ms)
//   pbx_event_to_hub_p99_ms  the PBX's event timestamp → committed at the hub
// Loopback only; bounded by --seconds (+ drain). Prints one JSON line last.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseArgs, promisify } from 'node:util';
import { openStore, type Store } from '../src-hub/db/store';
import { buildHub } from '../src-hub/http/app';
import { issueToken, setTeam } from '../src-hub/admin';
import { hashPassword } from '../src-hub/auth/password';
import { PbxLink } from '../src-hub/pbx/link';
import { setQueue } from '../src-hub/agents/queues';
import { startPostgres, type TestPostgres } from '../test-support/hub/postgres';
import { findBinary, startPbx } from '../test-support/pbx/pbx-process';
import { startAgent, startCaller, type AgentRun } from '../test-support/sipp/queue-agents';
import { parseMessageLog, type SippRun } from '../test-support/sipp/sipp';
import { percentile } from './support/numbers';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '50' },
    rate: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '60' },
    pglite: { type: 'boolean', default: false },
  },
});
const AGENTS = Number(values.agents);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
if (!(AGENTS >= 2 && AGENTS <= 500) || !(RATE > 0 && RATE <= 50) || !(SECONDS >= 5 && SECONDS <= 600)) {
  throw new Error('--agents 2..500, --rate 0..50, --seconds 5..600');
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rnd = (a: number, b: number) => a + Math.random() * (b - a);
const kamcmd = findBinary('kamcmd', 'PRONTO_KAMCMD_BIN') ?? 'kamcmd';
const run = promisify(execFile);

// The PBX's data: AGENTS users (dev password), teams "sales" (two thirds) and "support".
const dataDir = mkdtempSync(join(tmpdir(), 'pronto-bench-queue-'));
const exts = Array.from({ length: AGENTS }, (_, i) => String(2001 + i));
const head = 'key_name(str) key_type(int) value_type(int) key_value(str) expires(int)\n';
writeFileSync(join(dataDir, 'pronto_users'), head + exts.map((e) => `${e}:0:0:pronto-dev:0\n`).join(''));
writeFileSync(join(dataDir, 'pronto_groups'), head);
writeFileSync(join(dataDir, 'pronto_queues'), head);
writeFileSync(join(dataDir, 'pronto_qcfg'), head);

let pg: TestPostgres | null = null;
let store: Store;
if (values.pglite) store = await openStore({});
else {
  pg = await startPostgres();
  store = await openStore({ databaseUrl: await pg.createDatabase(), poolSize: 5 });
}
const pbx = await startPbx({ dataDir, shmMb: 256 });
const stored = new Map<string, number>(); // event id → time committed at the hub
const lags: number[] = [];
const link = new PbxLink(store, {
  host: '127.0.0.1', port: pbx.evapiPort,
  onStored: (events) => {
    const now = Date.now();
    for (const e of events) {
      stored.set(e.id, now);
      lags.push(now - Date.parse(e.at));
    }
  },
});

await setTeam(store, 'sales', ['Nord-Ovest']);
await setTeam(store, 'support', ['DACH']);
const hash = await hashPassword('bench password 1');
const tokens = new Map<string, string>();
const salesCut = Math.ceil((AGENTS * 2) / 3);
for (const [i, ext] of exts.entries()) {
  const name = `q${ext}`;
  await store.query('INSERT INTO users (name, role, team, password_hash, extension) VALUES ($1, $2, $3, $4, $5)',
    [name, 'agent', i < salesCut ? 'sales' : 'support', hash, ext]);
  tokens.set(ext, await issueToken(store, name));
}
await store.tx((q) => setQueue(q, { name: 'sales', number: '600', team: 'sales', ringSeconds: 8, maxWaitSeconds: 60 }));
await store.tx((q) => setQueue(q, { name: 'support', number: '601', team: 'support', strategy: 'longest-idle', ringSeconds: 8, maxWaitSeconds: 60 }));
const app = await buildHub({ store });
await link.start();
while (!link.connected) await sleep(20);

let seq = 0;
async function setState(ext: string, state: 'available' | 'break'): Promise<void> {
  const r = await app.inject({
    method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${tokens.get(ext)}` },
    payload: { clientId: `bench-${ext}`, mutations: [{ id: randomUUID(), seq: ++seq, kind: 'agentState.set',
      payload: { eventId: randomUUID(), state, reason: state === 'break' ? 'meeting' : null, at: new Date().toISOString(), cause: 'agent', callId: null } }] },
  });
  if (r.statusCode !== 200) throw new Error(`push ${ext}: ${r.statusCode} ${r.body}`);
}

async function pbxState(ext: string): Promise<string> {
  const { stdout } = await run(kamcmd, ['-s', pbx.ctlSocket, 'htable.get', 'ag', `${ext}::st`]);
  return /value:\s*(\S+)/.exec(stdout)?.[1] ?? '';
}

// agents: register + answer
const agents: AgentRun[] = [];
for (const ext of exts) {
  agents.push(await startAgent({ pbx, ext, answerMs: rnd(200, 2500), talkMs: rnd(2000, 10_000), calls: 100_000, timeoutS: SECONDS + 120 }));
}
for (const ext of exts) await setState(ext, 'available');
await sleep(1500);

// callers: four profiles (patience, talk) split the rate between the two queues
const callers: SippRun[] = [];
const profiles = [
  { number: '600', patienceMs: 60_000, talkMs: 6_000, share: 0.45 },
  { number: '600', patienceMs: 6_000, talkMs: 4_000, share: 0.2 },
  { number: '601', patienceMs: 60_000, talkMs: 5_000, share: 0.25 },
  { number: '601', patienceMs: 3_000, talkMs: 3_000, share: 0.1 },
];
for (const [i, p] of profiles.entries()) {
  const rate = RATE * p.share;
  callers.push(await startCaller({
    pbx, caller: `+39020000${i}`, number: p.number, patienceMs: p.patienceMs, talkMs: p.talkMs,
    calls: Math.max(1, Math.round(rate * SECONDS)), rate, timeoutS: SECONDS + 90,
  }));
}

// state changes at random while the calls run; each timed to the PBX's routing table
const routing: number[] = [];
const end = Date.now() + SECONDS * 1000;
let onBreak = new Set<string>();
while (Date.now() < end) {
  await sleep(rnd(500, 1500));
  const ext = exts[Math.floor(Math.random() * exts.length)]!;
  const next = onBreak.has(ext) ? 'available' : 'break';
  const t0 = Date.now();
  await setState(ext, next);
  const deadline = t0 + 5000;
  while ((await pbxState(ext)) !== next && Date.now() < deadline) await sleep(10);
  routing.push(Date.now() - t0);
  if (next === 'break') onBreak.add(ext);
  else onBreak.delete(ext);
  if (onBreak.size > AGENTS / 3) {
    for (const e of onBreak) await setState(e, 'available');
    onBreak = new Set();
  }
}

const results = await Promise.all(callers.map((c) => c.done));
for (const r of results) if (r.code !== 0 && r.code !== 1) console.error(`a SIPp caller ended with ${r.code}: ${r.stderr.slice(-600)}`);
await sleep(3000);
const invites = results.reduce((n, r) => n + parseMessageLog(r.messageLog).filter((m) => m.kind === 'INVITE' && m.direction === 'sent').length, 0);
const { stdout: seqOut } = await run(kamcmd, ['-s', pbx.ctlSocket, 'htable.get', 'evm', 'seq']);
const pbxEvents = Number(/value:\s*(\d+)/.exec(seqOut)?.[1] ?? 0);
const rows = await store.query<{ kind: string; call_id: string | null; n: number }>(
  `SELECT kind, call_id, count(*)::int AS n FROM call_events WHERE source = 'pbx' GROUP BY kind, call_id`);
const hubPbxEvents = rows.reduce((n, r) => n + r.n, 0);
const entered = rows.filter((r) => r.kind === 'queue.entered');
const count = (k: string) => rows.filter((r) => r.kind === k).reduce((n, r) => n + r.n, 0);
const duplicates = entered.filter((r) => r.n > 1).length + rows.filter((r) => r.kind === 'queue.answered' && r.n > 1).length;
const lost = Math.max(0, pbxEvents - hubPbxEvents) + Math.max(0, invites - entered.length);

for (const a of agents) a.kill();
await link.stop();
await app.close();
await store.close();
await pbx.stop();
await pg?.stop();
rmSync(dataDir, { recursive: true, force: true });

const r1 = (x: number) => Math.round(x * 10) / 10;
console.log(JSON.stringify({
  bench: 'queue',
  agents: AGENTS,
  rate: RATE,
  seconds: SECONDS,
  store: values.pglite ? 'pglite' : 'postgres',
  calls: entered.length,
  sipp_invites: invites,
  answered: count('queue.answered'),
  abandoned: count('queue.abandoned'),
  timed_out: count('queue.timed_out'),
  events: hubPbxEvents,
  pbx_events: pbxEvents,
  lost_events: lost,
  duplicate_events: duplicates,
  state_changes: routing.length,
  state_to_routing_p50_ms: r1(percentile(routing, 50)),
  state_to_routing_p99_ms: r1(percentile(routing, 99)),
  pbx_event_to_hub_p50_ms: r1(percentile(lags, 50)),
  pbx_event_to_hub_p99_ms: r1(percentile(lags, 99)),
}));
process.exit(0);
