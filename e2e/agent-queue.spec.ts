// The agent's state and the real queue, end to end: a Chromium agent (the web host's softphone
// registered at the real Kamailio as 1001, synced with a real hub on PGlite that holds the PBX
// event link) and SIPp callers into queue 600.
//   Break with a reason (clicked in the header) → a caller waits, no queue call rings;
//   back to Available → the waiting call rings within 1 s (the PBX's offer timestamp against the
//   click); the caller gives up while it rings → back to Available, the PBX records an abandon.
//   (Answering a SIPp trunk call needs the media bridge of the media issue: a browser cannot
//   answer a plain RTP/AVP offer. On call and wrap-up are shown by e2e/agent-state.spec.ts.)
//   Screenshots of the header in each state go to test-results/agent-queue/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { openStore, type Store } from '../src-hub/db/store';
import { startQueueLab, type QueueLab } from '../test-support/pbx/queue-lab';
import { startCaller } from '../test-support/sipp/queue-agents';
import { agentByName } from '../src-hub/agents/states';
import { startServe, type ServeHandle } from './support/server';
import { sipEnv } from './support/telephony-lab';
import { CHROMIUM_ARGS } from './support/telephony';
import { CHROMIUM } from './support/chromium';

const SHOTS = 'test-results/agent-queue';

let store: Store;
let lab: QueueLab;
let host: ServeHandle;
let browser: Browser;
let page: Page;
let root: string;

async function headerShot(name: string): Promise<void> {
  const box = (await page.locator('header.topbar').boundingBox())!;
  await page.screenshot({ path: `${SHOTS}/${name}.png`, clip: { x: 0, y: 0, width: box.width, height: box.height } });
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  store = await openStore({});
  lab = await startQueueLab({ store, agents: 2 });
  await lab.queue({ name: 'sales', number: '600', ringSeconds: 10, maxWaitSeconds: 60 });
  await lab.app.listen({ port: 0, host: '127.0.0.1' });
  const hubUrl = `http://127.0.0.1:${(lab.app.server.address() as { port: number }).port}`;
  root = mkdtempSync(join(tmpdir(), 'pronto-agent-queue-'));
  host = await startServe(join(root, 'data'), {
    env: { ...sipEnv(lab.pbx.wsUrl, '1001'), PRONTO_HUB_URL: hubUrl, PRONTO_HUB_TOKEN: lab.tokens.get('a1')! },
    timeoutMs: 180_000,
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', permissions: ['microphone', 'notifications'] });
  page = await context.newPage();
  await page.goto(host.url);
  await expect(page.getByTestId('sip-registration')).toHaveAttribute('data-state', 'registered', { timeout: 30_000 });
});

test.afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await lab?.stop();
  await store?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

test('Break with a reason: no queue call rings; back to Available: the waiting call rings within 1 s', async () => {
  test.setTimeout(120_000);
  const state = page.getByTestId('agent-state');
  await expect(state).toHaveAttribute('data-state', 'available', { timeout: 15_000 });
  await expect.poll(async () => (await agentByName(store, 'a1'))?.state, { timeout: 10_000 }).toBe('available');
  await headerShot('1-available');

  await state.click();
  await page.getByTestId('agent-state-option-break').click();
  await page.getByTestId('agent-state-reason-meeting').click();
  await expect(state).toHaveAttribute('data-state', 'break');
  // the hub has it, with the desktop's own time, and the PBX routes on it
  await expect.poll(async () => (await agentByName(store, 'a1'))?.state, { timeout: 10_000 }).toBe('break');
  await expect.poll(async () => lab.pbx.rpc('htable.get', 'ag', '1001::st'), { timeout: 5_000 }).toContain('break');
  await headerShot('2-break-meeting');

  // patience 9 s: it rings from ~3 s (Available below) and gives up at 9 s
  const caller = await startCaller({ pbx: lab.pbx, caller: '+390299001', number: '600', patienceMs: 9_000, talkMs: 3_000 });
  const entered = await lab.waitEvent((e) => e.kind === 'queue.entered' && e.caller === '+390299001');
  await page.waitForTimeout(2_500);
  await expect(page.getByTestId('call-card')).toHaveCount(0);
  expect((await lab.events()).filter((e) => e.callId === entered.callId && e.kind === 'queue.offered')).toEqual([]);

  await state.click();
  const clicked = Date.now();
  await page.getByTestId('agent-state-option-available').click();
  const card = page.locator('[data-testid="call-card"][data-state="ringing"]').first();
  await expect(card).toBeVisible({ timeout: 5_000 });
  const offered = await lab.waitEvent((e) => e.callId === entered.callId && e.kind === 'queue.offered');
  expect(offered.agent).toBe('a1');
  expect(Date.parse(offered.at) - clicked).toBeLessThan(1000);
  await expect(state).toHaveAttribute('data-state', 'ringing');
  await headerShot('3-ringing');

  const r = await caller.done;
  expect(r.code, r.stderr).toBe(0);
  await expect(page.locator('[data-testid="call-card"][data-state="ringing"]')).toHaveCount(0, { timeout: 10_000 });
  await expect(state).toHaveAttribute('data-state', 'available', { timeout: 10_000 });
  const abandoned = await lab.waitEvent((e) => e.callId === entered.callId && e.kind === 'queue.abandoned');
  expect(abandoned.data.detail).toBe('offering');
  // the desktop's own record reached the hub: break → available → ringing → available
  await expect.poll(async () => (await lab.events()).filter((e) => e.agent === 'a1' && e.kind === 'agent.state' && e.source === 'desktop').map((e) => e.data.state), { timeout: 10_000 })
    .toEqual(expect.arrayContaining(['break', 'available', 'ringing']));
});

test('a supervisor sets the agent on Break: the header follows and says who', async () => {
  const r = await lab.app.inject({ method: 'PUT', url: '/v1/agents/a1/state', headers: { authorization: `Bearer ${lab.tokens.get('boss')}` }, payload: { state: 'break', reason: 'training' } });
  expect(r.statusCode, r.body).toBe(200);
  const state = page.getByTestId('agent-state');
  await expect(state).toHaveAttribute('data-state', 'break', { timeout: 10_000 });
  await expect(state).toHaveAttribute('data-reason', 'training');
  await expect(page.getByTestId('agent-state-set-by')).toContainText('boss');
  await headerShot('6-set-by-supervisor');
  await expect.poll(async () => lab.pbx.rpc('htable.get', 'ag', '1001::st'), { timeout: 5_000 }).toContain('break');
});
