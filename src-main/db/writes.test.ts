import { afterEach, describe, expect, it } from 'vitest';
import { openStore, openConnection, type Store } from './store';
import { WriteQueue, StoreBusyError } from './writes';
import { tempDir } from '../../test-support/desktop/fixtures';
import { Importer } from '../services/import/importer';
import { DesktopApi } from '../api/desktop-api';
import { writeFixtures } from '../../test-support/desktop/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function fresh(): { store: Store; other: ReturnType<typeof openConnection> } {
  const t = tempDir();
  const store = openStore(t.dir);
  const other = openConnection(store);
  cleanups.push(t.cleanup, () => store.close(), () => other.close());
  store.sqlite.exec('CREATE TABLE t (n INTEGER)');
  return { store, other };
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('write queue', () => {
  it('waits for another connection’s write lock without blocking the thread, then writes in queue order', async () => {
    const { store, other } = fresh();
    const q = new WriteQueue(store.sqlite);
    other.exec('BEGIN IMMEDIATE'); // e.g. the sync thread writing a page
    const done: number[] = [];
    const writes = [1, 2, 3].map((n) => q.run(() => store.sqlite.prepare('INSERT INTO t VALUES (?)').run(n)).then(() => done.push(n)));
    for (let i = 0; i < 20; i++) await turn(); // the event loop keeps turning meanwhile…
    expect(done).toEqual([]); // …while the writes wait
    // reads on the same connection go on
    expect(store.sqlite.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
    other.exec('COMMIT');
    await Promise.all(writes);
    expect(done).toEqual([1, 2, 3]);
    expect(store.sqlite.prepare('SELECT n FROM t ORDER BY rowid').pluck().all()).toEqual([1, 2, 3]);
    expect(store.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000); // restored
  });

  it('a failing write rolls back alone; the next one still runs', async () => {
    const { store } = fresh();
    const q = new WriteQueue(store.sqlite);
    const bad = q.run(() => {
      store.sqlite.prepare('INSERT INTO t VALUES (1)').run();
      throw new Error('nope');
    });
    const good = q.run(() => store.sqlite.prepare('INSERT INTO t VALUES (2)').run());
    await expect(bad).rejects.toThrow('nope');
    await good;
    expect(store.sqlite.inTransaction).toBe(false);
    expect(store.sqlite.prepare('SELECT n FROM t').pluck().all()).toEqual([2]);
  });

  it('gives up with a clear error when the lock is never released', async () => {
    const { store, other } = fresh();
    const q = new WriteQueue(store.sqlite, { maxWaitMs: 50 });
    other.exec('BEGIN IMMEDIATE');
    await expect(q.run(() => store.sqlite.prepare('INSERT INTO t VALUES (1)').run())).rejects.toThrow(StoreBusyError);
    other.exec('ROLLBACK');
    await q.run(() => store.sqlite.prepare('INSERT INTO t VALUES (1)').run());
    expect(store.sqlite.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
  });
});

describe('the host while another connection writes (a sync page, an import)', () => {
  it('incomingCall answers at once and records the call when the lock is free; a case waits in the queue', async () => {
    const fx = writeFixtures();
    const t = tempDir();
    cleanups.push(fx.cleanup, t.cleanup);
    const store = openStore(t.dir);
    const other = openConnection(store);
    cleanups.push(() => store.close(), () => other.close());
    await new Importer(other).importFiles(Object.values(fx.files));
    const app = new DesktopApi({ store, region: 'IT', host: 'web' });

    other.exec('BEGIN IMMEDIATE');
    const r = await app.call('incomingCall', { callId: 'busy-1', identity: '0287654321', display: '', line: '600', forwardedBy: null, withheld: false });
    expect(r.match).toBe('multiple'); // the pop has its answer…
    expect(app.calls.recent(10).map((c) => c.callId)).not.toContain('busy-1'); // …the record waits for the lock
    let started = false;
    const draft = app.call('caseStart', { callId: 'busy-1', customerId: 'C1', line: '600' }).then((c) => ((started = true), c));
    for (let i = 0; i < 10; i++) await turn();
    expect(started).toBe(false);
    other.exec('COMMIT');
    const c = await draft;
    expect(c).toMatchObject({ callId: 'busy-1', customerId: 'C1', status: 'draft' });
    expect(app.calls.recent(10).find((x) => x.callId === 'busy-1')).toMatchObject({ line: '600' });
  });
});
