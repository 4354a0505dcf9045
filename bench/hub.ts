// npm run bench:hub -- --agents 2000 [--duration 30] [--think-ms 10000] [--push-ratio 0.25] [--feed-ms 2000]
//                      [--customers 20000] [--database-url postgres://…]
// Many simulated desktops against ONE hub process on PostgreSQL (a throwaway server unless
// --database-url is given): each agent, already synced, does a request every ~think-ms (a delta
// pull of its team's scope, or with push-ratio a push of a note/contact), while a feeder imports
// 200 changed customers every 2 s over HTTP. Reports p50/p99 latency per request kind, errors,
// and the CPU the hub and PostgreSQL used (the machine may be shared: see loadavg). Loopback
// only, bounded by --duration. Prints one JSON line last.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { openStore } from '../src-hub/db/store';
import { importFeed } from '../src-hub/feeds/import';
import { issueToken, setTeam } from '../src-hub/admin';
import { hashPassword } from '../src-hub/auth/password';
import { highWater } from '../src-hub/changes';
import { startPostgres, type TestPostgres } from '../test-support/hub/postgres';
import { encodeHlc } from '../src-shared/sync/hlc';
import { startHubProcess, stopProcess } from './support/hub';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '2000' },
    duration: { type: 'string', default: '30' },
    'think-ms': { type: 'string', default: '10000' },
    'push-ratio': { type: 'string', default: '0.25' },
    customers: { type: 'string', default: '20000' },
    'feed-ms': { type: 'string', default: '2000' },
    'database-url': { type: 'string' },
  },
});
const AGENTS = Number(values.agents);
const DURATION_S = Number(values.duration);
const THINK_MS = Number(values['think-ms']);
const PUSH_RATIO = Number(values['push-ratio']);
const CUSTOMERS = Number(values.customers);
/** How often the feeder posts a changed slice of customers (0: no feeder). */
const FEED_MS = Number(values['feed-ms']);
const REGIONS = ['Nord-Ovest', 'Nord-Est', 'Centro', 'Sud', 'Isole', 'DACH', 'France', 'Iberia', 'Benelux', 'UK'];
const log = (m: string): void => console.error(`[bench:hub] ${m}`);
const pct = (sorted: number[], p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : 0);
const round = (n: number): number => Math.round(n * 100) / 100;

// (Node's fetch keeps connections alive and does not cap them per origin: each simulated
// desktop ends up with its own connection, as in the field.)

function customersCsv(from: number, to: number, suffix = ''): string {
  let s = 'customer_id,name,company,email,segment,region,country,phones,created_at\n';
  for (let i = from; i < to; i++) {
    s += `C${i},Customer ${i}${suffix},Company ${i % 997} Srl,c${i}@example.com,SMB,${REGIONS[i % REGIONS.length]},IT,mobile=+39 347 ${String(1000000 + i).slice(-7)},2021-03-04\n`;
  }
  return s;
}

/** CPU seconds used so far by a process; with children: also its live and exited children. */
function cpuSeconds(pid: number, withChildren = false): number {
  let total = 0;
  for (const p of withChildren ? readdirSync('/proc').filter((x) => /^\d+$/.test(x)) : [String(pid)]) {
    try {
      const st = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      if (Number(p) === pid) total += (Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0)) / 100;
      else if (withChildren && Number(f[1]) === pid) total += (Number(f[11]) + Number(f[12])) / 100;
    } catch { /* gone */ }
  }
  return total;
}

let pg: TestPostgres | null = null;
let hub: ChildProcess | null = null;
try {
  let url = values['database-url'];
  if (!url) {
    pg = await startPostgres({ settings: ['max_connections=300'] });
    url = await pg.createDatabase();
  }
  const store = await openStore({ databaseUrl: url });
  let t = performance.now();
  const products = 'sku,name,category,family,tier,price,currency,margin\n' + Array.from({ length: 200 }, (_, i) => `SKU${i},Product ${i},c,f,1,${i + 1}.00,EUR,0.3`).join('\n') + '\n';
  for (const [kind, body] of [['products', products], ['customers', customersCsv(0, CUSTOMERS)]] as const) {
    const r = await importFeed(store, kind, Buffer.from(body), { file: `${kind}.csv` });
    if (!r.ok) throw new Error(r.problems.slice(0, 5).join('\n'));
  }
  // Teams of one region each; agents round-robin over them. One scrypt hash for all (seeding only).
  const hash = await hashPassword('bench password 123');
  for (const r of REGIONS) await setTeam(store, `T-${r}`, [r]);
  await store.query(
    `INSERT INTO users (name, role, team, password_hash) SELECT 'agent' || i, 'agent', 'T-' || ($2::text[])[1 + i % $3], $4 FROM generate_series(0, $1 - 1) i`,
    [AGENTS, REGIONS, REGIONS.length, hash]);
  await store.query(`INSERT INTO users (name, role, password_hash) VALUES ('bench-admin', 'admin', $1)`, [hash]);
  const tokens: string[] = [];
  for (let i = 0; i < AGENTS; i++) tokens.push(await issueToken(store, `agent${i}`, 'bench'));
  const adminToken = await issueToken(store, 'bench-admin', 'bench');
  const startSeq = await highWater(store);
  log(`seeded ${CUSTOMERS} customers, ${AGENTS} agents in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const started = await startHubProcess(url);
  hub = started.child;
  const base = started.url;
  log(`hub at ${base}`);

  const lat: Record<'pull' | 'push', number[]> = { pull: [], push: [] };
  let errors = 0;
  let rowsPulled = 0;
  const errorKinds = new Map<string, number>();
  const fail = (what: string) => { errors++; errorKinds.set(what, (errorKinds.get(what) ?? 0) + 1); };
  const end = Date.now() + DURATION_S * 1000;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function agent(i: number): Promise<void> {
    const token = tokens[i]!;
    const clientId = `bench-desk-${i}`;
    let cursor = startSeq;
    let scope: string | undefined;
    let seq = 0;
    let hlcWall = 0;
    await sleep(Math.random() * THINK_MS); // spread the start
    while (Date.now() < end) {
      const push = Math.random() < PUSH_RATIO;
      const t0 = performance.now();
      try {
        if (push) {
          hlcWall = Math.max(hlcWall + 1, Date.now());
          const customerId = `C${(i % REGIONS.length) + REGIONS.length * Math.floor(Math.random() * (CUSTOMERS / REGIONS.length - 1))}`;
          const mutation = Math.random() < 0.8
            ? { id: randomUUID(), seq: ++seq, kind: 'customerNote.upsert', payload: { noteId: randomUUID(), customerId, text: `call ${seq}`, hlc: encodeHlc({ wall: hlcWall, counter: 0, node: `d${i}` }) } }
            : { id: randomUUID(), seq: ++seq, kind: 'contact.create', payload: { contactId: randomUUID(), name: `Caller ${seq}`, phone: '+390287654321', country: 'IT' } };
          const res = await fetch(`${base}/v1/sync/push`, {
            method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ clientId, mutations: [mutation] }),
          });
          const body = await res.json() as { applied?: string[]; rejected?: unknown[] };
          if (res.status !== 200) fail(`push ${res.status}`);
          else if (body.rejected?.length) fail('push rejected');
          else lat.push.push(performance.now() - t0);
        } else {
          const q = new URLSearchParams({ after: String(cursor), limit: '5000' });
          if (scope) q.set('scope', scope);
          const res = await fetch(`${base}/v1/sync/pull?${q}`, { headers: { authorization: `Bearer ${token}` } });
          const text = await res.text();
          if (res.status !== 200) fail(`pull ${res.status}`);
          else {
            const lines = text.trimEnd().split('\n');
            const cp = JSON.parse(lines[lines.length - 1]!) as { checkpoint?: number; scope?: string };
            if (typeof cp.checkpoint !== 'number') fail('pull truncated');
            else {
              rowsPulled += lines.length - 1;
              cursor = cp.checkpoint;
              scope = cp.scope;
              lat.pull.push(performance.now() - t0);
            }
          }
        }
      } catch (e) {
        fail(`${push ? 'push' : 'pull'} ${(e as Error).message}`);
      }
      await sleep(Math.min(THINK_MS * (0.5 + Math.random()), Math.max(0, end - Date.now())));
    }
  }

  // The feeder: a changed slice of customers every 2 s, over HTTP like a department system.
  let feeds = 0;
  const feeder = (async () => {
    for (let k = 0; FEED_MS > 0 && Date.now() + FEED_MS < end; k++) {
      await sleep(FEED_MS);
      const from = (k * 200) % CUSTOMERS;
      const res = await fetch(`${base}/v1/feeds/customers`, {
        method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' },
        body: customersCsv(from, Math.min(from + 200, CUSTOMERS), ` v${k}`),
      });
      if (res.status === 200) feeds++;
      else log(`feed import → ${res.status}: ${(await res.text()).slice(0, 200)}`);
    }
  })();

  const load0 = loadavg()[0]!;
  const postmaster = pg ? Number(readFileSync(`${pg.dataDir}/postmaster.pid`, 'utf8').split('\n')[0]) : 0;
  const hubCpu0 = cpuSeconds(hub.pid!);
  const pgCpu0 = postmaster ? cpuSeconds(postmaster, true) : 0;
  t = performance.now();
  await Promise.all([...Array.from({ length: AGENTS }, (_, i) => agent(i)), feeder]);
  const seconds = (performance.now() - t) / 1000;
  const hubCpu = cpuSeconds(hub.pid!) - hubCpu0;
  const pgCpu = postmaster ? cpuSeconds(postmaster, true) - pgCpu0 : null;
  log(`hub process used ${hubCpu.toFixed(1)} s CPU${pgCpu === null ? '' : `, PostgreSQL ${pgCpu.toFixed(1)} s`} in ${seconds.toFixed(1)} s; load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${readdirSync('/sys/devices/system/cpu').filter((x) => /^cpu\d+$/.test(x)).length} CPUs`);
  const all = [...lat.pull, ...lat.push].sort((a, b) => a - b);
  const summary = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { n: s.length, p50_ms: round(pct(s, 0.5)), p99_ms: round(pct(s, 0.99)), max_ms: round(s.at(-1) ?? 0) };
  };
  log(`pull ${JSON.stringify(summary(lat.pull))}`);
  log(`push ${JSON.stringify(summary(lat.push))}`);
  log(`${feeds} feed imports, ${rowsPulled} change rows pulled, ${Math.round(all.length / seconds)} req/s`);
  if (errors) log(`errors: ${JSON.stringify(Object.fromEntries(errorKinds))}`);
  await store.close();
  console.log(JSON.stringify({
    bench: 'hub', agents: AGENTS, requests: all.length + errors, p50_ms: round(pct(all, 0.5)), p99_ms: round(pct(all, 0.99)), errors,
    pull_p50_ms: summary(lat.pull).p50_ms, pull_p99_ms: summary(lat.pull).p99_ms,
    push_p50_ms: summary(lat.push).p50_ms, push_p99_ms: summary(lat.push).p99_ms,
    req_per_s: Math.round(all.length / seconds), rows_pulled: rowsPulled, feed_imports: feeds, duration_s: round(seconds),
    hub_cpu_s: round(hubCpu), pg_cpu_s: pgCpu === null ? null : round(pgCpu), loadavg: round(load0),
  }));
} finally {
  if (hub) await stopProcess(hub);
  await pg?.stop();
}
