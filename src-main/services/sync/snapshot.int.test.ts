// Initial sync from the hub's snapshot (real hub: Fastify + PGlite, real HTTP on 127.0.0.1, real
// SQLite files): the store it makes equals a stream sync's, row for row and search for search;
// it holds only the team's scope; changes after it arrive by the stream; a bad snapshot is
// refused with the table, row and column named and the stream used instead; a copy cut short
// resumes from its mark (or is cleared); kill -9 during it, repeated, then a clean run: identical store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { openStore, openConnection, type Store } from '../../db/store';
import { SyncClient } from './client';
import { holdsNothingSynced, snapshotUnfinished, syncFromSnapshot } from './snapshot';
import { NotesService } from './notes';
import { tempDesktop, tempDir } from '../../../test-support/desktop/fixtures';
import { buildHub } from '../../../src-hub/http/app';
import type { Store as HubStore } from '../../../src-hub/db/store';
import { testStore, seedPeople, mustImport, account } from '../../../test-support/hub/helpers';
import { importFeed } from '../../../src-hub/feeds/import';
import { setTeam, addUser, issueToken } from '../../../src-hub/admin';
import { trainOffers } from '../../../src-hub/offers/train';
import { buildSnapshots, findSnapshot } from '../../../src-hub/sync/snapshot';
import { generateFeeds } from '../../seed/generate';
import { SearchService } from '../search';
import { LookupService } from '../lookup';

let hub: HubStore;
let app: FastifyInstance;
let url: string;
let snapDir: string;
let tokens: Awaited<ReturnType<typeof seedPeople>>;
let eve: string;
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  snapDir = join(t.dir, 'snapshots');
  hub = await testStore('pglite');
  tokens = await seedPeople(hub);
  const feeds = await generateFeeds({ outDir: join(t.dir, 'feeds'), customers: 1500, purchases: 6000, seed: 5 });
  for (const kind of ['products', 'customers', 'purchases', 'accounts', 'credit'] as const) {
    const r = await importFeed(hub, kind, feeds.files[kind], { file: `${kind}.csv`, full: false });
    if (!r.ok) throw new Error(`${kind}: ${r.problems.slice(0, 3).join('\n')}`);
  }
  await setTeam(hub, 'North', ['Nord-Ovest']);
  await setTeam(hub, 'Everyone', ['Nord-Ovest', 'Nord-Est', 'Centro', 'Sud', 'Isole', 'DACH', 'France', 'Iberia', 'UK&I', 'Benelux', 'North America']);
  await addUser(hub, { name: 'eve', role: 'agent', team: 'Everyone', password: 'long enough password' });
  eve = await issueToken(hub, 'eve');
  await trainOffers(hub);
  app = await buildHub({ store: hub, snapshotDir: snapDir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  // Notes and a contact (change lines of their own kinds) pushed by a North agent.
  const d = desktop();
  const c = client(d.store, tokens.north, false);
  await c.syncOnce();
  const notes = new NotesService(d.store.sqlite, 'nina');
  const someone = d.store.sqlite.prepare('SELECT customer_id FROM customers LIMIT 1').pluck().get() as string;
  notes.save({ customerId: someone, text: 'Prefers <b>calls</b> after 3pm' });
  notes.createContact({ name: 'Walk-in Caller', phone: '06 5555 1234', country: 'IT' });
  expect((await c.syncOnce()).pushed).toBe(2);
  await buildSnapshots(hub, snapDir, {});
}, 240_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await app?.close();
  await hub?.close();
});

const desktop = (): { store: Store; dir: string } => tempDesktop(cleanups);

/** `chunkRows`: rows per committed range of a column-by-column copy (PRONTO_SNAPSHOT_CHUNK_ROWS). */
function client(store: Store, token: string, snapshot = true, log?: (m: string) => void, chunkRows?: number): SyncClient {
  const conn = openConnection(store);
  const c = new SyncClient(conn, { hubUrl: url, token, log, tuning: { syncSnapshot: snapshot, ...(chunkRows ? { snapshotChunkRows: chunkRows } : {}) } });
  cleanups.push(async () => {
    await c.stop();
    conn.close();
  });
  return c;
}

/** Everything the sync writes, in a canonical order (ids and search rows included). */
function dump(store: Store): string {
  const q = (sql: string) => store.sqlite.prepare(sql).raw().all();
  return JSON.stringify([
    q('SELECT customer_id, name, company, email, segment, region, country, created_at FROM customers ORDER BY customer_id'),
    q('SELECT customer_id, e164, label, raw, position FROM customer_phones ORDER BY customer_id, e164'),
    q('SELECT c.customer_id, s.name, s.company, s.email, s.customer_id, s.phones FROM customer_search s JOIN customers c ON c.id = s.rowid ORDER BY c.customer_id'),
    q('SELECT * FROM products ORDER BY sku'),
    q('SELECT * FROM purchases ORDER BY order_id, sku'),
    q('SELECT * FROM accounts ORDER BY customer_id'),
    q('SELECT * FROM credit_terms ORDER BY customer_id'),
    q('SELECT note_id, customer_id, text, hlc, author FROM customer_notes ORDER BY note_id'),
    q('SELECT code, category, label_en, label_it, position, active FROM dispositions ORDER BY code'),
    q("SELECT key, value FROM meta WHERE key IN ('sync_cursor', 'sync_scope', 'offer_model') ORDER BY key"),
  ]);
}

/**
 * Edits eve's snapshot file in place and re-announces its size and sha256 in the manifest (so
 * only the desktop's own checks can tell); `restore` puts file and manifest back.
 */
async function tamper(edit: (db: Database.Database) => void): Promise<{ manifestFile: string; manifest: string; restore(): void }> {
  const hash = ((await (await fetch(`${url}/v1/me`, { headers: { Authorization: `Bearer ${eve}` } })).json()) as { scope: string }).scope;
  const snap = findSnapshot(snapDir, hash)!;
  const original = readFileSync(snap.path);
  const manifestFile = join(snapDir, `${hash}.json`);
  const manifest = readFileSync(manifestFile, 'utf8');
  const db = new Database(snap.path);
  edit(db);
  db.close();
  const bytes = readFileSync(snap.path);
  writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(manifest), bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }));
  return {
    manifestFile, manifest,
    restore() {
      writeFileSync(snap.path, original);
      writeFileSync(manifestFile, manifest);
    },
  };
}

describe('initial sync from the hub snapshot', () => {
  it('makes the same store as the change stream, faster path logged; search and lookup work on it', async () => {
    const logs: string[] = [];
    const a = desktop();
    const ra = await client(a.store, eve, true, (m) => logs.push(m)).syncOnce();
    expect(logs.join('\n')).toMatch(/sync: snapshot of \d+ rows/);
    // the store's own tables, each in one statement (SQLite's transfer of records and index entries)
    expect(logs.join('\n')).toMatch(/customers \(one statement\).*customer_phones \(one statement\).*purchases \(one statement\)/);
    const b = desktop();
    const rb = await client(b.store, eve, false).syncOnce();
    expect(ra.pulled).toBe(rb.pulled);
    expect(a.store.sqlite.prepare('SELECT count(*) FROM customers').pluck().get()).toBeGreaterThan(1400);
    expect(dump(a.store)).toBe(dump(b.store));
    expect(a.store.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    // the search index (FTS) answers the same
    const someone = a.store.sqlite.prepare("SELECT name FROM customers WHERE segment != 'contact' ORDER BY customer_id LIMIT 1 OFFSET 7").pluck().get() as string;
    const find = (s: Store) => new SearchService(s.sqlite, 'IT').search(someone.split(' ')[0]!).map((r) => r.customerId);
    expect(find(a.store).length).toBeGreaterThan(0);
    expect(find(a.store)).toEqual(find(b.store));
  });

  it('holds only the team scope (North: one region), and the hub serves it to that team only', async () => {
    const a = desktop();
    const logs: string[] = [];
    await client(a.store, tokens.north, true, (m) => logs.push(m)).syncOnce();
    expect(logs.join('\n')).toMatch(/sync: snapshot of/);
    expect(a.store.sqlite.prepare("SELECT DISTINCT region FROM customers WHERE segment != 'contact'").pluck().all()).toEqual(['Nord-Ovest']);
    // no token → 401; a user without a team has no snapshot → 404, and syncs from the stream
    expect((await fetch(`${url}/v1/sync/snapshot`)).status).toBe(401);
    const loner = await fetch(`${url}/v1/sync/snapshot`, { headers: { Authorization: `Bearer ${tokens.loner}` } });
    expect(loner.status).toBe(404);
    expect(((await loner.json()) as { error: string }).error).toBe('no_snapshot');
  });

  it('changes committed after the snapshot arrive by the stream', async () => {
    const customerId = (await hub.query<{ customer_id: string }>("SELECT customer_id FROM accounts ORDER BY customer_id LIMIT 1"))[0]!.customer_id;
    await mustImport(hub, 'accounts', [account(customerId, '4321.00')]);
    const a = desktop();
    await client(a.store, eve).syncOnce();
    expect(a.store.sqlite.prepare('SELECT balance_minor FROM accounts WHERE customer_id = ?').pluck().get(customerId)).toBe(432100);
    const b = desktop();
    await client(b.store, eve, false).syncOnce();
    expect(dump(a.store)).toBe(dump(b.store));
  });

  it('a snapshot with a bad value is refused, naming table, row and column; the stream does the sync instead', async () => {
    const { manifestFile, manifest, restore } = await tamper((db) => db.prepare("UPDATE purchases SET quantity = 'lots' WHERE rowid = 3").run());
    try {
      const logs: string[] = [];
      const a = desktop();
      await client(a.store, eve, true, (m) => logs.push(m)).syncOnce();
      expect(logs.join('\n')).toMatch(/snapshot purchases order_id '[^']+': quantity: must be an integer/);
      expect(logs.join('\n')).toContain('pulling the change stream instead');
      const b = desktop();
      await client(b.store, eve, false).syncOnce();
      expect(dump(a.store)).toBe(dump(b.store));
      // a file cut or changed in transit: the hash differs
      writeFileSync(manifestFile, manifest);
      const c = desktop();
      const clog: string[] = [];
      await client(c.store, eve, true, (m) => clog.push(m)).syncOnce();
      expect(clog.join('\n')).toMatch(/sha256 [0-9a-f]{64} differs from the hub's/);
      expect(dump(c.store)).toBe(dump(b.store));
    } finally {
      restore();
    }
  });

  it('a snapshot whose tables are not the store\'s own (an older or newer app) is copied column by column, in ranges', async () => {
    const { restore } = await tamper((db) => {
      for (const t of ['customers', 'customer_phones', 'purchases', 'accounts']) db.exec(`ALTER TABLE ${t} ADD COLUMN extra TEXT`);
    });
    try {
      const logs: string[] = [];
      const a = desktop();
      await client(a.store, eve, true, (m) => logs.push(m), 600).syncOnce();
      const written = logs.find((l) => l.includes('written in')) ?? '';
      expect(written).toMatch(/customers \d/);
      expect(written).toMatch(/credit_terms \(one statement\)/);
      expect(written).not.toMatch(/purchases \(one statement\)/);
      const b = desktop();
      await client(b.store, eve, false).syncOnce();
      expect(dump(a.store)).toBe(dump(b.store));
    } finally {
      restore();
    }
  });

  /** Copies every table of the snapshot, then fails in the last transaction (lines + cursor). */
  async function cutShort(store: Store, chunkRows?: number): Promise<void> {
    const conn = openConnection(store);
    try {
      await expect(syncFromSnapshot(conn, {
        base: url, token: eve, chunkRows,
        apply: () => { throw new Error('power cut'); },
        commitCursor: () => { throw new Error('not reached'); },
      })).rejects.toThrow('power cut');
    } finally {
      conn.close();
    }
    expect(snapshotUnfinished(store.sqlite)).toBe(true);
    expect(store.sqlite.prepare("SELECT count(*) FROM meta WHERE key = 'sync_cursor'").pluck().get()).toBe(0);
  }

  it('a copy cut short before its last transaction keeps cursor 0 and a mark; the next sync resumes from the mark', async () => {
    const CHUNK = 700; // several chunks per table
    const reference = desktop();
    await client(reference.store, eve, false).syncOnce();
    const a = desktop();
    await cutShort(a.store, CHUNK);
    expect(holdsNothingSynced(a.store.sqlite)).toBe(false); // the tables' chunks were committed
    // meanwhile a pop answers from what is there, and says the purchase history is still coming
    const buyer = a.store.sqlite.prepare('SELECT customer_id FROM purchases LIMIT 1').pluck().get() as string;
    const during = new LookupService(a.store.sqlite, 'IT').pop(buyer);
    expect(during).toMatchObject({ historyPending: true, purchases: [] });
    expect(during?.customer.customerId).toBe(buyer);
    expect(existsSync(join(a.dir, 'sync-snapshot.download'))).toBe(false);
    const logs: string[] = [];
    await client(a.store, eve, true, (m) => logs.push(m), CHUNK).syncOnce();
    expect(logs.join('\n')).toMatch(/sync: snapshot of/);
    expect(logs.join('\n')).not.toMatch(/older snapshot/);
    expect(snapshotUnfinished(a.store.sqlite)).toBe(false);
    expect(dump(a.store)).toBe(dump(reference.store));
    const after = new LookupService(a.store.sqlite, 'IT').pop(buyer);
    expect(after?.historyPending).toBeUndefined();
    expect(after?.purchases.length).toBeGreaterThan(0);
  });

  it('a stop (app closing) ends the copy at its next boundary; the next start resumes it', async () => {
    const reference = desktop();
    await client(reference.store, eve, false).syncOnce();
    const a = desktop();
    const conn = openConnection(a.store);
    let boundaries = 0;
    try {
      await expect(syncFromSnapshot(conn, {
        base: url, token: eve, apply: () => {}, commitCursor: () => {},
        stopping: () => ++boundaries >= 2, // after the products and the customers
      })).rejects.toThrow(/sync stopped during the snapshot copy/);
    } finally {
      conn.close();
    }
    expect(snapshotUnfinished(a.store.sqlite)).toBe(true);
    expect(a.store.sqlite.prepare('SELECT count(*) FROM customer_search').pluck().get()).toBe(0);
    expect(a.store.sqlite.prepare('SELECT count(*) FROM customers').pluck().get()).toBeGreaterThan(0);
    await client(a.store, eve).syncOnce();
    expect(snapshotUnfinished(a.store.sqlite)).toBe(false);
    expect(dump(a.store)).toBe(dump(reference.store));
  });

  it('an unfinished copy of another snapshot is cleared first; with no snapshot any more, the stream starts from an empty store', async () => {
    const reference = desktop();
    await client(reference.store, eve, false).syncOnce();
    // the hub rebuilt its snapshot since (another file): the partial copy is dropped, the new one copied
    const a = desktop();
    await cutShort(a.store);
    a.store.sqlite.prepare("UPDATE meta SET value = json_set(value, '$.sha256', ?) WHERE key = 'snapshot_apply'").run('0'.repeat(64));
    const logs: string[] = [];
    await client(a.store, eve, true, (m) => logs.push(m)).syncOnce();
    expect(logs.join('\n')).toMatch(/older snapshot was left unfinished; clearing it first/);
    expect(dump(a.store)).toBe(dump(reference.store));
    // the hub has no snapshot any more (404): the partial copy is dropped, the stream does it all
    const b = desktop();
    await cutShort(b.store);
    const hash = ((await (await fetch(`${url}/v1/me`, { headers: { Authorization: `Bearer ${eve}` } })).json()) as { scope: string }).scope;
    const manifest = join(snapDir, `${hash}.json`);
    renameSync(manifest, `${manifest}.away`);
    try {
      await client(b.store, eve).syncOnce();
    } finally {
      renameSync(`${manifest}.away`, manifest);
    }
    expect(snapshotUnfinished(b.store.sqlite)).toBe(false);
    expect(dump(b.store)).toBe(dump(reference.store));
  });

  it('killed -9 at random points of a snapshot sync (checks, chunks, last transaction, stream), then resumed: identical to a clean sync', async () => {
    /** Runs `pronto sync --once`; with `killAfterMs`, kills it that long after it starts applying the snapshot. */
    const run = (dir: string, killAfterMs: number | null): Promise<'done' | 'killed'> => {
      // small chunks: the copy commits ≈ 25 of them, so kills land between and inside chunks
      const env = { ...process.env, PRONTO_SNAPSHOT_CHUNK_ROWS: '500' };
      const child = spawn(process.execPath, ['bin/pronto.mjs', 'sync', '--data-dir', dir, '--hub', url, '--token', eve, '--once'], { stdio: ['ignore', 'ignore', 'pipe'], env });
      let err = '';
      let timer: NodeJS.Timeout | null = null;
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (killAfterMs !== null && !timer && err.includes('checking and applying it')) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      });
      const t0 = performance.now();
      return new Promise((resolve, reject) => {
        child.on('exit', (code, signal) => {
          if (timer) clearTimeout(timer);
          if (process.env.PRONTO_TEST_VERBOSE) console.error(`exit ${signal ?? code} after ${Math.round(performance.now() - t0)} ms (kill ${killAfterMs}):\n${err}`);
          if (signal === 'SIGKILL') resolve('killed');
          else if (code === 0) resolve('done');
          else reject(new Error(`sync exited ${code}: ${err.slice(-500)}`));
        });
      });
    };
    const clean = desktop();
    clean.store.close();
    expect(await run(clean.dir, null)).toBe('done');
    const reference = openStore(clean.dir);
    cleanups.push(() => reference.close());
    const expected = dump(reference);
    let kills = 0;
    // Until 3 runs were killed (at most 10): 0–100 ms after the download, inside the checks, the
    // chunks, the last transaction, or just after it, in the stream that follows.
    for (let i = 0; i < 10 && kills < 3; i++) {
      const crashed = desktop();
      crashed.store.close();
      if ((await run(crashed.dir, Math.floor(Math.random() * 100))) === 'killed') kills++;
      expect(await run(crashed.dir, null)).toBe('done');
      const after = openStore(crashed.dir);
      expect(after.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(dump(after)).toBe(expected);
      expect(existsSync(join(crashed.dir, 'sync-snapshot.download'))).toBe(false);
      after.close();
    }
    expect(kills).toBe(3);
  }, 180_000);
});
