// Desktop sync against the real hub (Fastify + PGlite), over real HTTP and WebSocket on
// 127.0.0.1: feeds → hub → pull → local lookup; live pokes; notes and contacts pushed exactly
// once; kill -9 of the sync process during an initial sync and during a push, repeated; cases
// with offer outcomes to the hub and back to colleagues; the hub's offer model to the pop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openStore, openConnection, type Store } from '../../db/store';
import { LookupService } from '../lookup';
import { SyncClient } from './client';
import type { SyncHandle } from './handle';
import { SyncThread } from './thread';
import { getMeta } from '../../db/queries/meta';
import { NotesService } from './notes';
import { tempDesktop, tempDir } from '../../../test-support/desktop/fixtures';
import { buildHub } from '../../../src-hub/http/app';
import { type Store as HubStore } from '../../../src-hub/db/store';
import { testStore, seedPeople, seedData, importCsv, account, mustImport, customer, purchase, credit } from '../../../test-support/hub/helpers';
import { trainOffers } from '../../../src-hub/offers/train';
import { createSync } from './runtime';
import { DesktopApi } from '../../api/desktop-api';
import { loadModel } from '../offers/train-local';
import { importFeed } from '../../../src-hub/feeds/import';
import { setTeam, addUser, issueToken } from '../../../src-hub/admin';
import { generateFeeds } from '../../seed/generate';

let hub: HubStore;
let app: FastifyInstance;
let url: string;
let tokens: Awaited<ReturnType<typeof seedPeople>>;
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  hub = await testStore('pglite');
  tokens = await seedPeople(hub);
  await seedData(hub);
  app = await buildHub({ store: hub, live: { coalesceMs: 20 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await app?.close();
  await hub?.close();
});

const desktop = (): { store: Store; dir: string } => tempDesktop(cleanups);

function client(store: Store, token: string, pageSize?: number): SyncClient {
  const conn = openConnection(store);
  const c = new SyncClient(conn, { hubUrl: url, token, pageSize, downPollMs: 200, pollMs: 200 });
  cleanups.push(async () => {
    await c.stop();
    conn.close();
  });
  return c;
}

async function until<T>(f: () => T | Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Everything the sync writes, in a canonical order (to compare two stores). */
function dump(store: Store): string {
  const q = (sql: string) => store.sqlite.prepare(sql).raw().all();
  return JSON.stringify([
    q('SELECT customer_id, name, company, email, segment, region, country, created_at FROM customers ORDER BY customer_id'),
    q('SELECT customer_id, e164, label, position FROM customer_phones ORDER BY customer_id, e164'),
    q('SELECT * FROM products ORDER BY sku'),
    q('SELECT * FROM purchases ORDER BY order_id, sku'),
    q('SELECT * FROM accounts ORDER BY customer_id'),
    q('SELECT * FROM credit_terms ORDER BY customer_id'),
    q("SELECT value FROM meta WHERE key = 'sync_cursor'"),
  ]);
}

describe('desktop ⇄ hub sync', () => {
  it('pulls the hub data of its team only; the local lookup then answers from it', async () => {
    const { store } = desktop();
    const c = client(store, tokens.north);
    const r = await c.syncOnce();
    expect(r.pulled).toBeGreaterThan(0);
    const lookup = new LookupService(store.sqlite, 'IT');
    const hit = lookup.lookup('02 8765 4301');
    expect(hit.match).toBe('single');
    expect(hit.pop?.customer.customerId).toBe('C1');
    expect(hit.pop?.account?.balance).toBe(100);
    expect(hit.pop?.purchases.map((p) => p.orderId)).toEqual(['O1']);
    // C3 belongs to team South (DACH): never on this desktop
    expect(store.sqlite.prepare("SELECT count(*) FROM customers WHERE customer_id = 'C3'").pluck().get()).toBe(0);
    expect(store.sqlite.prepare("SELECT count(*) FROM purchases WHERE customer_id = 'C3'").pluck().get()).toBe(0);
    expect(c.status()).toMatchObject({ configured: true, online: true, error: null, pending: 0 });
    // A second round pulls nothing new
    expect((await c.syncOnce()).pulled).toBe(0);
  });

  it('a balance change in a re-imported accounts feed reaches a connected desktop via the live poke', async () => {
    const { store } = desktop();
    const c = client(store, tokens.north);
    await c.syncOnce();
    c.start();
    await until(() => c.status().live, (v) => v);
    const r = await importCsv(hub, 'accounts', [account('C1', '777.70'), account('C3')]);
    expect(r.ok).toBe(true);
    const lookup = new LookupService(store.sqlite, 'IT');
    const balance = await until(() => lookup.pop('C1')?.account?.balance, (b) => b === 777.7);
    expect(balance).toBe(777.7);
  });

  it('pushes notes and contacts exactly once and pulls them back; the hub keeps LWW history', async () => {
    const { store } = desktop();
    const c = client(store, tokens.north);
    await c.syncOnce();
    const notes = new NotesService(store.sqlite, 'nina');
    const n = notes.save({ customerId: 'C1', text: 'Prefers calls after 3pm' });
    notes.save({ customerId: 'C1', noteId: n.noteId, text: 'Prefers calls after 4pm' });
    const contact = notes.createContact({ name: 'Walk-in Caller', phone: '06 5555 1234', country: 'IT' });
    expect(notes.list('C1')[0]).toMatchObject({ text: 'Prefers calls after 4pm', pending: true });
    expect(new LookupService(store.sqlite, 'IT').lookup('06 5555 1234').pop?.customer.name).toBe('Walk-in Caller');
    const r = await c.syncOnce();
    expect(r.pushed).toBe(3);
    expect(c.status().pending).toBe(0);
    const rows = (await hub.query('SELECT text FROM customer_notes WHERE note_id = $1', [n.noteId]));
    expect(rows).toEqual([{ text: 'Prefers calls after 4pm' }]);
    expect((await hub.query('SELECT count(*)::int AS n FROM contacts WHERE contact_id = $1', [contact.contactId]))[0]).toEqual({ n: 1 });
    expect(notes.list('C1')[0]).toMatchObject({ text: 'Prefers calls after 4pm', pending: false });
  });

  it('a permanently invalid mutation is rejected with its reason and does not block the queue', async () => {
    const { store } = desktop();
    const c = client(store, tokens.north);
    await c.syncOnce();
    const notes = new NotesService(store.sqlite, 'nina');
    notes.save({ customerId: 'C3', text: 'out of my scope' }); // C3 is team South's
    notes.save({ customerId: 'C1', text: 'fine' });
    const r = await c.syncOnce();
    expect(r).toMatchObject({ pushed: 1, rejected: 1 });
    const s = c.status();
    expect(s.pending).toBe(0);
    expect(s.rejected).toBe(1);
    expect(s.rejectedItems[0]!.kind).toBe('customerNote.upsert');
    expect(s.rejectedItems[0]!.reason).toMatch(/scope|C3|not/i);
  });

  it('bad pages are rejected whole: nothing applied, cursor unchanged, status shows it', async () => {
    const bodies = [
      '{"seq":1,"entity":"product","op":"upsert","key":"X","data":{"sku":"X","name":"x","category":"","family":"","tier":1,"priceMinor":100,"currency":"EUR","margin":0.1}}\n{"seq":2,"entity":"product","op":"upsert","key":"Y","data":{"sku":"Y"}}\n{"checkpoint":2,"more":false,"count":2,"scope":"s","at":"2026-01-01T00:00:00.000Z"}\n',
      '{"seq":1,"entity":"product","op":"upsert","key":"X","data":{"sku":"X","name":"x","category":"","family":"","tier":1,"priceMinor":100,"currency":"EUR","margin":0.1}}\n{not json\n',
      '{"seq":1,"entity":"product","op":"upsert","key":"X","data":{"sku":"X","name":"x","category":"","family":"","tier":1,"priceMinor":100,"currency":"EUR","margin":0.1}}\n',
    ];
    let i = 0;
    const bad: Server = createServer((req, res) => {
      if (req.url?.startsWith('/v1/sync/snapshot')) {
        res.writeHead(404).end(); // no snapshot: the pages below are the whole sync
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.end(bodies[i++ % bodies.length]);
    });
    await new Promise<void>((r) => bad.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => bad.close(() => r())));
    const addr = bad.address();
    const { store } = desktop();
    const conn = openConnection(store);
    const c = new SyncClient(conn, { hubUrl: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, token: 't' });
    cleanups.push(() => { conn.close(); });
    for (const expected of [/line 2: data\.name/, /line 2: .*JSON/, /cut short/]) {
      await expect(c.syncOnce()).rejects.toThrow(expected);
      expect(c.status().error).toMatch(expected);
      expect(c.cursor).toBe(0);
      expect(store.sqlite.prepare('SELECT count(*) FROM products').pluck().get()).toBe(0);
    }
  });
  it('a long pull fetches in a worker thread; a bad page there stops it with the line named, the pages before it kept', async () => {
    const product = (seq: number): string =>
      `{"seq":${seq},"entity":"product","op":"upsert","key":"P${seq}","data":{"sku":"P${seq}","name":"p${seq}","category":"","family":"","tier":1,"priceMinor":100,"currency":"EUR","margin":0.1}}`;
    const cp = (n: number, more: boolean, totalAfter?: number): string =>
      JSON.stringify({ checkpoint: n, more, count: 2, scope: 's', at: '2026-01-01T00:00:00.000Z', ...(totalAfter === undefined ? {} : { total_after: totalAfter }) });
    const pages: Record<string, string> = {
      0: `${product(1)}\n${product(2)}\n${cp(2, true, 500_000)}\n`,
      2: `${product(3)}\n${product(4)}\n${cp(4, true)}\n`,
      4: `${product(5)}\n{"seq":6,"entity":"product","op":"upsert","key":"P6","data":{"sku":"P6"}}\n${cp(6, false)}\n`,
    };
    const fake: Server = createServer((req, res) => {
      const after = new URL(req.url!, 'http://x').searchParams.get('after')!;
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.end(pages[after] ?? cp(Number(after), false));
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => fake.close(() => r())));
    const addr = fake.address();
    const { store } = desktop();
    const conn = openConnection(store);
    const logs: string[] = [];
    const c = new SyncClient(conn, { hubUrl: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, token: 't', log: (l) => logs.push(l) });
    cleanups.push(() => { conn.close(); });
    await expect(c.syncOnce()).rejects.toThrow(/line 2: data\.name/);
    expect(logs.join('\n')).toMatch(/worker thread/);
    expect(c.cursor).toBe(4);
    expect(store.sqlite.prepare('SELECT sku FROM products ORDER BY sku').pluck().all()).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(c.status().error).toMatch(/line 2: data\.name/);
  });
});

describe('crash safety (kill -9 of the sync process)', () => {
  let bigToken: string;

  beforeAll(async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const feeds = await generateFeeds({ outDir: join(t.dir, 'feeds'), customers: 1500, purchases: 6000, seed: 3 });
    for (const kind of ['products', 'customers', 'purchases', 'accounts', 'credit'] as const) {
      const r = await importFeed(hub, kind, feeds.files[kind], { file: `${kind}.csv`, full: false });
      if (!r.ok) throw new Error(`${kind}: ${r.problems.slice(0, 3).join('\n')}`);
    }
    await setTeam(hub, 'Everyone', ['Nord-Ovest', 'Nord-Est', 'Centro', 'Sud', 'Isole', 'DACH', 'France', 'Iberia', 'UK&I', 'Benelux', 'North America']);
    await addUser(hub, { name: 'eve', role: 'agent', team: 'Everyone', password: 'long enough password' });
    bigToken = await issueToken(hub, 'eve');
  }, 240_000);

  /**
   * `killAtPercent`: kill -9 once the sync reports at least that much progress (its stderr
   * lines), so the kill lands inside the pull whatever the machine's speed; a run with less
   * left to do may finish first. `worker`: fetch pages in the pull worker thread however short
   * the pull (both paths get killed).
   */
  function runSync(dir: string, killAtPercent: number | null, worker = false): Promise<number | null> {
    // the worker runs also build the purchase index at the end (bulk mode), so kills hit that too
    const env = { ...process.env, PRONTO_SYNC_WORKER_MIN_ROWS: worker ? '0' : '1000000000', PRONTO_SYNC_BULK_MIN_ROWS: worker ? '0' : '1000000000' };
    const child = spawn(process.execPath, ['bin/pronto.mjs', 'sync', '--data-dir', dir, '--hub', url, '--token', bigToken, '--once', '--page-size', '400'], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (killAtPercent === null) return;
      const pct = [...err.matchAll(/\((\d+)%\)/g)].map((m) => Number(m[1]));
      if (pct.some((p) => p >= killAtPercent)) child.kill('SIGKILL');
    });
    return new Promise((resolve, reject) => {
      child.on('exit', (code, signal) => {
        if (signal === 'SIGKILL') resolve(null);
        else if (code === 0) resolve(0);
        else reject(new Error(`sync exited ${code}: ${err.slice(-500)}`));
      });
    });
  }

  it('initial sync killed at random points, then resumed, equals a clean sync', async () => {
    const clean = desktop();
    clean.store.close();
    expect(await runSync(clean.dir, null)).toBe(0);
    const reference = openStore(clean.dir);
    cleanups.push(() => reference.close());
    const expected = dump(reference);

    const crashed = desktop();
    crashed.store.close();
    let kills = 0;
    for (let i = 0; i < 6; i++) {
      const r = await runSync(crashed.dir, 5 + Math.floor(Math.random() * 85), i % 2 === 1);
      if (r === null) kills++;
    }
    expect(await runSync(crashed.dir, null, true)).toBe(0);
    const after = openStore(crashed.dir);
    cleanups.push(() => after.close());
    expect(after.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(dump(after)).toBe(expected);
    expect(kills).toBeGreaterThan(0);
    const indexes = (s: Store) => s.sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").raw().all();
    expect(indexes(after)).toEqual(indexes(reference));
    expect(after.sqlite.prepare("SELECT count(*) FROM meta WHERE key = 'deferred_indexes'").pluck().get()).toBe(0);
  }, 240_000);

  it('a host syncs on its own sync thread: it answers while an initial sync is written; stopped midway, the next start completes it', async () => {
    const host = (store: Store) => {
      const made = createSync(store, { hubUrl: url, token: bigToken, pageSize: 100 }, () => {});
      const api = new DesktopApi({ store, region: 'IT', host: 'web', sync: made.client });
      made.bind(api);
      cleanups.push(() => made.client.stop());
      return { api, sync: made.client };
    };
    const a = desktop();
    const { api, sync } = host(a.store);
    expect(sync).toBeInstanceOf(SyncThread);
    let finished = false;
    const round = sync.syncOnce().finally(() => (finished = true));
    // the host's own thread keeps answering, and sees the store fill page by page
    const seen = new Set<number>();
    while (!finished) {
      seen.add((await api.call('status', {})).customers);
      await new Promise((r) => setTimeout(r, 5));
    }
    const { pulled } = await round;
    const total = (await api.call('status', {})).customers;
    expect(pulled).toBeGreaterThan(7500);
    expect([...seen].filter((n) => n > 0 && n < total).length).toBeGreaterThan(1);
    expect(sync.status()).toMatchObject({ configured: true, online: true, error: null, pending: 0 });

    // stopped in the middle of an initial sync: the pages written stay with their cursor, and
    // another start goes on from there to the same store as the uninterrupted sync
    const b = desktop();
    const first = host(b.store);
    const cut = first.sync.syncOnce().then(() => 'finished', (e: Error) => e.message);
    await until(() => Number(getMeta(b.store.sqlite, 'sync_cursor') ?? 0), (c) => c > 0);
    await first.sync.stop();
    expect(await cut).toMatch(/sync stopped/);
    expect(b.store.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    const midway = Number(getMeta(b.store.sqlite, 'sync_cursor'));
    expect(midway).toBeGreaterThan(0);
    const again = host(b.store);
    expect((await again.sync.syncOnce()).pulled).toBeLessThan(pulled);
    expect(dump(b.store)).toBe(dump(a.store));
  }, 120_000);

  it('a push killed at random points delivers every mutation exactly once', async () => {
    const d = desktop();
    const notes = new NotesService(d.store.sqlite, 'eve');
    const customers = d.store.sqlite.prepare('SELECT customer_id FROM customers').pluck().all() as string[];
    expect(customers).toEqual([]); // not synced yet: notes go to customers the hub knows
    const ids = (await hub.query<{ customer_id: string }>("SELECT customer_id FROM customers WHERE region <> '' ORDER BY customer_id LIMIT 300")).map((r) => r.customer_id);
    const noteIds: string[] = [];
    for (let i = 0; i < 600; i++) noteIds.push(notes.save({ customerId: ids[i % ids.length]!, text: `note ${i}` }).noteId);
    d.store.close();
    for (let i = 0; i < 5; i++) await runSync(d.dir, 300 + Math.floor(Math.random() * 900));
    expect(await runSync(d.dir, null)).toBe(0);
    const after = openStore(d.dir);
    cleanups.push(() => after.close());
    expect(after.sqlite.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
    const applied = (await hub.query<{ n: number }>('SELECT count(*)::int AS n FROM customer_notes WHERE note_id = ANY($1::uuid[])', [noteIds]))[0]!;
    expect(applied.n).toBe(600);
    const clientId = after.sqlite.prepare("SELECT value FROM meta WHERE key = 'client_id'").pluck().get();
    const m = (await hub.query<{ n: number; seqs: number }>("SELECT count(*)::int AS n, count(DISTINCT seq)::int AS seqs FROM sync_mutations WHERE client_id = $1 AND status = 'applied'", [clientId]))[0];
    expect(m).toEqual({ n: 600, seqs: 600 });
  }, 240_000);
});

describe('cases and next-best-offer through the hub', () => {
  let islands: string;
  beforeAll(async () => {
    // Team Islands sees region Isole: K0/K5 own P1 only; K1–K4 bought P1 and P3 → P1 → P3 is related.
    await mustImport(hub, 'products', [{ sku: 'P3', name: 'Paper', category: 'supplies', family: 'paper', tier: 1, price: '9.90', currency: 'EUR', margin: '0.5' }]);
    await mustImport(hub, 'customers', ['K0', 'K1', 'K2', 'K3', 'K4', 'K5'].map((id) => customer(id, 'Isole')));
    await mustImport(hub, 'purchases', [
      purchase('KO0', 'K0'), purchase('KO5', 'K5'),
      ...['K1', 'K2', 'K3', 'K4'].flatMap((id) => [purchase(`${id}-a`, id), purchase(`${id}-b`, id, 'P3', '9.90')]),
    ]);
    await mustImport(hub, 'credit', [credit('K0'), credit('K5')]);
    await setTeam(hub, 'Islands', ['Isole']);
    await addUser(hub, { name: 'ivo', role: 'agent', team: 'Islands', password: 'long enough password' });
    islands = await issueToken(hub, 'ivo');
  });

  /** A desktop wired like a host: DesktopApi + SyncClient through runtime.ts (offers reload on sync). */
  function host(): { store: Store; app: DesktopApi; sync: SyncHandle } {
    const { store } = desktop();
    const made = createSync(store, { hubUrl: url, token: islands }, () => {});
    const app = new DesktopApi({ store, region: 'IT', host: 'web', sync: made.client });
    made.bind(app);
    cleanups.push(() => made.client.stop());
    return { store, app, sync: made.client };
  }

  it('a case with an accepted offer reaches the hub exactly once; the local case is no longer pending; colleagues see it', async () => {
    const a = host();
    expect(a.sync).toBeInstanceOf(SyncThread); // as the web host and Electron run it
    await a.sync.syncOnce();
    const draft = await a.app.call('caseStart', { callId: 'isle-1', customerId: 'K0', line: '600' });
    const done = await a.app.call('caseSubmit', { caseId: draft.caseId, disposition: 'ORDER', notes: 'took paper', offers: [{ sku: 'P3', kind: 'cross_sell', outcome: 'accepted' }] });
    expect(done.pending).toBe(true);
    expect((await a.sync.syncOnce()).pushed).toBe(1);
    expect(a.app.cases.get(draft.caseId)).toMatchObject({ pending: false, origin: 'local', status: 'submitted' });
    expect(await hub.query('SELECT customer_id, agent, disposition, notes, bucket FROM cases WHERE case_id = $1', [draft.caseId]))
      .toEqual([{ customer_id: 'K0', agent: 'ivo', disposition: 'ORDER', notes: 'took paper', bucket: 'r:Isole' }]);
    expect(await hub.query('SELECT sku, kind, outcome FROM offer_outcomes WHERE case_id = $1', [draft.caseId]))
      .toEqual([{ sku: 'P3', kind: 'cross_sell', outcome: 'accepted' }]);
    // pushed again (e.g. the ack was lost): still one case
    expect((await a.sync.syncOnce()).pushed).toBe(0);
    expect(await hub.query('SELECT count(*)::int AS n FROM cases WHERE case_id = $1', [draft.caseId])).toEqual([{ n: 1 }]);
    // a colleague's desktop gets it in the customer's case history
    const b = host();
    await b.sync.syncOnce();
    const history = await b.app.call('caseHistory', { customerId: 'K0' });
    expect(history.map((c) => [c.caseId, c.origin, c.pending, c.offers.map((o) => o.outcome)])).toEqual([[draft.caseId, 'hub', false, ['accepted']]]);
    // team North never sees it
    const north = desktop();
    await client(north.store, tokens.north).syncOnce();
    expect(north.store.sqlite.prepare('SELECT count(*) FROM cases').pluck().get()).toBe(0);
  });

  it('train-offers at the hub → the desktop receives the model (source hub) and ranks offers with it, without a restart', async () => {
    const a = host();
    await a.sync.syncOnce();
    const before = await a.app.call('openCustomer', { customerId: 'K5' });
    expect(before?.offers.map((o) => o.sku)).not.toContain('P3');
    const trained = await trainOffers(hub);
    expect(trained.model.products.P1?.related.map((r) => r.sku)).toContain('P3');
    expect(trained.model.acceptance.offers).toContainEqual(expect.objectContaining({ sku: 'P3', accepted: 1 }));
    await a.sync.syncOnce();
    expect(a.app.offers.model).toMatchObject({ source: 'hub', version: trained.model.version });
    expect(loadModel(a.store.sqlite).model?.source).toBe('hub');
    const after = await a.app.call('openCustomer', { customerId: 'K5' });
    expect(after?.offers.find((o) => o.sku === 'P3')).toMatchObject({ kind: 'cross_sell' });
  });
});
