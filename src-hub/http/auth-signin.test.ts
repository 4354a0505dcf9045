// Issue 20 on the hub (PGlite): the full login answer (SIP provisioning with an autheph
// credential, display name, what the account sees), GET /v1/me/sip, tokens that expire and are
// renewed while in use, disabled users, revocation, per-account login backoff. The clock is
// injected (HubOptions.now).
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { LoginResponse, SipProvisioning } from '../../src-shared/sync/protocol';
import type { Store } from '../db/store';
import { buildHub } from './app';
import { issueDisplayToken, issueToken, revokeUserTokens, setTeam, setUserDisabled, setUserDisplayName, setUserExtension, setUserPassword } from '../admin';
import { lockSeconds } from '../auth/login-backoff';
import { PASSWORD, seedPeople, testStore } from '../../test-support/hub/helpers';

const SECRET = 'test-secret-0123456789abcdef';
const SIP = { server: 'wss://pbx.example.com:8443', domain: 'pbx.example.com', realm: 'pronto', secret: SECRET, credentialHours: 8 };
const T0 = Date.parse('2026-12-08T08:00:00.000Z');
const HOUR = 3600_000;

let store: Store;
let app: FastifyInstance;
let bare: FastifyInstance; // a hub that manages no PBX
let clock = T0;
let ip = 0;

beforeAll(async () => {
  store = await testStore('pglite');
  await seedPeople(store);
  await setUserExtension(store, 'nina', '1001');
  await setUserDisplayName(store, 'nina', 'Nina Rossi');
  await setTeam(store, 'Empty', []);
  await store.query(`INSERT INTO users (name, role, team, password_hash) SELECT 'emma', 'agent', 'Empty', password_hash FROM users WHERE name = 'nina'`);
  const common = { store, now: () => clock, loginRateLimit: { max: 1000, timeWindow: 60_000 } };
  app = await buildHub({ ...common, sip: SIP, tokenHours: 10 });
  bare = await buildHub(common);
}, 60_000);
afterAll(async () => {
  await app?.close();
  await bare?.close();
  await store?.close();
});
beforeEach(() => {
  clock = T0;
});

/** Each login from its own address: the per-address limit is not what these tests look at. */
function login(name: string, password = PASSWORD, hub = app) {
  return hub.inject({ method: 'POST', url: '/v1/auth/login', payload: { name, password }, remoteAddress: `10.20.${Math.floor(++ip / 250)}.${ip % 250}` });
}
function get(path: string, token: string, hub = app) {
  return hub.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${token}` } });
}
async function loginOk(name: string): Promise<LoginResponse> {
  const res = await login(name);
  expect(res.statusCode, res.body).toBe(200);
  return LoginResponse.parse(res.json());
}
const hmac = (user: string) => createHmac('sha1', SECRET).update(user).digest('base64');

describe('the login answer', () => {
  it('carries role, team, display name, expiry, visibility and an autheph SIP credential', async () => {
    const r = await loginOk('nina');
    expect(r).toMatchObject({ role: 'agent', team: 'North', displayName: 'Nina Rossi', customersVisible: true, notice: null });
    expect(r.expiresAt).toBe(new Date(T0 + 10 * HOUR).toISOString());
    const sip = SipProvisioning.parse(r.sip);
    const exp = T0 / 1000 + 8 * 3600;
    expect(sip).toEqual({
      extension: '1001', server: SIP.server, domain: SIP.domain, realm: SIP.realm,
      authUser: `${exp}:1001`, password: hmac(`${exp}:1001`), expiresAt: new Date(exp * 1000).toISOString(),
    });
    // the password is what Kamailio's auth_ephemeral computes: base64 of a 20-byte HMAC-SHA1
    expect(Buffer.from(sip.password, 'base64')).toHaveLength(20);
  });

  it('sip is null without an extension, or when the hub manages no PBX; displayName defaults to the name', async () => {
    const sven = await loginOk('sven');
    expect(sven).toMatchObject({ sip: null, displayName: 'sven' });
    const res = await login('nina', PASSWORD, bare);
    expect(res.json()).toMatchObject({ sip: null, displayName: 'Nina Rossi' });
  });

  it('says when the account sees no customers: no team, a team without regions; admins see all', async () => {
    expect(await loginOk('lou')).toMatchObject({ customersVisible: false, notice: 'Your account sees no customers: it has no team' });
    expect(await loginOk('emma')).toMatchObject({ customersVisible: false, notice: 'Your account sees no customers: team Empty has no regions' });
    expect(await loginOk('ada')).toMatchObject({ customersVisible: true, notice: null });
    // …and so does GET /v1/me (the sync status)
    const me = await get('/v1/me', (await loginOk('lou')).token);
    expect(me.json()).toMatchObject({ name: 'lou', displayName: 'lou', customersVisible: false, notice: 'Your account sees no customers: it has no team' });
  });
});

describe('GET /v1/me/sip', () => {
  it('gives a fresh credential at each call (the desktop renews before expiry)', async () => {
    const { token } = await loginOk('nina');
    clock = T0 + 7 * HOUR;
    const res = await get('/v1/me/sip', token);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const sip = SipProvisioning.parse(res.json());
    const exp = clock / 1000 + 8 * 3600;
    expect(sip.authUser).toBe(`${exp}:1001`);
    expect(sip.password).toBe(hmac(sip.authUser));
  });

  it('404 no_sip without an extension or without a PBX', async () => {
    const sven = await get('/v1/me/sip', (await loginOk('sven')).token);
    expect(sven.statusCode).toBe(404);
    expect(sven.json()).toMatchObject({ error: 'no_sip' });
    const bareToken = (await login('nina', PASSWORD, bare)).json().token as string;
    expect((await get('/v1/me/sip', bareToken, bare)).json()).toMatchObject({ error: 'no_sip' });
  });

  it('a display token cannot get one', async () => {
    const tv = await issueDisplayToken(store, 'hall-tv', 'North');
    expect((await get('/v1/me/sip', tv)).statusCode).toBe(403);
  });
});

describe('token expiry', () => {
  it('a login token lives PRONTO_HUB_TOKEN_HOURS, renewed while in use; then 401 token_expired', async () => {
    const { token } = await loginOk('sven');
    clock = T0 + 9 * HOUR;
    expect((await get('/v1/me', token)).statusCode).toBe(200); // renewed: now expires at T0 + 19 h
    expect((await get('/v1/me', token)).json().expiresAt).toBe(new Date(T0 + 19 * HOUR).toISOString());
    clock = T0 + 18 * HOUR;
    expect((await get('/v1/me', token)).statusCode).toBe(200); // renewed again: T0 + 28 h
    clock = T0 + 28 * HOUR + 1;
    const res = await get('/v1/me', token);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'token_expired', message: 'your session has expired: sign in again (POST /v1/auth/login)' });
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    // stays expired (using it does not renew it)
    clock = T0 + 28 * HOUR + 2;
    expect((await get('/v1/me', token)).json().error).toBe('token_expired');
  });

  it('records last_used_at, written at most once a minute per token', async () => {
    const { token } = await loginOk('sven');
    const lastUsed = async () => (await store.query<{ last_used_at: string | null }>(
      `SELECT last_used_at FROM tokens WHERE label = 'login' AND user_id = (SELECT id FROM users WHERE name = 'sven') ORDER BY created_at DESC LIMIT 1`))[0]!.last_used_at;
    clock = T0 + 1000;
    await get('/v1/me', token);
    expect(new Date((await lastUsed())!).getTime()).toBe(T0 + 1000);
    clock = T0 + 50_000;
    await get('/v1/me', token);
    expect(new Date((await lastUsed())!).getTime()).toBe(T0 + 1000); // throttled
    clock = T0 + 61_001;
    await get('/v1/me', token);
    expect(new Date((await lastUsed())!).getTime()).toBe(T0 + 61_001);
  });

  it('CLI tokens never expire unless --hours; display tokens never expire', async () => {
    const forever = await issueToken(store, 'sven');
    const short = await issueToken(store, 'sven', 'cli', { hours: 2, now: T0 });
    const tv = await issueDisplayToken(store, 'lobby-tv', null);
    clock = T0 + 3 * HOUR;
    expect((await get('/v1/me', forever)).statusCode).toBe(200);
    expect((await get('/v1/me', short)).json().error).toBe('token_expired');
    clock = T0 + 5000 * HOUR;
    expect((await get('/v1/me', forever)).statusCode).toBe(200);
    expect((await get('/v1/stats/queues', tv)).statusCode).toBe(200);
  });
});

describe('disabled users, revocation, password change', () => {
  it('a disabled user cannot log in (403 user_disabled) and their tokens stop at once; enable undoes it', async () => {
    await setUserExtension(store, 'sam', '1005');
    const { token } = await loginOk('sam');
    const cli = await issueToken(store, 'sam');
    expect((await setUserDisabled(store, 'sam', true)).tokensRevoked).toBeGreaterThanOrEqual(2);
    for (const t of [token, cli]) expect((await get('/v1/me', t)).statusCode).toBe(401);
    const res = await login('sam');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: 'user_disabled', message: 'this account is disabled; ask an administrator' });
    // a wrong password tells nothing about the account
    expect((await login('sam', 'wrong password')).json().error).toBe('invalid_credentials');
    await expect(issueToken(store, 'sam')).rejects.toThrow(/disabled/);
    expect((await get('/v1/users', await issueToken(store, 'ada'))).json().users).toContainEqual(expect.objectContaining({ name: 'sam', disabled: true }));
    await setUserDisabled(store, 'sam', false);
    expect((await login('sam')).statusCode).toBe(200);
  });

  it('a token of a user disabled behind its back (another hub, by SQL) is refused: 401 user_disabled', async () => {
    const { token } = await loginOk('sven');
    await store.query(`UPDATE users SET disabled_at = now() WHERE name = 'sven'`);
    try {
      const res = await get('/v1/sync/pull?after=0', token);
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toBe('user_disabled');
    } finally {
      await store.query(`UPDATE users SET disabled_at = NULL WHERE name = 'sven'`);
    }
  });

  it('token revoke --user ends every token of that user, only theirs', async () => {
    const a = (await loginOk('lou')).token;
    const b = await issueToken(store, 'lou');
    const other = (await loginOk('sven')).token;
    expect(await revokeUserTokens(store, 'lou')).toBeGreaterThanOrEqual(2);
    for (const t of [a, b]) expect((await get('/v1/me', t)).json().error).toBe('unauthorized');
    expect((await get('/v1/me', other)).statusCode).toBe(200);
    await expect(revokeUserTokens(store, 'nobody')).rejects.toThrow(/does not exist/);
  });

  it('a new password revokes the tokens and is the one that works', async () => {
    const { token } = await loginOk('emma');
    await setUserPassword(store, 'emma', 'a brand new secret');
    expect((await get('/v1/me', token)).statusCode).toBe(401);
    expect((await login('emma')).statusCode).toBe(401);
    expect((await login('emma', 'a brand new secret')).statusCode).toBe(200);
    await expect(setUserPassword(store, 'emma', 'short')).rejects.toThrow(/at least 8/);
  });
});

describe('login backoff per account', () => {
  it('5 failures lock the account (429 + retry-after) whatever the address; success after the lock resets it', async () => {
    await setUserPassword(store, 'ada', PASSWORD); // a clean count
    for (let i = 1; i <= 5; i++) expect((await login('ada', `wrong ${i}`)).statusCode, `attempt ${i}`).toBe(401);
    const locked = await login('ada'); // the right password is refused too while locked
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: 'account_locked' });
    expect(locked.headers['retry-after']).toBe('30');
    clock = T0 + 20_000;
    expect((await login('ada')).headers['retry-after']).toBe('10');
    clock = T0 + 31_000;
    expect((await login('ada')).statusCode).toBe(200);
    expect(await store.query(`SELECT 1 FROM login_failures WHERE name = 'ada'`)).toHaveLength(0);
    // counting starts again from zero
    for (let i = 1; i <= 4; i++) expect((await login('ada', 'wrong')).statusCode).toBe(401);
  });

  it('the lock doubles with each further failure (30 s, 60 s, 120 s … 15 min)', async () => {
    for (let i = 1; i <= 5; i++) await login('nobody-here', 'x');
    expect((await login('nobody-here', 'x')).headers['retry-after']).toBe('30'); // unknown names too: no enumeration
    clock = T0 + 31_000;
    expect((await login('nobody-here', 'x')).statusCode).toBe(401); // the 6th failure
    expect((await login('nobody-here', 'x')).headers['retry-after']).toBe('60');
    expect([4, 5, 6, 7, 10, 12, 20].map((n) => lockSeconds(n))).toEqual([0, 30, 60, 120, 900, 900, 900]);
  });

  it('parallel guesses cannot pass the lock: at most 5 passwords are checked', async () => {
    const res = await Promise.all(Array.from({ length: 12 }, () => login('sven', 'guess')));
    const codes = res.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(7);
  });

  it('a failure streak idle for a day is forgotten', async () => {
    for (let i = 1; i <= 4; i++) await login('lou', 'wrong');
    clock = T0 + 25 * HOUR;
    for (let i = 1; i <= 4; i++) expect((await login('lou', 'wrong')).statusCode).toBe(401);
    expect((await login('lou')).statusCode).toBe(200);
  });
});
