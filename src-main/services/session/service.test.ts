// The session service's decisions with a scripted hub (fetch stub) and a recording host: the
// SIP credential provisioned from the login and renewed before it expires, refusals in words
// (disabled user, unreachable hub, too many attempts), an expired token ends the session.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryVault, SessionService, type SessionHost } from './service';
import type { SoftphoneConfig } from '../../../src-shared/api/contract';
import type { SessionView } from '../../../src-shared/desktop/session';

const HUB = 'https://hub.example.com';
const T0 = Date.parse('2026-12-08T08:00:00Z');

function sip(expiresAt: string, password = 'hmac-1') {
  return { extension: '1001', server: 'wss://pbx.example.com:8089', domain: 'pbx.example.com', realm: 'pbx', authUser: `${Date.parse(expiresAt) / 1000}:1001`, password, expiresAt };
}

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function setup(routes: Record<string, (init?: RequestInit) => Response | Promise<Response>>, opts: { preset?: string | null } = {}) {
  const calls: string[] = [];
  const fetchStub = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const u = new URL(String(url));
    const key = `${init?.method ?? 'GET'} ${u.pathname}`;
    calls.push(key);
    const r = routes[key];
    if (!r) throw new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') });
    return r(init);
  });
  const provisioned: (SoftphoneConfig | null)[] = [];
  const views: SessionView[] = [];
  const host: SessionHost & { links: (string | null)[]; owners: string[] } = {
    links: [], owners: [],
    attach: async (l) => void host.links.push(l?.token ?? null),
    push: async () => 0,
    provision: (c) => void provisioned.push(c),
    softphoneOverridden: () => false,
    setOwner: async (o) => void host.owners.push(o),
    boundHub: () => null,
    pending: () => ({ mine: 0, others: 0 }),
    emit: (v) => void views.push(v),
    log: () => {},
  };
  const service = new SessionService({
    host, vault: memoryVault(), presetHubUrl: opts.preset === undefined ? HUB : opts.preset, envToken: false, allowPlaintext: false, region: 'IT',
    fetch: fetchStub as unknown as typeof fetch, now: () => Date.now(),
  });
  return { service, host, provisioned, views, calls };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('session service', () => {
  it('provisions the softphone from the login and renews the credential before it expires', async () => {
    vi.useFakeTimers({ now: T0 });
    const first = sip('2026-12-08T16:00:00Z');
    const second = sip('2026-12-09T00:00:00Z', 'hmac-2');
    const { service, provisioned, calls } = setup({
      'POST /v1/auth/login': () => reply(200, { token: 'tok-1', role: 'agent', team: 'North', displayName: 'Nina N.', sip: first, customersVisible: true, notice: null }),
      'GET /v1/me/sip': () => reply(200, second),
    });
    const r = await service.signIn({ name: 'nina', password: 'pw' });
    expect(r.ok).toBe(true);
    expect(provisioned.at(-1)).toEqual({
      server: 'wss://pbx.example.com:8089', uri: 'sip:1001@pbx.example.com', user: first.authUser, password: 'hmac-1', displayName: 'Nina N.', region: 'IT',
    });
    expect(JSON.stringify(r)).not.toContain('hmac-1');
    expect(JSON.stringify(r)).not.toContain('tok-1');
    expect(r.ok && r.session.sip).toEqual({ extension: '1001', server: 'wss://pbx.example.com:8089', expiresAt: first.expiresAt, inUse: true });
    // 8 h of life: renewed 30 min before the end, not earlier
    await vi.advanceTimersByTimeAsync(7 * 3_600_000);
    expect(calls).not.toContain('GET /v1/me/sip');
    await vi.advanceTimersByTimeAsync(31 * 60_000);
    expect(calls).toContain('GET /v1/me/sip');
    expect(provisioned.at(-1)?.password).toBe('hmac-2');
    expect(service.view().sip?.expiresAt).toBe(second.expiresAt);
    service.close();
  });

  it('an expired token at renewal ends the session and asks for a sign-in again', async () => {
    vi.useFakeTimers({ now: T0 });
    const { service, host, provisioned } = setup({
      'POST /v1/auth/login': () => reply(200, { token: 'tok-1', role: 'agent', team: 'North', sip: sip('2026-12-08T08:10:00Z'), customersVisible: true }),
      'GET /v1/me/sip': () => reply(401, { error: 'token_expired', message: 'the token expired' }),
    });
    await service.signIn({ name: 'nina', password: 'pw' });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(service.view()).toMatchObject({ expired: true, signedIn: false, required: true, user: 'nina' });
    expect(provisioned.at(-1)).toBeNull();
    expect(host.links.at(-1)).toBeNull(); // sync stopped
    expect(host.owners.at(-1)).toBe(''); // new work is nobody's until someone signs in
  });

  it.each([
    [() => reply(401, { error: 'invalid_credentials', message: 'wrong name or password' }), 'wrong_password'],
    [() => reply(403, { error: 'user_disabled', message: 'this account is disabled' }), 'user_disabled'],
    [() => reply(429, { error: 'too_many_requests', message: 'too many login attempts' }), 'too_many_attempts'],
    [() => reply(404, { message: 'Route POST:/v1/auth/login not found', error: 'Not Found', statusCode: 404 }), 'bad_hub'],
    [() => reply(200, { hello: 'world' }), 'bad_hub'],
  ] as const)('a refused login is a reason, not an error (%#)', async (answer, reason) => {
    const { service, host } = setup({ 'POST /v1/auth/login': answer });
    expect(await service.signIn({ name: 'nina', password: 'pw' })).toMatchObject({ ok: false, reason });
    expect(host.links).toEqual([]);
  });

  it('an unreachable hub is said so', async () => {
    const { service } = setup({});
    expect(await service.signIn({ name: 'nina', password: 'pw' })).toMatchObject({ ok: false, reason: 'unreachable' });
  });

  it('a typed hub address must be https (or loopback)', async () => {
    const { service } = setup({}, { preset: null });
    expect(await service.signIn({ hubUrl: 'http://hub.example.com', name: 'nina', password: 'pw' })).toMatchObject({ ok: false, reason: 'bad_hub' });
    expect(await service.signIn({ hubUrl: 'hub.example.com', name: 'nina', password: 'pw' })).toMatchObject({ ok: false, reason: 'bad_hub' });
  });

  it('an older hub (no sip, no customersVisible): /v1/me tells whether the account sees customers', async () => {
    const { service, provisioned } = setup({
      'POST /v1/auth/login': () => reply(200, { token: 'tok-1', role: 'agent', team: null }),
      'GET /v1/me': () => reply(200, { name: 'lou', role: 'agent', team: null, regions: [], scope: 'x', all: false }),
    });
    const r = await service.signIn({ name: 'lou', password: 'pw' });
    expect(r.ok && r.session).toMatchObject({ customersVisible: false, notice: 'no team', sip: null });
    expect(provisioned.at(-1)).toBeNull();
  });

  it('sign out revokes the token and forgets it', async () => {
    const { service, calls, host } = setup({
      'POST /v1/auth/login': () => reply(200, { token: 'tok-1', role: 'supervisor', team: 'North', customersVisible: true }),
      'POST /v1/auth/logout': () => reply(200, { ok: true }),
    });
    await service.signIn({ name: 'sam', password: 'pw' });
    expect(service.view().role).toBe('supervisor');
    expect(await service.signOut()).toMatchObject({ ok: true, revoked: true });
    expect(calls).toContain('POST /v1/auth/logout');
    expect(service.view()).toMatchObject({ signedIn: false, role: null, required: true, expired: false });
    expect(host.links).toEqual(['tok-1', null]);
  });
});
