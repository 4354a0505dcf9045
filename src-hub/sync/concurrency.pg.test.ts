// Real PostgreSQL only: commit-order visibility of change numbers under concurrent writers,
// exactly-once pushes under concurrency and across hub restarts (also a killed hub process),
// and pokes shared by several hub instances through LISTEN/NOTIFY.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { encodeHlc } from '../../src-shared/sync/hlc';
import type { ChangeLine } from '../../src-shared/sync/protocol';
import { openStore, type Store } from '../db/store';
import { CHANGE_LOCK, SEQ_LOCK, highWater, lockChangeLog, writeChanges } from '../changes';
import { buildHub } from '../http/app';
import { importFeed } from '../feeds/import';
import {
  applyChanges, csv, customer, pull, pullAll, resetStore, seedData, seedPeople, startPostgres,
} from '../../test-support/hub/helpers';
import type { TestPostgres } from '../../test-support/hub/postgres';
import { connectLive } from '../../test-support/hub/live-client';

let server: TestPostgres;
let url: string;
let store: Store;
let app: FastifyInstance;
let t: Awaited<ReturnType<typeof seedPeople>>;

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase();
  store = await openStore({ databaseUrl: url, poolSize: 20 });
  app = await buildHub({ store });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await store?.close();
  await server?.stop();
}, 60_000);
beforeEach(async () => {
  await resetStore(store);
  t = await seedPeople(store);
  await seedData(store);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function client(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

const noteMutation = (seq: number, customerId: string, text: string) => ({
  id: randomUUID(), seq, kind: 'customerNote.upsert',
  payload: { noteId: randomUUID(), customerId, text, hlc: encodeHlc({ wall: Date.now(), counter: seq % 1000, node: 'desk' }) },
});

describe('change numbers in commit order', () => {
  it('control: bare nextval() lets a reader see 11 before 10 commits — the lock makes the second writer wait', async () => {
    const a = await client();
    const b = await client();
    try {
      const insert = (c: pg.Client, key: string) =>
        c.query(`INSERT INTO changes (seq, entity, key, bucket, op, data) VALUES (nextval('change_seq'), 'product', $1, '*', 'u', '{}') RETURNING seq`, [key]);
      // without the lock
      await a.query('BEGIN');
      const sa = Number((await insert(a, 'A1')).rows[0].seq);
      await b.query('BEGIN');
      const sb = Number((await insert(b, 'B1')).rows[0].seq);
      await b.query('COMMIT');
      expect(sb).toBeGreaterThan(sa);
      const cursor = await highWater(store); // a reader stores this checkpoint…
      expect(cursor).toBe(sb);
      await a.query('COMMIT'); // …and A's lower number becomes visible behind it
      const rows = await store.query<{ seq: number }>('SELECT seq FROM changes WHERE seq > $1', [cursor]);
      expect(rows).toEqual([]); // A1 is skipped forever: the failure the lock prevents

      // with the lock: B cannot take a number until A has committed
      await a.query('BEGIN');
      await lockChangeLog({ query: async (q, p) => (await a.query(q, p as unknown[])).rows, rows: async () => [] });
      const sa2 = Number((await insert(a, 'A2')).rows[0].seq);
      await b.query('BEGIN');
      let bDone = false;
      const bTurn = (async () => {
        await b.query('SELECT pg_advisory_xact_lock($1)', [CHANGE_LOCK]);
        bDone = true;
        const s = Number((await insert(b, 'B2')).rows[0].seq);
        await b.query('COMMIT');
        return s;
      })();
      await sleep(300);
      expect(bDone).toBe(false);
      expect(await highWater(store)).toBeLessThan(sa2); // nothing past A's number is visible yet
      await a.query('COMMIT');
      const sb2 = await bTurn;
      expect(sb2).toBeGreaterThan(sa2);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('a push waiting for the numbering lock has taken no number yet (the lock comes first in its statement)', async () => {
    const holder = await client();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1)', [SEQ_LOCK]);
      const before = (await holder.query('SELECT last_value, is_called FROM change_seq')).rows[0];
      let done = false;
      const p = store.tx(async (q) => {
        await writeChanges(q, [{ entity: 'product', key: 'LOCKED', bucket: '*', data: '{}' }]);
        done = true;
      });
      await sleep(300);
      expect(done).toBe(false);
      expect((await holder.query('SELECT last_value, is_called FROM change_seq')).rows[0]).toEqual(before);
      await holder.query('COMMIT');
      await p;
      expect(done).toBe(true);
    } finally {
      await holder.end();
    }
  });

  it('concurrent imports and pushes: a reader polling all along misses nothing and sees numbers in order', async () => {
    const writers: Promise<unknown>[] = [];
    for (let w = 0; w < 6; w++) {
      const rows = Array.from({ length: 150 }, (_, i) => customer(`W${w}-${i}`, i % 2 ? 'DACH' : 'Nord-Ovest'));
      writers.push(importFeed(store, 'customers', Buffer.from(csv('customers', rows)), { file: `w${w}.csv` }).then((r) => expect(r.ok).toBe(true)));
    }
    for (let p = 0; p < 3; p++) {
      writers.push((async () => {
        for (let i = 0; i < 10; i++) {
          const res = await app.inject({
            method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${t.north}` },
            payload: { clientId: `desk-${p}`, mutations: [1, 2, 3].map((k) => noteMutation(i * 3 + k, 'C1', `note ${p}/${i}/${k}`)) },
          });
          expect(res.statusCode).toBe(200);
        }
      })());
    }
    let done = false;
    const all = Promise.all(writers).finally(() => { done = true; });
    // a poller (admin: sees everything) and a North agent, pulling incrementally while writers run
    const poll = async (token: string) => {
      const state = new Map<string, unknown>();
      let after = 0;
      let scope: string | undefined;
      let last = 0;
      let pages = 0;
      for (;;) {
        const finished = done;
        const p = await pull(app, token, { after, scope, limit: 200 });
        pages++;
        for (const c of p.changes as ChangeLine[]) {
          expect(c.seq).toBeGreaterThan(last);
          last = c.seq;
        }
        applyChanges(state, p.changes);
        after = p.checkpoint.checkpoint;
        scope = p.checkpoint.scope;
        if (finished && !p.checkpoint.more) return { state, pages };
        if (!p.checkpoint.more) await sleep(5);
      }
    };
    const [, admin, north] = await Promise.all([all, poll(t.admin), poll(t.north)]);
    expect(admin.pages).toBeGreaterThan(3);
    const freshAdmin = applyChanges(new Map(), (await pullAll(app, t.admin)).changes);
    expect(admin.state.size).toBe(freshAdmin.size);
    expect(admin.state).toEqual(freshAdmin);
    expect(freshAdmin.size).toBe(12 + 6 * 150 + 3 * 10 * 3);
    const freshNorth = applyChanges(new Map(), (await pullAll(app, t.north)).changes);
    expect(north.state).toEqual(freshNorth);
    // numbers are unique and every live row has one
    const dup = await store.query('SELECT seq FROM changes GROUP BY seq HAVING count(*) > 1');
    expect(dup).toEqual([]);
  }, 120_000);
});

describe('push exactly once', () => {
  it('the same batch sent twice at the same time is applied once; both get the same answer', async () => {
    const body = { clientId: 'twin', mutations: [1, 2, 3, 4].map((s) => noteMutation(s, 'C2', `twin ${s}`)) };
    const send = () => app.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${t.north}` }, payload: body });
    const [r1, r2] = await Promise.all([send(), send()]);
    expect(r1.statusCode).toBe(200);
    expect(r2.statusCode).toBe(200);
    expect(r1.json()).toEqual(r2.json());
    expect(r1.json().applied).toHaveLength(4);
    expect(await store.query(`SELECT count(*)::int AS n FROM customer_notes`)).toEqual([{ n: 4 }]);
  });

  it('hub restarted mid-push (before or after COMMIT): the retry applies the batch once', async () => {
    const body = { clientId: 'restart', mutations: [1, 2, 3].map((s) => noteMutation(s, 'C1', `r ${s}`)) };
    // 1. the hub dies after applying, before COMMIT
    const s1 = await openStore({ databaseUrl: url });
    const h1 = await buildHub({ store: s1, push: { beforeCommit: () => { throw new Error('simulated crash before COMMIT'); } } });
    const crash = await h1.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${t.north}` }, payload: body });
    expect(crash.statusCode).toBe(500);
    await h1.close();
    await s1.close();
    expect(await store.query(`SELECT count(*)::int AS n FROM customer_notes`)).toEqual([{ n: 0 }]);
    // 2. a new hub instance; the client retries
    const s2 = await openStore({ databaseUrl: url });
    const h2 = await buildHub({ store: s2 });
    const ok = await h2.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${t.north}` }, payload: body });
    expect(ok.json()).toEqual({ applied: body.mutations.map((m) => m.id), rejected: [], lastSeq: 3 });
    await h2.close();
    await s2.close();
    // 3. the answer got lost after COMMIT; yet another instance gets the retry
    const s3 = await openStore({ databaseUrl: url });
    const h3 = await buildHub({ store: s3 });
    const again = await h3.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${t.north}` }, payload: body });
    expect(again.json()).toEqual(ok.json());
    await h3.close();
    await s3.close();
    expect(await store.query(`SELECT count(*)::int AS n FROM customer_notes`)).toEqual([{ n: 3 }]);
    expect(await store.query(`SELECT count(*)::int AS n FROM sync_mutations`)).toEqual([{ n: 3 }]);
  });

  it('a hub process killed (SIGKILL) while a push is in flight: the retry on a new process applies it once', async () => {
    const body = { clientId: 'killed', mutations: [1, 2].map((s) => noteMutation(s, 'C1', `k ${s}`)) };
    const holder = await client();
    let hub: ChildProcess | null = null;
    try {
      // Hold the numbering lock: the push applies everything, then waits for it right before
      // its change-log write and COMMIT — that is where we kill it.
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1)', [SEQ_LOCK]);
      let started = await startHubProcess(url);
      hub = started.child;
      const inflight = fetch(`${started.url}v1/sync/push`, {
        method: 'POST', headers: { authorization: `Bearer ${t.north}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
      }).then((r) => r.status, () => 'failed');
      for (let i = 0; ; i++) {
        const w = await holder.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`);
        if (w.rows[0].n > 0) break;
        if (i > 200) throw new Error('push never reached the lock');
        await sleep(50);
      }
      hub.kill('SIGKILL');
      expect(await inflight).toBe('failed');
      await new Promise((r) => hub!.once('exit', r));
      await holder.query('ROLLBACK');
      // PostgreSQL notices the dead connection and rolls its transaction back
      for (let i = 0; ; i++) {
        const w = await holder.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pronto-hub' AND state LIKE 'idle in transaction%'`);
        if (w.rows[0].n === 0) break;
        if (i > 200) throw new Error('killed hub transaction still open');
        await sleep(50);
      }
      expect(await store.query(`SELECT count(*)::int AS n FROM customer_notes`)).toEqual([{ n: 0 }]);
      started = await startHubProcess(url);
      hub = started.child;
      const send = () => fetch(`${started.url}v1/sync/push`, {
        method: 'POST', headers: { authorization: `Bearer ${t.north}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      const r1 = await send();
      expect(r1.status).toBe(200);
      const j1 = await r1.json();
      expect(j1).toEqual({ applied: body.mutations.map((m) => m.id), rejected: [], lastSeq: 2 });
      expect(await (await send()).json()).toEqual(j1);
      expect(await store.query(`SELECT count(*)::int AS n FROM customer_notes`)).toEqual([{ n: 2 }]);
    } finally {
      if (hub && hub.exitCode === null) {
        hub.kill('SIGTERM');
        await new Promise((r) => hub!.once('exit', r));
      }
      await holder.end();
    }
  }, 120_000);
});

describe('several hub instances', () => {
  it('share pokes through LISTEN/NOTIFY: an import on one pokes live clients of the other', async () => {
    const s2 = await openStore({ databaseUrl: url });
    const h2 = await buildHub({ store: s2 });
    const base = await h2.listen({ port: 0, host: '127.0.0.1' });
    const live = await connectLive(`${base}/`, t.north);
    try {
      const hw = await highWater(store);
      await live.next(hw);
      const res = await app.inject({
        method: 'POST', url: '/v1/feeds/customers', headers: { authorization: `Bearer ${t.admin}`, 'content-type': 'text/csv' },
        payload: csv('customers', [customer('C1', 'Nord-Ovest', { name: 'Poked' })]),
      });
      expect(res.statusCode).toBe(200);
      const seq = res.json().seq as number;
      expect(await live.next(seq)).toBe(seq);
    } finally {
      await live.close();
      await h2.close();
      await s2.close();
    }
  });
});

const BIN = fileURLToPath(new URL('../../bin/pronto-hub.mjs', import.meta.url));

async function startHubProcess(databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--database-url', databaseUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start: ${err}`)), 60_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /Pronto hub: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.once('exit', (code) => reject(new Error(`hub exited (${code}): ${err}`)));
  });
}

