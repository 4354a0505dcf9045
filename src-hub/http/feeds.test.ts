// Feeds over HTTP (CSV and NDJSON bodies, 422 with every problem) and the supervisor report (PGlite).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../db/store';
import { highWater } from '../changes';
import { buildHub } from './app';
import { PRODUCTS, csv, customer, resetStore, seedPeople, testStore } from '../../test-support/hub/helpers';

let store: Store;
let app: FastifyInstance;
let t: Awaited<ReturnType<typeof seedPeople>>;

beforeAll(async () => {
  store = await testStore('pglite');
  app = await buildHub({ store, maxFeedProblems: 2 });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await store?.close();
});
beforeEach(async () => {
  await resetStore(store);
  t = await seedPeople(store);
});

const post = (source: string, body: string, type: string, query = '') =>
  app.inject({ method: 'POST', url: `/v1/feeds/${source}${query}`, headers: { authorization: `Bearer ${t.admin}`, 'content-type': type }, payload: body });

describe('POST /v1/feeds/:source', () => {
  it('imports a CSV body', async () => {
    const r = await post('products', csv('products', PRODUCTS), 'text/csv; charset=utf-8');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ source: 'products', rows: 2, changed: 2, deleted: 0, moved: 0, seq: 2 });
  });

  it('imports an NDJSON body keyed by the CSV column names', async () => {
    await post('products', csv('products', PRODUCTS), 'text/csv');
    const body = [customer('C1', 'Nord-Ovest'), customer('C2', 'DACH')].map((c) => JSON.stringify(c)).join('\n');
    const r = await post('customers', body, 'application/x-ndjson');
    expect(r.json()).toMatchObject({ rows: 2, changed: 2 });
  });

  it('422 with every problem as FILE:LINE: column: reason (capped, with the total); nothing applied', async () => {
    const rows = [customer('C1', 'Nord-Ovest'), customer('C2', 'DACH', { email: 'x' }), customer('C3', 'DACH', { country: 'ZZ' }), customer('C4', 'DACH', { name: '' })];
    const r = await post('customers', csv('customers', rows), 'text/csv', '?file=/etc/crm/export-customers.csv');
    expect(r.statusCode).toBe(422);
    expect(r.json()).toEqual({
      errors: ['export-customers.csv:3: email: "x" is not an e-mail address', 'export-customers.csv:4: country: "ZZ" is not an ISO 3166 alpha-2 country'],
      total: 3,
    });
    expect(await highWater(store)).toBe(0);
    const nd = await post('customers', `${JSON.stringify(customer('C1', 'Nord-Ovest'))}\nnot json\n`, 'application/x-ndjson');
    expect(nd.json().errors[0]).toMatch(/^customers\.ndjson:2: \*: is not valid JSON/);
  });

  it('?mode=full deletes what the file no longer has', async () => {
    await post('products', csv('products', PRODUCTS), 'text/csv');
    const r = await post('products', csv('products', [PRODUCTS[0]!]), 'text/csv', '?mode=full');
    expect(r.json()).toMatchObject({ deleted: 1 });
  });

  it('unknown source → 404, other media types → 415', async () => {
    expect((await post('bananas', 'a,b\n', 'text/csv')).statusCode).toBe(404);
    expect((await post('products', '{}', 'application/json')).statusCode).toBe(415);
  });
});

describe('GET /v1/reports/sync', () => {
  it("a supervisor sees their team's agents; an admin everyone", async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/reports/sync', headers: { authorization: `Bearer ${t.supervisor}` } });
    expect(r.statusCode).toBe(200);
    expect(r.json().users.map((u: { name: string }) => u.name)).toEqual(['nina', 'sam']);
    const a = await app.inject({ method: 'GET', url: '/v1/reports/sync', headers: { authorization: `Bearer ${t.admin}` } });
    expect(a.json().users).toHaveLength(5);
  });
});
