// case.submit: applied with its outcomes, idempotent by caseId, scope and disposition checks,
// published in the customer's bucket only (PGlite and PostgreSQL).
import { randomUUID } from 'node:crypto';
import { beforeEach, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { PushResponse } from '../../../src-shared/sync/protocol';
import type { CaseSubmitPayload } from '../../../src-shared/cases/schema';
import type { Store } from '../../db/store';
import { describeStores, pull, resetAndSeed, type seedPeople } from '../../../test-support/hub/helpers';

let store: Store;
let app: FastifyInstance;
let t: Awaited<ReturnType<typeof seedPeople>>;
let seq = 0;

function kase(over: Partial<CaseSubmitPayload> = {}): CaseSubmitPayload {
  return {
    caseId: randomUUID(), customerId: 'C1', callId: 'call-1', callLine: 'sales', callDurationS: 95, disposition: 'ORDER',
    category: 'sales', notes: 'wants toner', followUpDate: '2026-02-01', followUpTask: 'call back', createdAt: '2026-01-10T09:00:00.000Z',
    submittedAt: '2026-01-10T09:03:00.000Z',
    offers: [{ sku: 'P2', kind: 'cross_sell', outcome: 'accepted', decidedAt: '2026-01-10T09:03:00.000Z' },
      { sku: 'SERVICE:callback', kind: 'service', outcome: 'declined', decidedAt: '2026-01-10T09:03:00.000Z' }],
    ...over,
  };
}

async function submit(token: string, p: CaseSubmitPayload, id: string = p.caseId, clientId = 'desk-c') {
  const res = await app.inject({
    method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${token}` },
    payload: { clientId, mutations: [{ id, seq: ++seq, kind: 'case.submit', payload: p }] },
  });
  expect(res.statusCode).toBe(200);
  return res.json() as PushResponse;
}

const rows = (sql: string, params: unknown[] = []) => store.query(sql, params);

describeStores('case.submit', (ctx) => {
  beforeEach(async () => {
    store = ctx.store;
    app = ctx.app;
    t = await resetAndSeed(store);
  });

  it('stores the case with its outcomes and publishes it to the team that sees the customer only', async () => {
    const p = kase();
    expect(await submit(t.north, p)).toMatchObject({ applied: [p.caseId], rejected: [] });
    expect(await rows('SELECT customer_id, agent, team, disposition, category, bucket, follow_up_date::text AS f FROM cases')).toEqual([
      { customer_id: 'C1', agent: 'nina', team: 'North', disposition: 'ORDER', category: 'sales', bucket: 'r:Nord-Ovest', f: '2026-02-01' },
    ]);
    expect(await rows('SELECT sku, kind, outcome FROM offer_outcomes ORDER BY sku')).toEqual([
      { sku: 'P2', kind: 'cross_sell', outcome: 'accepted' }, { sku: 'SERVICE:callback', kind: 'service', outcome: 'declined' },
    ]);
    const north = (await pull(app, t.supervisor)).changes.filter((c) => c.entity === 'case');
    expect(north).toHaveLength(1);
    expect(north[0]).toMatchObject({ op: 'upsert', key: p.caseId, data: { agent: 'nina', customerId: 'C1', disposition: 'ORDER', offers: [{ sku: 'P2' }, { sku: 'SERVICE:callback' }] } });
    expect((await pull(app, t.south)).changes.filter((c) => c.entity === 'case')).toEqual([]);
    expect((await pull(app, t.loner)).changes.filter((c) => c.entity === 'case')).toEqual([]);
  });

  it('is idempotent by caseId: again from the same user → applied, nothing doubled; from another user → rejected', async () => {
    const p = kase();
    await submit(t.north, p);
    // the same case under a new mutation id and from another install of the same user
    expect(await submit(t.north, p, randomUUID(), 'desk-other')).toMatchObject({ rejected: [] });
    expect(await rows('SELECT count(*)::int AS n FROM cases')).toEqual([{ n: 1 }]);
    expect(await rows('SELECT count(*)::int AS n FROM offer_outcomes')).toEqual([{ n: 2 }]);
    const other = await submit(t.supervisor, p, randomUUID(), 'desk-sam');
    expect(other.rejected).toEqual([{ id: expect.any(String), reason: `case ${p.caseId} was already submitted by another user` }]);
  });

  it('rejects a customer out of scope, an unknown customer, an unknown disposition and bad dates, with clear reasons', async () => {
    const cases = [
      [t.south, kase(), 'customer "C1" is not in your scope'],
      [t.north, kase({ customerId: 'C404' }), 'customer "C404" is not in your scope'],
      [t.north, kase({ disposition: 'TELEPORT' }), 'disposition: "TELEPORT" is not a known code'],
      [t.north, kase({ submittedAt: 'yesterday' }), 'submittedAt: "yesterday" is not an ISO 8601 date-time'],
      [t.north, kase({ followUpDate: '2026-13-45' }), 'followUpDate: "2026-13-45" is not a date (YYYY-MM-DD)'],
      [t.north, kase({ customerId: null }), 'offers: a case without a customer cannot record offer outcomes'],
    ] as const;
    for (const [token, p, reason] of cases) {
      expect((await submit(token, p)).rejected).toEqual([{ id: p.caseId, reason }]);
    }
    expect(await rows('SELECT count(*)::int AS n FROM cases')).toEqual([{ n: 0 }]);
    expect(await rows('SELECT count(*)::int AS n FROM offer_outcomes')).toEqual([{ n: 0 }]);
  });

  it('a case without a customer, or on a contact, goes to the contact bucket of the agent', async () => {
    const none = kase({ customerId: null, offers: [] });
    expect(await submit(t.loner, none)).toMatchObject({ applied: [none.caseId] });
    const contactId = randomUUID();
    const made = await app.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${t.north}` },
      payload: { clientId: 'desk-c', mutations: [{ id: randomUUID(), seq: ++seq, kind: 'contact.create', payload: { contactId, name: 'New Caller', phone: '+390287654399', country: 'IT' } }] } });
    expect(made.json()).toMatchObject({ rejected: [] });
    const onContact = kase({ customerId: contactId, offers: [] });
    expect(await submit(t.north, onContact)).toMatchObject({ applied: [onContact.caseId] });
    expect(await rows('SELECT agent, bucket FROM cases ORDER BY agent')).toEqual([{ agent: 'lou', bucket: 'u:lou' }, { agent: 'nina', bucket: 't:North' }]);
    expect((await pull(app, t.loner)).changes.filter((c) => c.entity === 'case').map((c) => c.key)).toEqual([none.caseId]);
    expect((await pull(app, t.north)).changes.filter((c) => c.entity === 'case').map((c) => c.key)).toEqual([onContact.caseId]);
    expect((await pull(app, t.south)).changes.filter((c) => c.entity === 'case')).toEqual([]);
  });
});
