import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './store';
import { startCheckpointer } from './checkpointer';
import { WalIndex } from './wal-index';
import { tempDir } from '../../test-support/desktop/fixtures';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function fresh(): Store {
  const t = tempDir();
  const store = openStore(t.dir);
  cleanups.push(t.cleanup, () => store.close());
  store.sqlite.exec('CREATE TABLE t (n INTEGER, pad TEXT)');
  return store;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const autoPages = (s: Store): number => Number(s.sqlite.pragma('wal_autocheckpoint', { simple: true }));
const walBytes = (s: Store): number => statSync(`${s.file}-wal`).size;
const insert = (s: Store, n: number): void => {
  s.sqlite.prepare('INSERT INTO t VALUES (?, ?)').run(n, 'x'.repeat(4000)); // a page or two per row
};

/** ~8 MB of small host transactions (call records, case saves) in bursts, the event loop turning between them. */
async function hostWrites(s: Store): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    insert(s, i);
    if (i % 10 === 9) await sleep(8);
  }
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !cond(); await sleep(10)) if (Date.now() > end) throw new Error('timed out');
}

describe('wal-index', () => {
  it('counts the frames a checkpoint would copy, and none after it', () => {
    const store = fresh();
    store.sqlite.pragma('wal_autocheckpoint = 0');
    store.sqlite.pragma('wal_checkpoint(PASSIVE)');
    const wal = new WalIndex(store.file);
    cleanups.push(() => wal.close());
    expect(wal.pendingFrames()).toBe(0);
    for (let i = 0; i < 50; i++) insert(store, i);
    const pending = wal.pendingFrames();
    expect(pending).toBeGreaterThanOrEqual(50);
    const [r] = store.sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    expect(r!.checkpointed).toBe(pending);
    expect(wal.pendingFrames()).toBe(0);
    insert(store, 50); // the WAL starts over from its first frame
    expect(wal.pendingFrames()).toBeGreaterThan(0);
    expect(wal.pendingFrames()).toBeLessThan(10);
  });
});

describe('checkpoint worker', () => {
  it('takes the checkpoints off the host connection and keeps the WAL small', async () => {
    const store = fresh();
    const cp = startCheckpointer(store, { pollMs: 5, frames: 50 });
    cleanups.push(() => cp.stop());
    await until(() => cp.active);
    expect(autoPages(store)).toBe(10_000); // the host's commits run no checkpoint (nor its fsync) unless the worker falls far behind
    await hostWrites(store);
    expect(cp.frames).toBeGreaterThan(0); // the worker did the copying
    // the WAL is reused after each of the worker's checkpoints instead of growing to ~8 MB
    expect(walBytes(store)).toBeLessThan(3 << 20);
    expect(store.sqlite.prepare('SELECT count(*) FROM t').pluck().get()).toBe(2000);
  });

  it('without the worker the same writes would grow the WAL (the check above means something)', async () => {
    const store = fresh();
    store.sqlite.pragma('wal_autocheckpoint = 10000');
    await hostWrites(store);
    expect(walBytes(store)).toBeGreaterThan(7 << 20);
  });

  it('checkpoints when enough frames wait, not on every poll', async () => {
    const store = fresh();
    const cp = startCheckpointer(store, { pollMs: 5, frames: 200, maxAgeMs: 60_000 });
    cleanups.push(() => cp.stop());
    await until(() => cp.active);
    for (let i = 0; i < 20; i++) insert(store, i);
    await sleep(100); // twenty polls
    expect(cp.frames).toBe(0); // a few call records wait for company: no fsync for them yet
    for (let i = 20; i < 400; i++) insert(store, i);
    await until(() => cp.frames >= 200);
  });

  it('gives the checkpoints back to SQLite when the worker stops', async () => {
    const store = fresh();
    const cp = startCheckpointer(store, { pollMs: 20 });
    await until(() => cp.active);
    insert(store, 1);
    await cp.stop();
    expect(cp.active).toBe(false);
    expect(autoPages(store)).toBe(1000);
    // the stop's last checkpoint copied the host's last write into the store file
    const [r] = store.sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    expect(r!.checkpointed).toBe(r!.log);
  });

  it('stays off when PRONTO_CHECKPOINT_THREAD=0: SQLite checkpoints as usual', () => {
    const store = fresh();
    process.env.PRONTO_CHECKPOINT_THREAD = '0';
    try {
      const cp = startCheckpointer(store);
      expect(cp.active).toBe(false);
      expect(autoPages(store)).toBe(1000);
    } finally {
      delete process.env.PRONTO_CHECKPOINT_THREAD;
    }
  });
});

describe('store counts on the checkpoint worker', () => {
  it('answers a count asked while the worker is still starting', async () => {
    const store = fresh();
    const cp = startCheckpointer(store);
    cleanups.push(() => cp.stop());
    expect(cp.active).toBe(false);
    const asked = cp.count();
    expect(asked).not.toBeNull();
    expect(await asked).toEqual([0, 0]);
    await cp.stop();
    expect(cp.count()).toBeNull();
  });
});
