// status: the store's counts are kept until the store changes (a count over millions of rows
// blocks the host), and are right again after every kind of change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, openConnection, type Store } from '../db/store';
import { Importer } from '../services/import/importer';
import { DesktopApi } from './desktop-api';
import { startCheckpointer } from '../db/checkpointer';
import { writeFixtures, tempDir } from '../../test-support/desktop/fixtures';

let store: Store;
let app: DesktopApi;
const cleanups: (() => void)[] = [];

beforeAll(() => {
  const t = tempDir();
  store = openStore(t.dir);
  app = new DesktopApi({ store, region: 'IT', host: 'web' });
  cleanups.push(t.cleanup);
});
afterAll(() => {
  store.close();
  cleanups.forEach((c) => c());
});

describe('status counts', () => {
  it('follow an import by another connection, a new contact and a sync (storeChanged)', async () => {
    expect(await app.call('status', {})).toMatchObject({ customers: 0, purchases: 0 });
    const fx = writeFixtures();
    cleanups.push(fx.cleanup);
    const conn = openConnection(store); // as `pronto import` in another process
    await new Importer(conn).importFiles(Object.values(fx.files));
    conn.close();
    const imported = await app.call('status', {});
    expect(imported.customers).toBeGreaterThan(0);
    expect(imported.purchases).toBeGreaterThan(0);

    await app.call('contactCreate', { name: 'Walk-in Caller', phone: '06 5555 1234', country: 'IT' });
    expect((await app.call('status', {})).customers).toBe(imported.customers + 1);

    // sync applies through the host's own connection, then says so
    store.sqlite.prepare('DELETE FROM purchases WHERE rowid IN (SELECT rowid FROM purchases LIMIT 1)').run();
    app.emit('storeChanged', { reason: 'sync: 1 changes' });
    expect((await app.call('status', {})).purchases).toBe(imported.purchases - 1);
  });
});

describe('status counts off the host thread', () => {
  it('are read by the checkpoint worker where one runs, and here once it has stopped', async () => {
    const t = tempDir();
    const own = openStore(t.dir);
    const fx = writeFixtures();
    const checkpointer = startCheckpointer(own);
    cleanups.push(fx.cleanup, t.cleanup);
    try {
      for (let i = 0; i < 200 && !checkpointer.active; i++) await new Promise((r) => setTimeout(r, 10));
      expect(checkpointer.active).toBe(true);
      let asked = 0;
      const offThread = new DesktopApi({ store: own, region: 'IT', host: 'web', storeCounter: { count: () => (asked++, checkpointer.count()) } });
      const conn = openConnection(own);
      await new Importer(conn).importFiles(Object.values(fx.files));
      conn.close();
      const inline = new DesktopApi({ store: own, region: 'IT', host: 'web' });
      const expected = await inline.call('status', {});
      expect(expected.customers).toBeGreaterThan(0);

      // two callers at once share one count
      const [a, b] = await Promise.all([offThread.call('status', {}), offThread.call('status', {})]);
      expect([a.customers, a.purchases]).toEqual([expected.customers, expected.purchases]);
      expect([b.customers, b.purchases]).toEqual([expected.customers, expected.purchases]);
      expect(asked).toBe(1);
      await offThread.call('status', {}); // unchanged store: kept
      expect(asked).toBe(1);

      await offThread.call('contactCreate', { name: 'Walk-in Caller', phone: '06 5555 1234', country: 'IT' });
      expect((await offThread.call('status', {})).customers).toBe(expected.customers + 1);
      expect(asked).toBe(2);

      await checkpointer.stop();
      offThread.emit('storeChanged', { reason: 'sync: 1 changes' });
      expect((await offThread.call('status', {})).customers).toBe(expected.customers + 1); // counted here
    } finally {
      await checkpointer.stop();
      own.close();
    }
  });
});
