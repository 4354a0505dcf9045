// Initial-sync snapshots on the hub (PGlite and PostgreSQL): what a file holds equals the pull
// from 0 of the same scope; the route serves the caller's scope only, with headers that match
// the file; a rebuild replaces the file; the admin route builds; the refresher builds when due;
// a CLI build on a data dir.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeEach, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../db/store';
import { hubId } from '../admin';
import { scopeOf } from '../scope';
import { highWater } from '../changes';
import { SNAPSHOT_HEADERS } from '../../src-shared/sync/snapshot';
import { account, credit, describeStores, mustImport, pull, purchase, resetAndSeed, type seedPeople } from '../../test-support/hub/helpers';
import { buildSnapshots, findSnapshot, startSnapshotRefresher } from './snapshot';
import { main } from '../cli';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const snapshotDir = mkdtempSync(join(tmpdir(), 'pronto-hub-snap-'));
dirs.push(snapshotDir);

/** entity:key of every row in a snapshot file. */
function keysIn(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const q = (sql: string) => db.prepare(sql).pluck().all() as string[];
    return [
      ...q("SELECT 'customer:' || customer_id FROM customers"),
      ...q("SELECT 'product:' || sku FROM products"),
      ...q("SELECT 'purchase:' || order_id || ' ' || sku FROM purchases"),
      ...q("SELECT 'account:' || customer_id FROM accounts"),
      ...q("SELECT 'credit:' || customer_id FROM credit_terms"),
      ...q("SELECT json_extract(line, '$.entity') || ':' || json_extract(line, '$.key') FROM lines"),
    ].sort();
  } finally {
    db.close();
  }
}

describeStores('snapshots', (ctx) => {
  let store: Store;
  let app: FastifyInstance;
  let t: Awaited<ReturnType<typeof seedPeople>>;
  beforeEach(async () => {
    store = ctx.store;
    app = ctx.app;
    t = await resetAndSeed(store);
    for (const f of readdirSync(snapshotDir)) rmSync(join(snapshotDir, f), { force: true });
  });

  it('one file per team and one for the whole hub, each holding exactly its pull from 0', async () => {
    const built = await buildSnapshots(store, snapshotDir);
    expect(built.map((m) => m.team)).toEqual(['North', 'South', null]);
    const hid = await hubId(store);
    for (const [token, team] of [[t.north, 'North'], [t.south, 'South'], [t.admin, null]] as const) {
      const p = await pull(app, token);
      const m = built.find((b) => b.team === team)!;
      expect(m.checkpoint).toBe(p.checkpoint.checkpoint);
      expect(m.scope).toBe(p.checkpoint.scope);
      expect(m.rows).toBe(p.changes.length);
      expect(keysIn(join(snapshotDir, m.file))).toEqual(p.changes.map((c) => `${c.entity}:${c.key}`).sort());
    }
    expect(findSnapshot(snapshotDir, scopeOf({ id: 0, name: 'x', role: 'agent', team: 'North', regions: ['Nord-Ovest'] }, hid).hash)).not.toBeNull();
  });

  it('GET /v1/sync/snapshot: the caller\'s scope, headers matching the file; 404 without one', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/sync/snapshot', headers: { authorization: `Bearer ${t.north}` } })).statusCode).toBe(404);
    await buildSnapshots(store, snapshotDir, { team: 'North' });
    const res = await app.inject({ method: 'GET', url: '/v1/sync/snapshot', headers: { authorization: `Bearer ${t.north}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.sqlite3');
    const body = res.rawPayload;
    expect(Number(res.headers['content-length'])).toBe(body.length);
    expect(res.headers[SNAPSHOT_HEADERS.sha256]).toBe(createHash('sha256').update(body).digest('hex'));
    expect(Number(res.headers[SNAPSHOT_HEADERS.checkpoint])).toBe(await highWater(store));
    const me = (await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${t.north}` } })).json() as { scope: string };
    expect(res.headers[SNAPSHOT_HEADERS.scope]).toBe(me.scope);
    // South and the admin have no snapshot (only North was built): never North's file
    expect((await app.inject({ method: 'GET', url: '/v1/sync/snapshot', headers: { authorization: `Bearer ${t.south}` } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/v1/sync/snapshot', headers: { authorization: `Bearer ${t.admin}` } })).json()).toMatchObject({ error: 'no_snapshot' });
  });

  it('a rebuild after new changes: a newer checkpoint, the old file removed', async () => {
    const [first] = await buildSnapshots(store, snapshotDir, { team: 'North' });
    await mustImport(store, 'accounts', [account('C1', '999.00')]);
    const [second] = await buildSnapshots(store, snapshotDir, { team: 'North' });
    expect(second!.checkpoint).toBeGreaterThan(first!.checkpoint);
    expect(existsSync(join(snapshotDir, first!.file))).toBe(false);
    const db = new Database(join(snapshotDir, second!.file), { readonly: true });
    expect(db.prepare("SELECT balance_minor FROM accounts WHERE customer_id = 'C1'").pluck().get()).toBe(99900);
    db.close();
  });

  it('POST /v1/sync/snapshot/build (admin) builds and answers the manifests; a bad body is a 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/sync/snapshot/build', headers: { authorization: `Bearer ${t.admin}` }, payload: { team: 'South' } });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { snapshots: { team: string; rows: number }[] }).snapshots).toEqual([expect.objectContaining({ team: 'South', rows: 6 })]);
    const unknown = await app.inject({ method: 'POST', url: '/v1/sync/snapshot/build', headers: { authorization: `Bearer ${t.admin}` }, payload: { team: 'Nobody' } });
    expect(unknown.statusCode).toBe(404);
    const bad = await app.inject({ method: 'POST', url: '/v1/sync/snapshot/build', headers: { authorization: `Bearer ${t.admin}` }, payload: { teams: 'South' } });
    expect(bad.statusCode).toBe(400);
  });

  it('the refresher (serve) builds for a team large enough, skips the rest, and rebuilds once enough changed', async () => {
    const r = startSnapshotRefresher(store, snapshotDir, { firstMs: 3_600_000, minRows: 7, staleShare: 0.3 });
    try {
      // North sees 8 live rows (≥ 7), South 6: North only
      expect((await r.refresh()).map((m) => [m.team, m.rows])).toEqual([['North', 8]]);
      expect(await r.refresh()).toEqual([]); // nothing changed
      await mustImport(store, 'accounts', [account('C1', '1.00')]);
      expect(await r.refresh()).toEqual([]); // 1 change of 8 rows: under 30 %
      await mustImport(store, 'accounts', [account('C1', '2.00')]);
      await mustImport(store, 'credit', [credit('C1', 'hold')]);
      await mustImport(store, 'purchases', [purchase('O9', 'C1')]);
      expect((await r.refresh()).map((m) => [m.team, m.rows])).toEqual([['North', 9]]);
    } finally {
      await r.stop();
    }
  });
}, { snapshotDir });

it('pronto-hub snapshot build on a PGlite data dir writes DIR/snapshots', async () => {
  const data = mkdtempSync(join(tmpdir(), 'pronto-hub-cli-snap-'));
  dirs.push(data);
  const out: string[] = [];
  const err: string[] = [];
  const run = (args: string[]) => main([...args, '--data-dir', data], { out: (l) => out.push(l), err: (l) => err.push(l), env: {} });
  expect(await run(['team', 'set', '--name', 'North', '--regions', 'Nord-Ovest'])).toBe(0);
  expect(await run(['snapshot', 'build'])).toBe(0);
  expect(out.filter((l) => l.startsWith('snapshot '))).toEqual([
    expect.stringMatching(/^snapshot team North: 0 rows at checkpoint 0, \d+ bytes/),
    expect.stringMatching(/^snapshot whole hub: 0 rows/),
  ]);
  expect(readdirSync(join(data, 'snapshots')).filter((f) => f.endsWith('.json'))).toHaveLength(2);
  expect(await run(['snapshot', 'rebuild'])).toBe(2);
}, 120_000);
