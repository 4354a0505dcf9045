// PUT /v1/dispositions: validated, replaces the active set (dropped codes are retired, not
// deleted), published to every agent as entity `disposition` (PGlite).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../db/store';
import { buildHub } from './app';
import { pull, seedPeople, testStore } from '../../test-support/hub/helpers';

let store: Store;
let app: FastifyInstance;
let t: Awaited<ReturnType<typeof seedPeople>>;

beforeAll(async () => {
  store = await testStore('pglite');
  t = await seedPeople(store);
  app = await buildHub({ store });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await store?.close();
});

const put = (token: string, payload: unknown) =>
  app.inject({ method: 'PUT', url: '/v1/dispositions', headers: { authorization: `Bearer ${token}` }, payload: payload as object });

it('the defaults are there before any set, and are not in the change log (desktops ship the same)', async () => {
  const r = await app.inject({ method: 'GET', url: '/v1/dispositions', headers: { authorization: `Bearer ${t.north}` } });
  expect(r.json().dispositions).toHaveLength(9);
  expect((await pull(app, t.north)).changes).toEqual([]);
});

it('rejects an invalid list with the field paths, and non-admins', async () => {
  const bad = await put(t.admin, [{ code: 'ok', category: '', labelEn: 'x', labelIt: 'x' }, { code: 'INFO', category: 'a', labelEn: 'b', labelIt: 'c' }, { code: 'INFO', category: 'a', labelEn: 'b', labelIt: 'c' }]);
  expect(bad.statusCode).toBe(400);
  expect(bad.json().issues.map((i: { path: string }) => i.path)).toEqual(['0.code', '0.category', '2.code']);
  expect((await put(t.admin, [])).statusCode).toBe(400);
  expect((await put(t.supervisor, [{ code: 'A', category: 'a', labelEn: 'b', labelIt: 'c' }])).statusCode).toBe(403);
});

it('replaces the active set: new codes active, dropped ones retired; every agent pulls them', async () => {
  const r = await put(t.admin, [
    { code: 'ORDER', category: 'sales', labelEn: 'Order taken', labelIt: 'Ordine preso' },
    { code: 'RENEWAL', category: 'sales', labelEn: 'Contract renewal', labelIt: 'Rinnovo contratto', position: 5 },
  ]);
  expect(r.statusCode).toBe(200);
  expect(r.json()).toMatchObject({ active: 2, retired: 8, changed: 10 });
  const list = (await app.inject({ method: 'GET', url: '/v1/dispositions', headers: { authorization: `Bearer ${t.admin}` } })).json().dispositions;
  expect(list.filter((d: { active: boolean }) => d.active).map((d: { code: string }) => d.code)).toEqual(['RENEWAL', 'ORDER']);
  for (const token of [t.south, t.loner]) {
    const got = (await pull(app, token)).changes.filter((c) => c.entity === 'disposition');
    expect(got).toHaveLength(10);
    expect(got.find((c) => c.key === 'ORDER')).toMatchObject({ op: 'upsert', data: { labelEn: 'Order taken', position: 10, active: true } });
    expect(got.find((c) => c.key === 'WRONG')).toMatchObject({ data: { active: false } });
  }
  // the same set again changes nothing; a case with a retired code is still accepted
  expect((await put(t.admin, list.filter((d: { active: boolean }) => d.active))).json()).toMatchObject({ changed: 0 });
  const caseId = 'f2d5a1c4-6b1e-4bb0-9a3c-0d3c7a5e9b21';
  const push = await app.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${t.loner}` }, payload: {
    clientId: 'd', mutations: [{ id: caseId, seq: 1, kind: 'case.submit', payload: { caseId, customerId: null, callId: null, callLine: '', callDurationS: null,
      disposition: 'WRONG', category: 'other', notes: '', followUpDate: null, followUpTask: '', createdAt: '2026-01-01T00:00:00Z', submittedAt: '2026-01-01T00:01:00Z', offers: [] } }] } });
  expect(push.json()).toMatchObject({ applied: [caseId] });
});
