// The pull stream on the wire: scope, paging, checkpoints, tombstones, resets (PGlite and PostgreSQL).
import { beforeEach, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../db/store';
import { hubId, setTeam } from '../admin';
import { scopeOf } from '../scope';
import { choosePlan, forgetPullStats } from './pull';
import { highWater } from '../changes';
import {
  applyChanges, customer, describeStores, mustImport, pull, pullAll, purchase, resetAndSeed, type seedPeople,
} from '../../test-support/hub/helpers';

const keysOf = (changes: { entity: string; key: string }[]) => changes.map((c) => `${c.entity}:${c.key}`).sort();

describeStores('pull', (ctx) => {
  let store: Store;
  let app: FastifyInstance;
  let t: Awaited<ReturnType<typeof seedPeople>>;
  beforeEach(async () => {
    store = ctx.store;
    app = ctx.app;
    t = await resetAndSeed(store);
  });

  it('streams the scope of the agent only: own region customers and their children, all products', async () => {
    const north = await pull(app, t.north);
    expect(north.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(keysOf(north.changes)).toEqual([
      'account:C1', 'credit:C1', 'customer:C1', 'customer:C2', 'product:P1', 'product:P2', 'purchase:O1 P1', 'purchase:O2 P2',
    ]);
    const south = await pull(app, t.south);
    expect(keysOf(south.changes)).toEqual(['account:C3', 'credit:C3', 'customer:C3', 'product:P1', 'product:P2', 'purchase:O3 P1']);
    const loner = await pull(app, t.loner);
    expect(keysOf(loner.changes)).toEqual(['product:P1', 'product:P2']);
    const admin = await pull(app, t.admin);
    expect(admin.changes).toHaveLength(12);
    // in seq order, children after their customer; checkpoint = the high-water mark
    const seqs = north.changes.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(north.checkpoint).toMatchObject({ checkpoint: await highWater(store), more: false, count: 8, total_after: 0 });
    const c1 = north.changes.find((c) => c.entity === 'customer' && c.key === 'C1')!;
    expect(c1).toMatchObject({ op: 'upsert', data: { customerId: 'C1', region: 'Nord-Ovest', phones: [{ e164: '+390287654301' }] } });
  });

  it('pages with limit: checkpoints, more, counts and total_after for progress', async () => {
    const first = await pull(app, t.admin, { limit: 5 });
    expect(first.changes).toHaveLength(5);
    expect(first.checkpoint).toMatchObject({ checkpoint: first.changes[4]!.seq, more: true, count: 5, total_after: 7 });
    const second = await pull(app, t.admin, { after: first.checkpoint.checkpoint, limit: 5, scope: first.checkpoint.scope });
    expect(second.checkpoint).toMatchObject({ more: true, count: 5 });
    expect(second.checkpoint.total_after).toBeUndefined(); // only when asked (or on the first page)
    const third = await pull(app, t.admin, { after: second.checkpoint.checkpoint, limit: 5, total: true, scope: first.checkpoint.scope });
    expect(third.checkpoint).toMatchObject({ more: false, count: 2, total_after: 0, checkpoint: await highWater(store) });
    const all = [...first.changes, ...second.changes, ...third.changes];
    expect(new Set(all.map((c) => c.seq)).size).toBe(12);
    // exactly `limit` rows left: more is still false (no empty extra round trip)
    const exact = await pull(app, t.admin, { limit: 12 });
    expect(exact.checkpoint).toMatchObject({ more: false, count: 12 });
    // nothing new: an empty page that keeps the cursor
    const idle = await pull(app, t.admin, { after: exact.checkpoint.checkpoint, scope: exact.checkpoint.scope });
    expect(idle.changes).toEqual([]);
    expect(idle.checkpoint).toMatchObject({ checkpoint: exact.checkpoint.checkpoint, more: false, count: 0 });
  });

  it('gzip when accepted and worth it (not for a few lines, not on loopback); the same lines', async () => {
    const small = await pull(app, t.north, { gzip: true });
    expect(small.headers['content-encoding']).toBeUndefined();
    await mustImport(store, 'customers', Array.from({ length: 60 }, (_, i) => customer(`G${i}`, 'Nord-Ovest')));
    const plain = await pull(app, t.north);
    const gz = await pull(app, t.north, { gzip: true });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gz.changes).toHaveLength(68);
    expect(gz.changes).toEqual(plain.changes);
    const local = await pull(app, t.north, { gzip: true, from: '127.0.0.1' });
    expect(local.headers['content-encoding']).toBeUndefined(); // pointless on loopback
    expect(local.changes).toEqual(plain.changes);
  });

  it('delta pulls carry only what changed since, incl. tombstones; a scoped agent skips other regions cheaply', async () => {
    const base = await pull(app, t.north);
    const cp = base.checkpoint;
    await mustImport(store, 'customers', [customer('C3', 'DACH', { name: 'South only' })]);
    const idle = await pull(app, t.north, { after: cp.checkpoint, scope: cp.scope });
    expect(idle.changes).toEqual([]);
    expect(idle.checkpoint.checkpoint).toBe(await highWater(store)); // advanced past the DACH change
    await mustImport(store, 'purchases', [purchase('O1', 'C1'), purchase('O3', 'C3')], { full: true });
    const delta = await pull(app, t.north, { after: idle.checkpoint.checkpoint, scope: cp.scope });
    expect(delta.changes.map((c) => [c.entity, c.key, c.op])).toEqual([['purchase', 'O2 P2', 'delete']]);
  });

  it('a customer moving to another team: the old team gets a tombstone, the new one the customer with its children', async () => {
    const n0 = await pull(app, t.north);
    const s0 = await pull(app, t.south);
    const north = applyChanges(new Map(), n0.changes);
    const south = applyChanges(new Map(), s0.changes);
    await mustImport(store, 'customers', [customer('C1', 'DACH')]);
    const n1 = await pull(app, t.north, { after: n0.checkpoint.checkpoint, scope: n0.checkpoint.scope });
    expect(n1.changes.map((c) => [c.entity, c.key, c.op])).toEqual([['customer', 'C1', 'delete']]);
    applyChanges(north, n1.changes);
    expect([...north.keys()].filter((k) => k.includes('C1') || k.includes('O1'))).toEqual([]);
    const s1 = await pull(app, t.south, { after: s0.checkpoint.checkpoint, scope: s0.checkpoint.scope });
    expect(s1.changes.map((c) => [c.entity, c.key, c.op])).toEqual([
      ['customer', 'C1', 'upsert'], ['purchase', 'O1 P1', 'upsert'], ['account', 'C1', 'upsert'], ['credit', 'C1', 'upsert'],
    ]);
    applyChanges(south, s1.changes);
    // never anything of the other team on the wire, and the end state equals a fresh sync
    for (const c of [...n0.changes, ...n1.changes]) if (c.op === 'upsert' && 'region' in c.data) expect(c.data.region).toBe('Nord-Ovest');
    const fresh = applyChanges(new Map(), (await pullAll(app, t.south)).changes);
    expect(south).toEqual(fresh);
    const freshN = applyChanges(new Map(), (await pullAll(app, t.north)).changes);
    expect(north).toEqual(freshN);
  });

  it('a scope change (team regions re-mapped) answers with a reset and a full stream', async () => {
    const s0 = await pull(app, t.south);
    await setTeam(store, 'South', ['DACH', 'Nord-Ovest']);
    const s1 = await pull(app, t.south, { after: s0.checkpoint.checkpoint, scope: s0.checkpoint.scope });
    expect(s1.reset).toMatchObject({ reset: true, reason: 'scope-changed' });
    expect(s1.checkpoint.scope).not.toBe(s0.checkpoint.scope);
    expect(keysOf(s1.changes)).toContain('customer:C1');
    expect(s1.changes).toHaveLength(12);
    // narrowing works the same way: the reset drops what is no longer visible
    await setTeam(store, 'South', []);
    const s2 = await pull(app, t.south, { after: s1.checkpoint.checkpoint, scope: s1.checkpoint.scope });
    expect(s2.reset).not.toBeNull();
    expect(keysOf(s2.changes)).toEqual(['product:P1', 'product:P2']);
  });

  it('a cursor beyond the hub high-water mark (restored or replaced hub database) resets', async () => {
    const p = await pull(app, t.north, { after: 1_000_000 });
    expect(p.reset).toMatchObject({ reason: 'cursor-ahead' });
    expect(p.changes).toHaveLength(8);
  });

  it('a first pull gets live rows only; tombstones only go to clients that may hold the row', async () => {
    await mustImport(store, 'customers', [customer('C2', 'Nord-Ovest'), customer('C3', 'DACH')], { full: true });
    const fresh = await pull(app, t.north);
    expect(fresh.changes.every((c) => c.op === 'upsert')).toBe(true);
    expect(keysOf(fresh.changes)).not.toContain('customer:C1');
    const mid = await pull(app, t.north, { after: 1 });
    expect(mid.changes.filter((c) => c.op === 'delete').map((c) => c.key)).toEqual(['C1']);
  });

  it('pages the same way whichever plan the scope gets (narrow: per-bucket merge; wide: seq order with a filter)', async () => {
    await mustImport(store, 'customers', Array.from({ length: 300 }, (_, i) => customer(`N${i}`, 'Nord-Ovest')));
    const north = { id: 0, name: 'nina', role: 'agent' as const, team: 'North', regions: ['Nord-Ovest'] };
    const south = { ...north, name: 'sven', team: 'South', regions: ['DACH'] };
    const hid = await hubId(store);
    forgetPullStats(store);
    expect(await choosePlan(store, scopeOf(north, hid))).toBe('narrow'); // no statistics yet
    const narrow = await pullAll(app, t.north, {}, 37);
    await store.query('ANALYZE changes');
    forgetPullStats(store);
    expect(await choosePlan(store, scopeOf(north, hid))).toBe('wide');
    expect(await choosePlan(store, scopeOf(south, hid))).toBe('narrow');
    const wide = await pullAll(app, t.north, {}, 37);
    expect(wide.changes).toEqual(narrow.changes);
    expect(wide.changes).toHaveLength(308);
    expect(wide.pages.length).toBe(Math.ceil(308 / 37));
    const s = await pullAll(app, t.south, {}, 2);
    expect(keysOf(s.changes)).toEqual(['account:C3', 'credit:C3', 'customer:C3', 'product:P1', 'product:P2', 'purchase:O3 P1']);
    forgetPullStats(store);
  });

  it('rejects a malformed query with 400 naming the parameter', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/sync/pull?after=-1&limit=abc', headers: { authorization: `Bearer ${t.north}` } });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues.map((i: { path: string }) => i.path).sort()).toEqual(['after', 'limit']);
  });
});
