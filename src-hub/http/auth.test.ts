// Authentication and roles on EVERY route, login, rate limiting (PGlite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../db/store';
import { buildHub, type Access } from './app';
import { issueToken } from '../admin';
import { seedPeople, testStore } from '../../test-support/hub/helpers';

let store: Store;
let app: FastifyInstance;
let tokens: Awaited<ReturnType<typeof seedPeople>>;

beforeAll(async () => {
  store = await testStore('pglite');
  tokens = await seedPeople(store);
  app = await buildHub({ store, loginRateLimit: { max: 5, timeWindow: 60_000 } });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await store?.close();
});

/** The expected access of every route. The first test fails when a route is added without a row here. */
const ROUTES: { method: string; url: string; auth: Access; path: string }[] = [
  { method: 'GET', url: '/v1/health', auth: 'public', path: '/v1/health' },
  { method: 'POST', url: '/v1/auth/login', auth: 'public', path: '/v1/auth/login' },
  { method: 'GET', url: '/wallboard', auth: 'public', path: '/wallboard' },
  { method: 'GET', url: '/wallboard/:file', auth: 'public', path: '/wallboard/wallboard.js' },
  { method: 'POST', url: '/v1/auth/logout', auth: 'agent', path: '/v1/auth/logout' },
  { method: 'GET', url: '/v1/me', auth: 'agent', path: '/v1/me' },
  { method: 'GET', url: '/v1/me/sip', auth: 'agent', path: '/v1/me/sip' },
  { method: 'GET', url: '/v1/sync/pull', auth: 'agent', path: '/v1/sync/pull?after=0' },
  { method: 'GET', url: '/v1/sync/live', auth: 'agent', path: '/v1/sync/live' },
  { method: 'POST', url: '/v1/sync/push', auth: 'agent', path: '/v1/sync/push' },
  { method: 'GET', url: '/v1/sync/snapshot', auth: 'agent', path: '/v1/sync/snapshot' },
  { method: 'POST', url: '/v1/sync/snapshot/build', auth: 'admin', path: '/v1/sync/snapshot/build' },
  { method: 'GET', url: '/v1/teams', auth: 'supervisor', path: '/v1/teams' },
  { method: 'GET', url: '/v1/reports/sync', auth: 'supervisor', path: '/v1/reports/sync' },
  { method: 'GET', url: '/v1/users', auth: 'admin', path: '/v1/users' },
  { method: 'POST', url: '/v1/users', auth: 'admin', path: '/v1/users' },
  { method: 'PUT', url: '/v1/teams/:name', auth: 'admin', path: '/v1/teams/North' },
  { method: 'POST', url: '/v1/feeds/:source', auth: 'admin', path: '/v1/feeds/products' },
  { method: 'GET', url: '/v1/dispositions', auth: 'agent', path: '/v1/dispositions' },
  { method: 'PUT', url: '/v1/dispositions', auth: 'admin', path: '/v1/dispositions' },
  { method: 'POST', url: '/v1/offers/train', auth: 'admin', path: '/v1/offers/train' },
  { method: 'GET', url: '/v1/agents', auth: 'supervisor', path: '/v1/agents' },
  { method: 'GET', url: '/v1/agents/:name/state', auth: 'agent', path: '/v1/agents/nina/state' },
  { method: 'PUT', url: '/v1/agents/:name/state', auth: 'supervisor', path: '/v1/agents/nina/state' },
  { method: 'GET', url: '/v1/break-reasons', auth: 'agent', path: '/v1/break-reasons' },
  { method: 'PUT', url: '/v1/break-reasons', auth: 'admin', path: '/v1/break-reasons' },
  { method: 'GET', url: '/v1/queues', auth: 'supervisor', path: '/v1/queues' },
  { method: 'PUT', url: '/v1/queues/:name', auth: 'admin', path: '/v1/queues/sales' },
  { method: 'GET', url: '/v1/events', auth: 'supervisor', path: '/v1/events?from=2026-01-01&to=2026-01-02' },
  { method: 'GET', url: '/v1/stats/queues', auth: 'supervisor', path: '/v1/stats/queues' },
  { method: 'GET', url: '/v1/stats/live', auth: 'supervisor', path: '/v1/stats/live' },
  { method: 'GET', url: '/v1/reports/queues', auth: 'supervisor', path: '/v1/reports/queues?from=2026-01-01&to=2026-01-02' },
  { method: 'GET', url: '/v1/reports/agents', auth: 'supervisor', path: '/v1/reports/agents?from=2026-01-01&to=2026-01-02' },
];

const ROLE_TOKENS = () => ({ agent: tokens.north, supervisor: tokens.supervisor, admin: tokens.admin });
const RANK = { public: 0, agent: 1, supervisor: 2, admin: 3 } as const;

async function call(method: string, path: string, token?: string) {
  return app.inject({
    method: method as 'GET',
    url: path,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(method === 'GET' ? {} : { payload: {} }),
  });
}

describe('routes', () => {
  it('the table covers every registered route with the declared access level', () => {
    const registered = app.hubRoutes.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url} ${r.auth}`).sort();
    expect(registered).toEqual(ROUTES.map((r) => `${r.method} ${r.url} ${r.auth}`).sort());
  });

  for (const r of ROUTES.filter((x) => x.auth !== 'public')) {
    it(`${r.method} ${r.url}: no token → 401, bad token → 401, lower roles → 403, ${r.auth} → allowed`, async () => {
      const none = await call(r.method, r.path);
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      expect(none.json()).toMatchObject({ error: 'unauthorized' });
      expect((await call(r.method, r.path, 'pht_forged-token')).statusCode).toBe(401);
      expect((await app.inject({ method: r.method as 'GET', url: r.path, headers: { authorization: `Basic ${tokens.admin}` } })).statusCode).toBe(401);
      for (const [role, token] of Object.entries(ROLE_TOKENS())) {
        const t = r.url === '/v1/auth/logout' ? await issueToken(store, { agent: 'nina', supervisor: 'sam', admin: 'ada' }[role]!) : token;
        const res = await call(r.method, r.path, t);
        if (RANK[role as keyof typeof RANK] < RANK[r.auth]) {
          expect(res.statusCode, `${role} on ${r.url}`).toBe(403);
          expect(res.json()).toMatchObject({ error: 'forbidden' });
        } else expect([401, 403], `${role} on ${r.url}: ${res.body}`).not.toContain(res.statusCode);
      }
    });
  }

  it('health answers unauthenticated with {ok:true} and nothing else', async () => {
    const res = await call('GET', '/v1/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    expect(res.headers.server).toBeUndefined();
  });

  it('the websocket route takes the token from ?token= too, and refuses without one', async () => {
    const ok = await app.inject({ method: 'GET', url: `/v1/sync/live?token=${tokens.south}` });
    expect([401, 403]).not.toContain(ok.statusCode);
    expect((await app.inject({ method: 'GET', url: '/v1/sync/live?token=pht_nope' })).statusCode).toBe(401);
    // …but only there: tokens in URLs of other routes are ignored
    expect((await app.inject({ method: 'GET', url: `/v1/me?token=${tokens.south}` })).statusCode).toBe(401);
  });
});

describe('login', () => {
  it('gives a bearer token for name + password; stores only hashes', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { name: 'nina', password: 'correct horse battery' } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { token: string; role: string; team: string };
    expect(body).toMatchObject({ role: 'agent', team: 'North' });
    const me = await call('GET', '/v1/me', body.token);
    expect(me.json()).toMatchObject({ name: 'nina', role: 'agent', team: 'North', regions: ['Nord-Ovest'] });
    const stored = await store.query<{ token_hash: string }>('SELECT token_hash FROM tokens');
    expect(stored.some((t) => t.token_hash.includes(body.token) || body.token.includes(t.token_hash))).toBe(false);
    const users = await store.query<{ password_hash: string }>('SELECT password_hash FROM users');
    for (const u of users) expect(u.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    // logout revokes it
    expect((await call('POST', '/v1/auth/logout', body.token)).statusCode).toBe(200);
    expect((await call('GET', '/v1/me', body.token)).statusCode).toBe(401);
  });

  it('wrong password and unknown user → 401; malformed → 400; then the rate limit → 429', async () => {
    // a fresh IP for this test (the limit is per IP)
    const from = { remoteAddress: '10.9.9.9' };
    const attempt = (payload: unknown) => app.inject({ method: 'POST', url: '/v1/auth/login', payload: payload as object, ...from });
    expect((await attempt({ name: 'nina', password: 'wrong' })).statusCode).toBe(401);
    expect((await attempt({ name: 'nobody', password: 'wrong' })).json()).toEqual({ error: 'invalid_credentials', message: 'wrong name or password' });
    const bad = await attempt({ name: 'nina' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues).toEqual([{ path: 'password', message: expect.any(String) }]);
    expect((await attempt({ name: 'nina', password: 'wrong' })).statusCode).toBe(401);
    expect((await attempt({ name: 'nina', password: 'correct horse battery' })).statusCode).toBe(200); // 5th
    const limited = await attempt({ name: 'nina', password: 'correct horse battery' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    // other IPs are not affected
    expect((await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { name: 'sven', password: 'correct horse battery' }, remoteAddress: '10.9.9.10' })).statusCode).toBe(200);
  });
});

describe('admin routes', () => {
  it('creates users (password generated when not given) and sets team regions', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/users', headers: { authorization: `Bearer ${tokens.admin}` }, payload: { name: 'newbie', role: 'agent', team: 'South' } });
    expect(res.statusCode).toBe(201);
    const body = res.json() as { password: string };
    expect(body.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { name: 'newbie', password: body.password }, remoteAddress: '10.1.1.1' });
    expect(login.statusCode).toBe(200);
    const dup = await app.inject({ method: 'POST', url: '/v1/users', headers: { authorization: `Bearer ${tokens.admin}` }, payload: { name: 'newbie', role: 'agent' } });
    expect(dup.statusCode).toBe(409);
    const team = await app.inject({ method: 'PUT', url: '/v1/teams/East', headers: { authorization: `Bearer ${tokens.admin}` }, payload: { regions: ['Nord-Est', 'Centro'] } });
    expect(team.json()).toEqual({ name: 'East', regions: ['Nord-Est', 'Centro'] });
    const list = await app.inject({ method: 'GET', url: '/v1/teams', headers: { authorization: `Bearer ${tokens.supervisor}` } });
    expect(list.json().teams).toContainEqual({ name: 'East', regions: ['Nord-Est', 'Centro'] });
  });
});
