// Live pokes over a real WebSocket after imports and pushes (PGlite and PostgreSQL).
import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { encodeHlc } from '../../src-shared/sync/hlc';
import { highWater } from '../changes';
import { customer, describeStores, mustImport, resetStore, seedData, seedPeople } from '../../test-support/hub/helpers';
import { connectLive } from '../../test-support/hub/live-client';

describeStores('live pokes', (ctx) => {
  let base: string;
  let t: Awaited<ReturnType<typeof seedPeople>>;
  beforeAll(async () => {
    base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = base.endsWith('/') ? base : base + '/';
  });
  beforeEach(async () => {
    await resetStore(ctx.store);
    t = await seedPeople(ctx.store);
    await seedData(ctx.store);
  });

  it('pokes on connect, then after an import that concerns the agent; not for other regions', async () => {
    const north = await connectLive(base, t.north);
    const south = await connectLive(base, t.south, 'query');
    const hw = await highWater(ctx.store);
    expect(await north.next(hw)).toBe(hw); // the hello poke
    expect(await south.next(hw)).toBe(hw);
    await new Promise((r) => setTimeout(r, 300)); // let notices of the set-up (scope-wide) pass
    const southBefore = south.pokes.length;
    await mustImport(ctx.store, 'customers', [customer('C2', 'Nord-Ovest', { name: 'Changed' })]);
    const hw2 = await highWater(ctx.store);
    expect(await north.next(hw2)).toBe(hw2);
    // products concern everyone
    await mustImport(ctx.store, 'products', [{ sku: 'P9', name: 'New', category: '', family: '', tier: 1, price: '1', currency: 'EUR', margin: '0' }]);
    const hw3 = await highWater(ctx.store);
    expect(await south.next(hw3)).toBe(hw3);
    expect(south.pokes.slice(southBefore)).toEqual([hw3]);
    await north.close();
    await south.close();
  });

  it('pokes after a push whose changes are visible to the agent', async () => {
    const sam = await connectLive(base, t.supervisor);
    const hw = await highWater(ctx.store);
    await sam.next(hw);
    const res = await fetch(`${base}v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.north}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'desk', mutations: [{ id: randomUUID(), seq: 1, kind: 'customerNote.upsert', payload: { noteId: randomUUID(), customerId: 'C1', text: 'hi', hlc: encodeHlc({ wall: Date.now(), counter: 0, node: 'desk' }) } }] }),
    });
    expect(res.status).toBe(200);
    expect(await sam.next(hw + 1)).toBe(await highWater(ctx.store));
    await sam.close();
  });

  it('refuses the upgrade without a valid token', async () => {
    await expect(connectLive(base, 'pht_wrong')).rejects.toThrow(/401/);
  });
});
