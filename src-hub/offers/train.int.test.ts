// train-offers at the hub: the same model as the desktop's local training on the same feeds
// (shared OfferTrainer), keyset pages across customer boundaries, outcomes from cases,
// versions, and publication to every agent (PGlite and PostgreSQL).
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { importFeed } from '../feeds/import';
import { trainOffers, storedHubModel } from './train';
import { describeStores, pull, resetStore, seedPeople } from '../../test-support/hub/helpers';
import { generateFeeds } from '../../src-main/seed/generate';
import { openStore as openDesktop, openConnection } from '../../src-main/db/store';
import { Importer } from '../../src-main/services/import/importer';
import { trainFromStore } from '../../src-main/services/offers/train-local';
import { tempDir } from '../../test-support/desktop/fixtures';
import type { OfferModel } from '../../src-shared/offers/model';

const NOW = new Date('2026-11-22T12:00:00.000Z');
let files: Awaited<ReturnType<typeof generateFeeds>>['files'];
let local: OfferModel;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  ({ files } = await generateFeeds({ outDir: join(t.dir, 'feeds'), customers: 400, purchases: 2400, seed: 5, anchor: '2026-11-01' }));
  const desk = openDesktop(join(t.dir, 'desk'));
  const conn = openConnection(desk);
  const problems: string[] = [];
  await new Importer(conn).importFiles([files.products, files.customers, files.purchases], { onProblem: (_f, p) => problems.push(p.reason) });
  expect(problems).toEqual([]);
  local = trainFromStore(conn, { now: () => NOW.getTime() });
  conn.close();
  desk.close();
}, 120_000);
afterAll(() => {
  for (const c of cleanups) c();
});

describeStores('train-offers', (ctx) => {
  beforeEach(async () => {
    await resetStore(ctx.store);
    await ctx.store.query('DELETE FROM hub_meta WHERE key = $1', ['offer_model']);
    for (const kind of ['products', 'customers', 'purchases'] as const) {
      const r = await importFeed(ctx.store, kind, files[kind], { file: `${kind}.csv`, full: false });
      if (!r.ok) throw new Error(r.problems.slice(0, 3).join('\n'));
    }
  }, 60_000);

  it('trains the same related products as the desktop does locally, in pages of whole customers', async () => {
    expect(local.customers).toBeGreaterThan(300);
    const r = await trainOffers(ctx.store, { pageSize: 97, now: () => NOW });
    expect(r.model.source).toBe('hub');
    expect(r.model.version).toBe(1);
    expect(r.model.trainedAt).toBe(NOW.toISOString());
    expect(r.model.customers).toBe(local.customers);
    expect(r.model.purchases).toBe(local.purchases);
    expect(r.model.products).toEqual(local.products);
    expect(r.pairs).toBeGreaterThan(0);
    expect(r.pairs).toBe(Object.values(local.products).reduce((n, p) => n + p.related.length, 0));
    expect((await storedHubModel(ctx.store))?.version).toBe(1);
  });

  it('is published to every agent as offerModel "current"; each run is a new version; outcomes give acceptance rates', async () => {
    const t = await seedPeople(ctx.store);
    const v1 = await trainOffers(ctx.store, { now: () => NOW });
    const first = await pull(ctx.app, t.south);
    const line = first.changes.find((c) => c.entity === 'offerModel');
    expect(line).toMatchObject({ op: 'upsert', key: 'current', data: { version: 1, source: 'hub' } });
    // an accepted offer on a case feeds the next run
    const [cid] = (await ctx.store.rows(`SELECT customer_id FROM customers WHERE region = 'DACH' LIMIT 1`))[0] as [string];
    const sku = Object.keys(v1.model.products)[0]!;
    const caseId = '3b0c8a57-6a0e-4f38-8d55-0c1c7e1c9a11';
    const push = await ctx.app.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${t.south}` }, payload: {
      clientId: 'desk-t', mutations: [{ id: caseId, seq: 1, kind: 'case.submit', payload: {
        caseId, customerId: cid, callId: null, callLine: '', callDurationS: null, disposition: 'ORDER', category: 'sales', notes: '',
        followUpDate: null, followUpTask: '', createdAt: NOW.toISOString(), submittedAt: NOW.toISOString(),
        offers: [{ sku, kind: 'cross_sell', outcome: 'accepted', decidedAt: NOW.toISOString() }] } }] } });
    expect(push.json()).toMatchObject({ applied: [caseId] });
    const v2 = await trainOffers(ctx.store, { now: () => NOW });
    expect(v2.model.version).toBe(2);
    expect(v2.outcomes).toBe(1);
    expect(v2.model.acceptance.offers).toEqual([expect.objectContaining({ sku, kind: 'cross_sell', accepted: 1 })]);
    const next = await pull(ctx.app, t.south, { after: first.checkpoint.checkpoint, scope: first.checkpoint.scope });
    expect(next.changes.filter((c) => c.entity === 'offerModel').map((c) => (c.op === 'upsert' ? (c.data as { version: number }).version : -1))).toEqual([2]);
  });
});
