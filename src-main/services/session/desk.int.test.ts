// Sign-in sessions against the real hub (Fastify + PGlite over HTTP on 127.0.0.1) on one desk
// shared by agents on shifts (issue 20): wrong password; the token never reaches the renderer's
// answers; sync starts with the signed-in agent's token; a refused token ends the session with
// the agent's unsent work kept; a second agent reuses the synced store (no second initial sync)
// and sees none of the first agent's drafts; the first agent's work reaches the hub under their
// name when they sign in again; the role comes from the hub; an account without regions is told.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildHub } from '../../../src-hub/http/app';
import type { Store as HubStore } from '../../../src-hub/db/store';
import { PASSWORD, seedData, seedPeople, testStore } from '../../../test-support/hub/helpers';
import { addUser, setUserExtension } from '../../../src-hub/admin';
import { createHash, createHmac } from 'node:crypto';
import { tempDir } from '../../../test-support/desktop/fixtures';
import { loadDesktopConfig } from '../../config';
import { startDesktop, type Desktop } from '../../desktop';
import type { SessionView } from '../../../src-shared/desktop/session';

// the hub hands out autheph credentials for this PBX (SIGNIN-HUB's side of issue 20)
const SIP = { server: 'wss://pbx.example.com:8443', domain: 'pbx.example.com', realm: 'pronto', secret: 'test-secret-0123456789abcdef', credentialHours: 8 };
let hub: HubStore;
let app: FastifyInstance;
let url: string;
const pulls: string[] = [];
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  hub = await testStore('pglite');
  await seedPeople(hub);
  await seedData(hub);
  await addUser(hub, { name: 'nick', role: 'agent', team: 'North', password: PASSWORD });
  await setUserExtension(hub, 'nina', '1001');
  app = await buildHub({ store: hub, live: { coalesceMs: 20 }, loginRateLimit: { max: 1000, timeWindow: '1 minute' }, sip: SIP });
  // what the desktop asked for: an initial sync is a pull from 0 or a snapshot
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/v1/sync/pull') || req.url.startsWith('/v1/sync/snapshot')) pulls.push(req.url);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await app?.close();
  await hub?.close();
});

async function until<T>(f: () => T | Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function desk(): Promise<Desktop> {
  const t = tempDir();
  const config = loadDesktopConfig({}, {
    PRONTO_HUB_URL: url, PRONTO_SYNC_THREAD: '0', PRONTO_CHECKPOINT_THREAD: '0', PRONTO_CALL_WRITER_THREAD: '0', PRONTO_SYNC_SNAPSHOT: '0',
  });
  const d = await startDesktop({ config, dataDir: t.dir, host: 'web', log: () => {} });
  cleanups.push(t.cleanup, () => d.stop());
  return d;
}

const hubCases = async (): Promise<{ case_id: string; agent: string }[]> =>
  hub.query<{ case_id: string; agent: string }>('SELECT case_id::text, agent FROM cases ORDER BY agent');

describe('sign-in session on a shared desk', () => {
  let d: Desktop;
  let cursorAfterNina = 0;
  let ninaDraft = '';
  let ninaCase = '';

  it('starts asking for a sign-in at the preset hub, with no demo data', async () => {
    d = await desk();
    const s = await d.api.call('session', {});
    expect(s).toMatchObject({ mode: 'none', signedIn: false, required: true, hubPreset: true, hubUrl: url });
    expect(d.demo).toBeNull();
    expect((await d.api.call('syncStatus', {})).configured).toBe(false);
  });

  it('a wrong password is refused in words', async () => {
    const r = await d.api.call('signIn', { name: 'nina', password: 'not the password' });
    expect(r).toMatchObject({ ok: false, reason: 'wrong_password' });
  });

  it('signs in: sync starts with the token, which no answer carries', async () => {
    const r = await d.api.call('signIn', { name: 'nina', password: PASSWORD });
    expect(r.ok).toBe(true);
    const s = (r as { session: SessionView }).session;
    expect(s).toMatchObject({ mode: 'session', signedIn: true, user: 'nina', role: 'agent', team: 'North', required: false, customersVisible: true });
    const status = await until(() => d.api.call('status', {}), (v) => v.customers === 2);
    expect(status.customers).toBe(2); // North sees Nord-Ovest: C1, C2
    const token = (await hub.query<{ n: number }>('SELECT count(*)::int AS n FROM tokens'))[0]!.n;
    expect(token).toBeGreaterThan(0);
    // nothing the renderer can ask shows the token
    for (const m of ['session', 'syncStatus', 'diagnostics', 'settings'] as const) {
      expect(JSON.stringify(await d.api.call(m, {}))).not.toMatch(/[A-Za-z0-9_-]{40,}/);
    }
    // the softphone is provisioned from the login: the page gets no password, the host signs challenges (HA1)
    expect(s.sip).toMatchObject({ extension: '1001', server: SIP.server, inUse: true });
    const phone = await d.api.call('softphoneConfig', {});
    expect(phone).toMatchObject({ server: SIP.server, uri: 'sip:1001@pbx.example.com', password: '' });
    expect(phone!.user).toMatch(/^\d+:1001$/);
    const secret = createHmac('sha1', SIP.secret).update(phone!.user).digest('base64');
    const ha1 = createHash('md5').update(`${phone!.user}:${SIP.realm}:${secret}`).digest('hex');
    expect(await d.api.call('softphoneCredential', { realm: SIP.realm })).toEqual({ ha1 });
    cursorAfterNina = (await until(() => d.api.call('syncStatus', {}), (v) => v.cursor > 0)).cursor;
    expect(pulls.filter((u) => /after=0\b/.test(u)).length).toBe(1);
  });

  it("a refused token ends the session; the agent's unsent work is kept, tagged with them", async () => {
    await d.api.call('agentStateSet', { state: 'break', reason: 'lunch' }); // nina goes to lunch, then her shift ends
    ninaDraft = (await d.api.call('caseStart', { callId: 'call-n1', customerId: 'C1' })).caseId;
    await d.api.call('caseSave', { caseId: ninaDraft, notes: 'nina was typing this' });
    // the hub revokes (or expires) nina's tokens; her case is submitted meanwhile
    await hub.query("DELETE FROM tokens WHERE user_id = (SELECT id FROM users WHERE name = 'nina')");
    ninaCase = (await d.api.call('caseStart', { callId: 'call-n2', customerId: 'C2' })).caseId;
    await d.api.call('caseSubmit', { caseId: ninaCase, disposition: 'ORDER' });
    await d.api.call('syncNow', {});
    const s = await until(() => d.api.call('session', {}), (v) => v.expired);
    expect(s).toMatchObject({ expired: true, signedIn: false, required: true, user: 'nina' });
    expect(await hubCases()).toEqual([]);
    expect(d.store.sqlite.prepare("SELECT owner FROM outbox WHERE id = ?").pluck().get(ninaCase)).toBe(`nina@${url}`);
  });

  it("a second agent reuses the synced store, sees none of the first agent's drafts and sends none of her work", async () => {
    const before = pulls.length;
    const r = await d.api.call('signIn', { name: 'nick', password: PASSWORD });
    expect(r.ok).toBe(true);
    // nick has no extension: nina's credential is gone with her session; her lunch break is not his
    expect(await d.api.call('softphoneConfig', {})).toBeNull();
    expect((await d.api.call('agentState', {})).chosen).toEqual({ state: 'available', reason: null });
    expect((r as { session: SessionView }).session.othersPending).toBeGreaterThanOrEqual(1);
    const st = await until(() => d.api.call('syncStatus', {}), (v) => v.lastSyncedAt !== null && v.online);
    expect(st.cursor).toBeGreaterThanOrEqual(cursorAfterNina);
    await until(() => pulls.length, (n) => n > before);
    // no second initial sync: every pull continues from the desk's cursor
    expect(pulls.slice(before).filter((u) => /after=0\b/.test(u) || u.includes('snapshot'))).toEqual([]);
    expect((await d.api.call('status', {})).customers).toBe(2);
    expect((await d.api.call('casesOpen', {})).map((c) => c.caseId)).not.toContain(ninaDraft);
    expect(await d.api.call('caseGet', { caseId: ninaDraft })).toBeNull();
    await expect(d.api.call('caseSave', { caseId: ninaDraft, notes: 'not mine' })).rejects.toThrow(/does not exist/);
    expect(st.pending).toBe(0);
    await d.api.call('syncNow', {});
    await new Promise((r) => setTimeout(r, 300));
    expect((await hubCases()).map((c) => c.agent)).not.toContain('nina');
    const out = await d.api.call('signOut', {});
    expect(out).toMatchObject({ ok: true, revoked: true });
    expect(await d.api.call('session', {})).toMatchObject({ signedIn: false, required: true, expired: false });
  });

  it("the first agent's work reaches the hub under her name when she signs in again; her draft is back", async () => {
    const r = await d.api.call('signIn', { name: 'nina', password: PASSWORD });
    expect(r.ok).toBe(true);
    const cases = await until(hubCases, (rows) => rows.some((c) => c.case_id === ninaCase));
    expect(cases.find((c) => c.case_id === ninaCase)?.agent).toBe('nina');
    expect((await d.api.call('casesOpen', {})).map((c) => c.caseId)).toContain(ninaDraft);
    expect((await d.api.call('session', {})).othersPending).toBe(0);
  });

  it('the role comes from the hub: a supervisor gets the supervisor entry, an agent not', async () => {
    expect((await d.api.call('supervisorMe', {}))?.supervisor).toBe(false);
    const r = await d.api.call('signIn', { name: 'sam', password: PASSWORD }); // Sign in as another agent: nina's session ends
    expect(r.ok && r.session.role).toBe('supervisor');
    expect((await d.api.call('supervisorMe', {}))?.supervisor).toBe(true);
  });

  it("an account that sees no customers is told so at sign-in, and sees none of the last agent's", async () => {
    const r = await d.api.call('signIn', { name: 'lou', password: PASSWORD });
    expect(r.ok && r.session.customersVisible).toBe(false);
    expect(r.ok && r.session.notice).toBeTruthy();
    // the team's customers of the agent before are gone before lou sees the app
    expect((await d.api.call('status', {})).customers).toBe(0);
  });
});

describe('a desk with no hub preset', () => {
  it('signs in at a typed hub address: the demo set goes, the desk asks for a sign-in from then on', async () => {
    const t = tempDir();
    const config = loadDesktopConfig({}, { PRONTO_SYNC_THREAD: '0', PRONTO_CHECKPOINT_THREAD: '0', PRONTO_CALL_WRITER_THREAD: '0', PRONTO_SYNC_SNAPSHOT: '0' });
    const d = await startDesktop({ config, dataDir: t.dir, host: 'web', log: () => {} });
    cleanups.push(t.cleanup, () => d.stop());
    expect(d.demo).not.toBeNull(); // standalone first start: the demo set, no sign-in asked
    expect(await d.api.call('session', {})).toMatchObject({ mode: 'none', required: false, hubPreset: false, hubUrl: null });
    const r = await d.api.call('signIn', { hubUrl: `${url}/`, name: 'nick', password: PASSWORD });
    expect(r.ok).toBe(true);
    const status = await until(() => d.api.call('status', {}), (v) => v.customers === 2);
    expect(status).toMatchObject({ customers: 2, demo: null });
    await d.api.call('signOut', {});
    // the store now holds the hub's customers: nobody uses it without signing in there
    expect(await d.api.call('session', {})).toMatchObject({ signedIn: false, required: true, hubPreset: false, hubUrl: url });
  });
});
