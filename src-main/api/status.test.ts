// status: the store's counts are kept until the store changes (a count over millions of rows
// blocks the host), and are right again after every kind of change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, openConnection, type Store } from '../db/store';
import { Importer } from '../services/import/importer';
import { App } from './handlers';
import { writeFixtures, tempDir } from '../test-support/fixtures';

let store: Store;
let app: App;
const cleanups: (() => void)[] = [];

beforeAll(() => {
  const t = tempDir();
  store = openStore(t.dir);
  app = new App({ store, region: 'IT', host: 'web' });
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
