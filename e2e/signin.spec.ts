// Sign in once (issue 20), in Chromium through the web host against a real hub (PGlite in
// memory, 127.0.0.1). The hub address is preset by an installer's pronto.conf in the data dir, so
// the first start shows the sign-in screen with name and password only. Sign in → a synced
// customer pops; a wrong password and a disabled account are said in words; a token the hub
// revokes ends the session ("Your session expired — sign in again") with the agent's unsent work
// kept; a second agent on the same desk gets no second initial sync and none of the first agent's
// drafts; the first agent's work reaches the hub under their name when they sign in again; a
// supervisor sees the supervisor entry, an agent does not.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import type { FastifyInstance } from 'fastify';
import { openStore, type Store } from '../src-hub/db/store';
import { buildHub } from '../src-hub/http/app';
import { importFeed } from '../src-hub/feeds/import';
import { addUser, setTeam, setUserDisabled, setUserExtension } from '../src-hub/admin';
import { randomBytes } from 'node:crypto';
import { startPbx } from '../test-support/pbx/pbx-process';
import { callRow, parseMessageLog, runSipp } from '../test-support/sipp/sipp';
import { freeUdpPort } from '../test-support/pbx/pbx-process';
import { setQueue } from '../src-hub/agents/queues';
import { recordEvents } from '../src-hub/agents/events';
import { simulateCall } from './support/fixtures';
import { api } from './support/server';
import { SHOTS_DIR } from './support/shots';
import { CHROMIUM, CHROMIUM_MEDIA_ARGS } from './support/chromium';
import { startCasesHost, type CasesHost } from './support/cases';

const PASSWORD = 'long enough password';
const SHOTS = SHOTS_DIR;
const FEEDS = {
  products: `sku,name,category,family,tier,price,currency,margin
HP1,Espresso machine,machines,espresso,1,299.00,EUR,0.3
`,
  customers: `customer_id,name,company,email,segment,region,country,phones,created_at
HK0,Hub Caller,Hub Srl,hk0@example.com,SMB,Isole,IT,office=091 555 0100,2021-05-01
HK1,Second Caller,Second Srl,hk1@example.com,SMB,Isole,IT,office=091 555 0101,2021-05-01
HK2,Third Caller,Third Srl,hk2@example.com,SMB,Isole,IT,office=091 555 0102,2021-05-01
`,
  purchases: `order_id,customer_id,sku,quantity,amount,currency,purchased_at
HO0,HK0,HP1,1,299.00,EUR,2025-01-10T09:00:00Z
`,
};

let hub: Store;
let app: FastifyInstance;
let host: CasesHost;
let root: string;
let hubUrl: string;
/** The hub's clock runs ahead by this much (a token's expiry without waiting a shift). */
let hubAheadMs = 0;
/** Pulls from the start and snapshot requests: each is an initial sync. */
const initialSyncs: string[] = [];

test.describe.configure({ mode: 'serial' });
// the agents' usual laptop screen (the screenshots in SHOTS_DIR are taken at it)
// a fake microphone: the softphone places real calls here (the supervisor's call back)
test.use({ viewport: { width: 1366, height: 768 }, permissions: ['microphone'], launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_MEDIA_ARGS } });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  hub = await openStore({});
  for (const kind of ['products', 'customers', 'purchases'] as const) {
    const r = await importFeed(hub, kind, Buffer.from(FEEDS[kind]), { file: `${kind}.csv`, full: false });
    if (!r.ok) throw new Error(r.problems.join('\n'));
  }
  await setTeam(hub, 'Islands', ['Isole']);
  for (const [name, role] of [['ivo', 'agent'], ['ada', 'agent'], ['sue', 'supervisor'], ['dan', 'agent']] as const) {
    await addUser(hub, { name, role, team: 'Islands', password: PASSWORD });
  }
  await addUser(hub, { name: 'lou', role: 'agent', team: null, password: PASSWORD }); // no team: no customers
  app = await buildHub({ store: hub, live: { coalesceMs: 20 }, loginRateLimit: { max: 1000, timeWindow: '1 minute' }, now: () => Date.now() + hubAheadMs });
  app.addHook('onRequest', async (req) => {
    if (/^\/v1\/sync\/pull\?(.*&)?after=0(&|$)/.test(req.url) || req.url.startsWith('/v1/sync/snapshot')) initialSyncs.push(req.url);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  hubUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  root = mkdtempSync(join(tmpdir(), 'pronto-e2e-signin-'));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir, { recursive: true });
  // the installer's preset: agents type only their name and password
  writeFileSync(join(dataDir, 'pronto.conf'), `# preset by the installer\nPRONTO_HUB_URL=${hubUrl}\n`);
  host = await startCasesHost(dataDir);
});

test.afterAll(async () => {
  await host?.stop();
  await app?.close();
  await hub?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function signIn(page: Page, name: string, password = PASSWORD): Promise<void> {
  await page.getByTestId('signin-name').fill(name);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
}

/** Signed in: the page reloaded into the app for this agent. */
async function signedInAs(page: Page, name: string): Promise<void> {
  await expect(page.getByTestId('account')).toHaveAttribute('data-user', name, { timeout: 20_000 });
  await expect(page.getByTestId('signin-screen')).toHaveCount(0);
}

test('first start with a preset hub: the sign-in screen asks for name and password only; a wrong password is said in words', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('signin-screen')).toBeVisible();
  await expect(page.getByTestId('signin-hub-preset')).toContainText(hubUrl);
  await expect(page.getByTestId('signin-hub')).toHaveCount(0);
  await expect(page.getByTestId('signin-name')).toBeFocused();
  await page.screenshot({ path: `${SHOTS}/signin-preset.png` });

  await signIn(page, 'ivo', 'not the password');
  await expect(page.getByTestId('signin-password-error')).toHaveText('Wrong user name or password.');
  await expect(page.getByTestId('signin-password')).toHaveValue('');
  await page.screenshot({ path: `${SHOTS}/signin-wrong-password.png` });

  // both languages
  await page.evaluate(() => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('pronto.lang', 'it'));
  await page.reload();
  await expect(page.getByTestId('signin-submit')).toHaveText('Accedi');
  await signIn(page, 'ivo', 'not the password');
  await expect(page.getByTestId('signin-password-error')).toHaveText('Nome utente o password errati.');
  await page.screenshot({ path: `${SHOTS}/signin-it.png` });
  await page.evaluate(() => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('pronto.lang', 'en'));
});

test('a disabled account is told so', async ({ page }) => {
  await setUserDisabled(hub, 'dan', true);
  await page.goto(host.url);
  await signIn(page, 'dan');
  await expect(page.getByTestId('signin-name-error')).toHaveText('This account is disabled. Ask your supervisor or administrator.');
  await page.screenshot({ path: `${SHOTS}/signin-disabled.png` });
});

test('sign in → the customers sync → a synced customer pops; an agent has no supervisor entry', async ({ page }) => {
  await page.goto(host.url);
  await signIn(page, 'ivo');
  await signedInAs(page, 'ivo');
  await expect(page.getByTestId('account-role')).toHaveText('Agent');
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '3', { timeout: 30_000 });
  await simulateCall(page, '091 555 0100');
  await expect(page.getByTestId('pop')).toHaveAttribute('data-customer-id', 'HK0');
  // one initial sync (the snapshot it asks for first, then the stream from 0)
  expect(initialSyncs.length).toBeGreaterThan(0);
  expect(initialSyncs.filter((u) => u.startsWith('/v1/sync/pull')).length).toBe(1);
  await expect(page.getByTestId('view-tabs')).toHaveCount(0);
});

test("an expired token ends the session, the agent's unsent work kept; a second agent on the desk: no second initial sync, none of the first agent's drafts", async ({ page }) => {
  await page.goto(host.url);
  await signedInAs(page, 'ivo');
  // a draft ivo leaves open
  await simulateCall(page, '091 555 0101');
  await expect(page.getByTestId('pop')).toHaveAttribute('data-customer-id', 'HK1');
  await page.getByTestId('case-notes').fill("Ivo's draft: call back about the grinder");
  await expect(page.getByTestId('case-saved')).toBeVisible();
  const draftId = await page.getByTestId('case-panel').getAttribute('data-case-id');
  // ivo's token expires: the hub's clock passes the working shift (10 h) since its last use
  hubAheadMs += 11 * 3600_000;
  await simulateCall(page, '091 555 0102');
  await expect(page.getByTestId('pop')).toHaveAttribute('data-customer-id', 'HK2');
  await page.getByTestId('case-disposition').selectOption('ORDER');
  await page.getByTestId('case-notes').fill('Ordered while the token was revoked.');
  const unsentId = await page.getByTestId('case-panel').getAttribute('data-case-id');
  await page.getByTestId('case-submit').click();
  await expect(page.getByTestId('case-panel')).toHaveAttribute('data-status', 'submitted');
  await api(host.url, 'syncNow', {});
  await expect(page.getByTestId('signin-expired')).toHaveText('Your session expired — sign in again. Your unsent work is kept and will be sent.', { timeout: 20_000 });
  await expect(page.getByTestId('signin-name')).toHaveValue('ivo');
  await page.screenshot({ path: `${SHOTS}/signin-expired.png` });
  expect(await hub.query('SELECT case_id FROM cases')).toEqual([]);

  // the next shift: ada on the same desk
  const before = initialSyncs.length;
  await signIn(page, 'ada');
  await signedInAs(page, 'ada');
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '3');
  await expect.poll(async () => (await api<{ lastSyncedAt: string | null; online: boolean }>(host.url, 'syncStatus', {})).online, { timeout: 20_000 }).toBe(true);
  await api(host.url, 'syncNow', {});
  await page.waitForTimeout(500);
  expect(initialSyncs.length).toBe(before); // the desk's store is reused
  await expect(page.getByText("Ivo's draft", { exact: false })).toHaveCount(0);
  const open = await api<{ caseId: string }[]>(host.url, 'casesOpen', {});
  expect(open.map((c) => c.caseId)).not.toContain(draftId);
  expect(await api(host.url, 'caseGet', { caseId: draftId })).toBeNull();
  expect((await api<{ pending: number }>(host.url, 'syncStatus', {})).pending).toBe(0);
  expect(await hub.query('SELECT case_id FROM cases WHERE case_id = $1', [unsentId])).toEqual([]);
  await page.screenshot({ path: `${SHOTS}/signin-second-agent.png` });

  // ada signs out: the sign-in screen again
  await page.getByTestId('account-signout').click();
  await expect(page.getByTestId('signin-screen')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('signin-others-pending')).toBeVisible();

  // ivo is back: his case goes to the hub under his name, his draft is his again
  await signIn(page, 'ivo');
  await signedInAs(page, 'ivo');
  await expect.poll(async () => hub.query('SELECT agent, notes FROM cases WHERE case_id = $1', [unsentId]), { timeout: 30_000 })
    .toEqual([{ agent: 'ivo', notes: 'Ordered while the token was revoked.' }]);
  const mine = await api<{ caseId: string }[]>(host.url, 'casesOpen', {});
  expect(mine.map((c) => c.caseId)).toContain(draftId);
  expect(initialSyncs.length).toBe(before);
  await page.getByTestId('account-signout').click();
  await expect(page.getByTestId('signin-screen')).toBeVisible({ timeout: 20_000 });
});

test('an account without a team is told it sees no customers, at sign-in and beside the sync status', async ({ page }) => {
  await page.goto(host.url);
  await signIn(page, 'lou');
  await signedInAs(page, 'lou');
  await expect(page.getByTestId('no-customers-banner')).toHaveText('Your account sees no customers (no team, or a team without regions). Ask your administrator.');
  await expect(page.getByTestId('sync-notice')).toHaveAttribute('aria-label', 'No customers');
  // the last agent's team's customers went before lou saw the app
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '0');
  await page.screenshot({ path: `${SHOTS}/signin-no-customers.png` });
  await page.getByTestId('account-signout').click();
  await expect(page.getByTestId('signin-screen')).toBeVisible({ timeout: 20_000 });
});

test('a supervisor sees the supervisor entry (the role comes from the hub)', async ({ page }) => {
  await page.goto(host.url);
  await signIn(page, 'sue');
  await signedInAs(page, 'sue');
  await expect(page.getByTestId('account-role')).toHaveText('Supervisor');
  await expect(page.getByTestId('view-tabs')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('view-queues')).toBeVisible();
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '3', { timeout: 30_000 });
  await expect.poll(async () => (await api<{ online: boolean; pending: number }>(host.url, 'syncStatus', {})), { timeout: 20_000 }).toMatchObject({ online: true, pending: 0 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}/signin-supervisor.png` });
});

test('no hub preset (a standalone desk): Settings → Sign in asks for the hub address too; an unreachable hub is said next to it', async ({ page }) => {
  // the shared standalone e2e host (global-setup.ts): signing in there is only tried against a closed port
  const standalone = process.env.PRONTO_E2E_URL;
  expect(standalone, 'run through playwright.config.ts').toBeTruthy();
  await page.goto(standalone!);
  await expect(page.getByTestId('signin-screen')).toHaveCount(0);
  await page.getByTestId('account-signin').click();
  await expect(page.getByTestId('signin-hub')).toBeFocused();
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-hub-error')).toHaveText('Required.');
  await page.screenshot({ path: `${SHOTS}/signin-form-required.png` });
  await page.getByTestId('signin-hub').fill('http://127.0.0.1:9');
  await signIn(page, 'ivo');
  await expect(page.getByTestId('signin-hub-error')).toHaveText('The hub cannot be reached. Check the address and the network, then try again.');
  await page.screenshot({ path: `${SHOTS}/signin-unreachable.png` });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('signin-screen')).toHaveCount(0);
});

test("sign in → the softphone registers at the real PBX with the hub's time-limited credential (autheph) → a ringing call pops the synced customer; a supervisor calls back a caller who gave up", async ({ page }) => {
  test.setTimeout(120_000);
  // Kamailio with SIGNIN-HUB's autheph.cfg; a hub (same store) that hands out its credentials
  const dir = join(root, 'autheph');
  mkdirSync(dir, { recursive: true });
  const secret = `pronto-e2e-${randomBytes(12).toString('base64url')}`;
  writeFileSync(join(dir, 'autheph.secret'), `${secret}\n`, { mode: 0o600 });
  const trunkPort = await freeUdpPort();
  const pbx = await startPbx({ authephSecretFile: join(dir, 'autheph.secret'), mediaBridge: false, trunkGw: `sip:127.0.0.1:${trunkPort}` });
  const sipHub = await buildHub({
    store: hub, loginRateLimit: { max: 1000, timeWindow: '1 minute' },
    sip: { server: pbx.wsUrl, domain: '127.0.0.1', realm: 'pronto.local', secret, credentialHours: 10 },
  });
  let desk: CasesHost | null = null;
  try {
    await sipHub.listen({ host: '127.0.0.1', port: 0 });
    const a = sipHub.server.address();
    const sipHubUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    await setUserExtension(hub, 'ivo', '1001');
    const data = join(dir, 'data');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'pronto.conf'), `PRONTO_HUB_URL=${sipHubUrl}\n`);
    desk = await startCasesHost(data);

    await page.goto(desk.url);
    await signIn(page, 'ivo');
    await signedInAs(page, 'ivo');
    // no SIP settings typed: the page registers with what the host holds (HA1 of the hub's credential)
    await expect(page.getByTestId('sip-registration')).toHaveAttribute('data-state', 'registered', { timeout: 20_000 });
    expect(await pbx.dump()).toMatch(/AoR: 1001\b/);
    const session = await api<{ sip: { extension: string; server: string } | null }>(desk.url, 'session', {});
    expect(session.sip).toMatchObject({ extension: '1001', server: pbx.wsUrl });
    const phone = await api<{ user: string; password: string }>(desk.url, 'softphoneConfig', {});
    expect(phone.user).toMatch(/^\d+:1001$/);
    expect(phone.password).toBe(''); // the credential's secret never reaches the page
    await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '3', { timeout: 30_000 });

    // a carrier's call to 1001 rings the softphone: the pop shows the synced customer
    const ringing = runSipp({ scenario: 'uac-invite-cancel', remote: pbx.udpPort, csv: [callRow({ caller: '0915550100', target: '1001' })], pauseMs: 4_000, timeoutS: 25 });
    await expect(page.getByTestId('pop')).toHaveAttribute('data-customer-id', 'HK0', { timeout: 15_000 });
    await page.screenshot({ path: `${SHOTS}/signin-softphone-pop.png` });
    await ringing;

    // sign out: the softphone stops (unregisters) with the session
    await page.getByTestId('account-signout').click();
    await expect(page.getByTestId('signin-screen')).toBeVisible({ timeout: 20_000 });
    await expect.poll(async () => /AoR: 1001\b/.test(await pbx.dump()), { timeout: 10_000 }).toBe(false);

    // a supervisor on the same desk calls back a caller who gave up, from the call-back list: the
    // softphone (registered with her own hub credential) dials out through the PBX to the trunk
    await setUserExtension(hub, 'sue', '1002');
    await setQueue(hub, { name: 'islands', number: '650', team: 'Islands' });
    const gaveUp = '+390915550199';
    const t0 = Date.now() - 60_000;
    await recordEvents(hub, [
      { id: `cb-${t0}-1`, at: new Date(t0).toISOString(), kind: 'queue.entered', source: 'pbx', callId: `cb-${t0}`, queue: 'islands', caller: gaveUp },
      { id: `cb-${t0}-2`, at: new Date(t0 + 30_000).toISOString(), kind: 'queue.abandoned', source: 'pbx', callId: `cb-${t0}`, queue: 'islands', caller: gaveUp, data: { waitMs: 30_000 } },
    ]);
    await signIn(page, 'sue');
    await signedInAs(page, 'sue');
    await expect(page.getByTestId('sip-registration')).toHaveAttribute('data-state', 'registered', { timeout: 20_000 }).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${pbx.logs().split('\n').filter((l) => /REGISTER|auth|ERROR|WARN|NOTICE/.test(l)).slice(-30).join('\n')}\n${JSON.stringify(await api(desk!.url, 'session', {}))}`);
    });
    await page.getByTestId('view-queues').click();
    const item = page.locator(`[data-testid="callback-item"][data-caller="${gaveUp}"]`);
    await expect(item).toBeVisible({ timeout: 20_000 });
    const gw = runSipp({ scenario: 'uas-ring', localPort: trunkPort, timeoutS: 20 });
    await page.waitForTimeout(300); // SIPp binds its port
    await item.getByTestId('callback-dial').click();
    await expect(page.locator('[data-testid="call-card"][data-direction="outbound"]').first()).toBeVisible({ timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/supervisor-callback-dial.png` });
    await page.locator('[data-testid="call-card"][data-direction="outbound"]').first().getByTestId('call-hangup').click();
    const rang = await gw;
    const invite = parseMessageLog(rang.messageLog).find((m) => m.direction === 'received' && m.kind === 'INVITE');
    expect(invite?.firstLine, `the trunk got the call back:\n${rang.messageLog.slice(-2000)}`).toContain(gaveUp);
    expect(invite?.header('P-Asserted-Identity'), 'placed as the supervisor\'s extension').toContain('1002');
  } finally {
    await desk?.stop();
    await sipHub.close();
    await pbx.stop();
  }
});
