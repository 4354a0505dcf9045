// Agent states, queues, break reasons and the event record over HTTP (PGlite): who may see and set
// what, the desktop's agentState.set push (exactly once, newest wins), the live socket telling an
// agent that a supervisor changed their state.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import type { Store } from '../db/store';
import { buildHub } from './app';
import { resetAndSeed, testStore } from '../../test-support/hub/helpers';
import { issueDisplayToken, setUserExtension } from '../admin';

let store: Store;
let app: FastifyInstance;
let tokens: Awaited<ReturnType<typeof resetAndSeed>>;

beforeAll(async () => {
  store = await testStore('pglite');
  app = await buildHub({ store, live: { coalesceMs: 5 } });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await store?.close();
});
beforeEach(async () => {
  tokens = await resetAndSeed(store);
});

const auth = (t: string) => ({ authorization: `Bearer ${t}` });
let seq = 0;

async function push(token: string, state: string, reason: string | null, at: string, eventId = randomUUID(), id = randomUUID()) {
  const r = await app.inject({
    method: 'POST', url: '/v1/sync/push', headers: auth(token),
    payload: { clientId: 'desk-test', mutations: [{ id, seq: ++seq, kind: 'agentState.set', payload: { eventId, state, reason, at, cause: 'agent', callId: null } }] },
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { applied: string[]; rejected: { id: string; reason: string }[] };
}

describe('agent states', () => {
  it('a desktop change lands with its original time, once; an older one is recorded but does not win', async () => {
    const eventId = randomUUID();
    const mid = randomUUID();
    expect((await push(tokens.north, 'break', 'lunch', '2026-03-01T09:00:00.000Z', eventId, mid)).applied).toEqual([mid]);
    // the same mutation again (a retry): applied, nothing recorded twice
    expect((await push(tokens.north, 'break', 'lunch', '2026-03-01T09:00:00.000Z', eventId, mid)).applied).toEqual([mid]);
    await push(tokens.north, 'available', null, '2026-03-01T08:00:00.000Z'); // late, older
    const me = await app.inject({ method: 'GET', url: '/v1/agents/nina/state', headers: auth(tokens.north) });
    expect(me.json()).toMatchObject({ name: 'nina', state: 'break', reason: 'lunch', since: '2026-03-01T09:00:00.000Z', setBy: 'nina' });
    const ev = await app.inject({ method: 'GET', url: '/v1/events?from=2026-03-01&to=2026-03-02', headers: auth(tokens.admin) });
    const lines = ev.body.trim().split('\n').map((l) => JSON.parse(l) as { id: string; kind: string; at: string; agent: string; data: { state: string } });
    expect(lines.map((l) => [l.id === eventId ? 'first' : 'other', l.at, l.data.state])).toEqual([
      ['other', '2026-03-01T08:00:00.000Z', 'available'],
      ['first', '2026-03-01T09:00:00.000Z', 'break'],
    ]);
    expect(lines[0]).toMatchObject({ kind: 'agent.state', agent: 'nina', source: 'desktop' });
  });

  it('hold and resume from the desktop land as raw events, once', async () => {
    const eventId = randomUUID();
    const m = { id: randomUUID(), seq: ++seq, kind: 'callEvent.record', payload: { eventId, kind: 'call.hold', callId: 'c-1@pbx', at: '2026-03-02T09:00:00.000Z' } };
    for (let i = 0; i < 2; i++) {
      const r = await app.inject({ method: 'POST', url: '/v1/sync/push', headers: auth(tokens.north), payload: { clientId: 'desk-hold', mutations: [m] } });
      expect(r.json()).toMatchObject({ applied: [m.id] });
    }
    const ev = await app.inject({ method: 'GET', url: '/v1/events?from=2026-03-02&to=2026-03-03', headers: auth(tokens.admin) });
    expect(ev.body.trim().split('\n').map((l) => JSON.parse(l) as object)).toEqual([
      expect.objectContaining({ id: eventId, kind: 'call.hold', callId: 'c-1@pbx', agent: 'nina', source: 'desktop' }),
    ]);
  });

  it('a break needs a reason', async () => {
    const r = await push(tokens.north, 'break', null, '2026-03-01T09:00:00.000Z');
    expect(r.rejected[0]?.reason).toMatch(/reason/);
  });

  it('GET /v1/agents: a team supervisor sees their team, an admin everyone; an agent sees only themselves', async () => {
    await setUserExtension(store, 'nina', '1001');
    const sup = await app.inject({ method: 'GET', url: '/v1/agents', headers: auth(tokens.supervisor) });
    expect((sup.json() as { agents: { name: string }[] }).agents.map((a) => a.name)).toEqual(['nina']);
    const adm = await app.inject({ method: 'GET', url: '/v1/agents', headers: auth(tokens.admin) });
    expect((adm.json() as { agents: { name: string }[] }).agents.map((a) => a.name)).toEqual(['lou', 'nina', 'sven']);
    expect((adm.json() as { agents: { name: string; extension: string | null; state: string; reason: string }[] }).agents[1])
      .toMatchObject({ name: 'nina', extension: '1001', state: 'offline', reason: 'never signed in' });
    expect((await app.inject({ method: 'GET', url: '/v1/agents/sven/state', headers: auth(tokens.north) })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/v1/agents/sven/state', headers: auth(tokens.supervisor) })).statusCode).toBe(404);
  });

  it('PUT /v1/agents/:name/state: a supervisor of the team or an admin; the desktop hears who changed it', async () => {
    // nina's desktop listens on the live socket
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/sync/live`, { headers: auth(tokens.north) });
    const got: unknown[] = [];
    ws.on('message', (d) => got.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    try {
      const bad = await app.inject({ method: 'PUT', url: '/v1/agents/nina/state', headers: auth(tokens.supervisor), payload: { state: 'break', reason: 'nap' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toMatch(/nap/);
      expect((await app.inject({ method: 'PUT', url: '/v1/agents/nina/state', headers: auth(tokens.supervisor), payload: { state: 'oncall' } })).statusCode).toBe(400);
      // sam supervises North: sven (South) is not his
      expect((await app.inject({ method: 'PUT', url: '/v1/agents/sven/state', headers: auth(tokens.supervisor), payload: { state: 'available' } })).statusCode).toBe(404);
      const ok = await app.inject({ method: 'PUT', url: '/v1/agents/nina/state', headers: auth(tokens.supervisor), payload: { state: 'break', reason: 'meeting' } });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ name: 'nina', state: 'break', reason: 'meeting', setBy: 'sam' });
      const deadline = Date.now() + 3000;
      while (!got.some((m) => (m as { type: string }).type === 'agentState') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(got).toContainEqual(expect.objectContaining({ type: 'agentState', state: 'break', reason: 'meeting', setBy: 'sam' }));
      // the agent's own change does not echo back to them
      const before = got.length;
      await push(tokens.north, 'available', null, new Date().toISOString());
      await new Promise((r) => setTimeout(r, 200));
      expect(got.slice(before).filter((m) => (m as { type: string }).type === 'agentState')).toEqual([]);
      const adm = await app.inject({ method: 'PUT', url: '/v1/agents/sven/state', headers: auth(tokens.admin), payload: { state: 'offline' } });
      expect(adm.json()).toMatchObject({ state: 'offline', setBy: 'ada' });
    } finally {
      ws.close();
    }
  });

  it('GET /v1/events: NDJSON oldest first; a team supervisor gets only their team; bad periods are refused', async () => {
    await push(tokens.north, 'available', null, '2026-04-01T10:00:00.000Z');
    await push(tokens.south, 'available', null, '2026-04-01T10:00:01.000Z');
    const all = await app.inject({ method: 'GET', url: '/v1/events?from=2026-04-01T00:00:00Z&to=2026-04-02T00:00:00Z', headers: auth(tokens.admin) });
    expect(all.headers['content-type']).toMatch(/application\/x-ndjson/);
    expect(all.body.trim().split('\n').map((l) => (JSON.parse(l) as { agent: string }).agent)).toEqual(['nina', 'sven']);
    const team = await app.inject({ method: 'GET', url: '/v1/events?from=2026-04-01T00:00:00Z&to=2026-04-02T00:00:00Z', headers: auth(tokens.supervisor) });
    expect(team.body.trim().split('\n').map((l) => (JSON.parse(l) as { agent: string }).agent)).toEqual(['nina']);
    const one = JSON.parse(team.body.trim()) as Record<string, unknown>;
    for (const k of ['id', 'at', 'kind', 'callId', 'queue', 'agent', 'caller']) expect(one).toHaveProperty(k);
    expect((await app.inject({ method: 'GET', url: '/v1/events?from=yesterday&to=2026-04-02', headers: auth(tokens.admin) })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/v1/events?from=2026-04-03&to=2026-04-02', headers: auth(tokens.admin) })).statusCode).toBe(400);
  });
});

describe('queues and break reasons', () => {
  it('an admin sets queues (checked), supervisors read their team\'s; break reasons are replaced, dropped ones retired', async () => {
    const put = (name: string, body: object) => app.inject({ method: 'PUT', url: `/v1/queues/${name}`, headers: auth(tokens.admin), payload: body });
    expect((await put('sales', { number: '600', team: 'North', strategy: 'longest-idle', ringSeconds: 20 })).statusCode).toBe(200);
    expect((await put('dach', { number: '601', team: 'South' })).statusCode).toBe(200);
    const dup = await put('other', { number: '600', team: 'North' });
    expect(dup.statusCode).toBe(409);
    expect((await put('bad', { number: '6x', team: 'North' })).json().message).toMatch(/number/);
    expect((await put('nope', { number: '650', team: 'Nowhere' })).statusCode).toBe(404);
    const mine = await app.inject({ method: 'GET', url: '/v1/queues', headers: auth(tokens.supervisor) });
    expect((mine.json() as { queues: { name: string; strategy: string; ringSeconds: number; maxWaitSeconds: number }[] }).queues)
      .toEqual([expect.objectContaining({ name: 'sales', strategy: 'longest-idle', ringSeconds: 20, maxWaitSeconds: 120 })]);

    const reasons = await app.inject({ method: 'GET', url: '/v1/break-reasons', headers: auth(tokens.north) });
    expect((reasons.json() as { reasons: { code: string }[] }).reasons.map((r) => r.code)).toContain('lunch');
    const set = await app.inject({ method: 'PUT', url: '/v1/break-reasons', headers: auth(tokens.admin), payload: [
      { code: 'lunch', labelEn: 'Lunch', labelIt: 'Pranzo' }, { code: 'coaching', labelEn: 'Coaching', labelIt: 'Affiancamento' }] });
    expect(set.json()).toMatchObject({ active: 2, retired: 5 });
    const after = await app.inject({ method: 'GET', url: '/v1/break-reasons', headers: auth(tokens.north) });
    expect((after.json() as { reasons: { code: string }[] }).reasons.map((r) => r.code)).toEqual(['lunch', 'coaching']);
  });
});

describe('a wallboard\'s display token', () => {
  it('reads the live statistics of its team, and nothing else', async () => {
    const tv = await issueDisplayToken(store, 'lobby-tv', 'North');
    await setUserExtension(store, 'nina', '1001'); // users changed: the live statistics re-read them
    await expect.poll(async () => (await app.inject({ method: 'GET', url: '/v1/stats/queues', headers: auth(tv) })).json(), { timeout: 5000 })
      .toMatchObject({ queues: [], agents: [expect.objectContaining({ name: 'nina', team: 'North' })] });
    for (const [method, url] of [['GET', '/v1/agents'], ['GET', '/v1/events?from=2026-01-01&to=2026-01-02'], ['GET', '/v1/me'], ['PUT', '/v1/agents/nina/state'],
      ['GET', '/v1/reports/queues?from=2026-01-01&to=2026-01-02']] as const) {
      const r = await app.inject({ method, url, headers: auth(tv), ...(method === 'PUT' ? { payload: { state: 'available' } } : {}) });
      expect(r.statusCode, `${method} ${url}`).toBe(403);
    }
    // the same name again: another token for the same display; a clash with a person is refused
    expect(await issueDisplayToken(store, 'lobby-tv', 'North')).toMatch(/^pht_/);
    await expect(issueDisplayToken(store, 'nina', 'North')).rejects.toThrow(/not a display/);
  });
});
