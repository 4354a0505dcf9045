// The agent's state in the header, through the web host in Chromium: Break with a reason (mouse
// and keyboard), back to Available, Sign out, and the states calls drive (a call offered to the
// host the way the softphone reports it: incomingCall → callProgress). Screenshots of the header
// in each state go to test-results/agent-state/. Then, with a stand-in hub: what reaches the hub
// (each change once, with its own time) and a supervisor's change (shown with their name, not
// sent back).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { WebSocketServer } from 'ws';
import { expect, test } from './support/fixtures';
import { api, startServe, type ServeHandle } from './support/server';

const SHOTS = 'test-results/agent-state';

async function headerShot(page: Page, name: string, withMenu = false): Promise<void> {
  const header = page.locator('header.topbar');
  const box = (await header.boundingBox())!;
  const menu = withMenu ? await page.getByTestId('agent-state-menu').boundingBox() : null;
  const height = menu ? Math.max(box.height, menu.y + menu.height + 8) : box.height;
  await page.screenshot({ path: `${SHOTS}/${name}.png`, clip: { x: 0, y: 0, width: box.width, height } });
}

/** The time in state ticks: m:ss, and a later reading is not earlier. */
async function expectTicking(time: Locator): Promise<void> {
  await expect(time).toHaveText(/^\d+:\d{2}$/);
  const first = await time.textContent();
  await expect.poll(async () => (await time.textContent()) !== first, { timeout: 3_000 }).toBe(true);
}

test('Break with a reason, back to Available, sign out, and the states calls drive', async ({ app: page, e2e }) => {
  test.setTimeout(60_000);
  const state = page.getByTestId('agent-state');
  await expect(state).toHaveAttribute('data-state', 'available');
  await expect(state).toHaveAttribute('aria-haspopup', 'menu');
  await expect(state).toContainText('Available');
  await expectTicking(page.getByTestId('agent-state-time'));
  await headerShot(page, '1-available');

  // Mouse: one click opens the menu; Break asks for the reason.
  await state.click();
  const menu = page.getByRole('menu');
  await expect(menu).toBeVisible();
  await expect(state).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('menuitemradio', { name: /Available/ })).toBeFocused();
  await page.getByTestId('agent-state-option-break').click();
  await expect(page.getByRole('menu', { name: 'Reason for the break' })).toBeVisible();
  await headerShot(page, '2-break-reasons-menu', true);
  await page.getByTestId('agent-state-reason-lunch').click();
  await expect(menu).toBeHidden();
  await expect(state).toHaveAttribute('data-state', 'break');
  await expect(state).toHaveAttribute('data-reason', 'lunch');
  await expect(state).toContainText('Break');
  await expect(page.getByTestId('agent-state-reason')).toHaveText('Lunch');
  await expect(state).toBeFocused(); // focus back on the control
  await expect(page.getByTestId('agent-state-time')).toHaveText(/^0:0\d$/); // counted from the change
  await headerShot(page, '3-break-lunch');
  expect(await api<{ state: string; reason: string | null; hub: boolean }>(e2e.url, 'agentState', {})).toMatchObject({ state: 'break', reason: 'lunch', hub: false });

  // Keyboard: Ctrl+Shift+A is Available; Ctrl+Shift+B asks for the reason (digits pick one).
  await page.locator('body').click({ position: { x: 600, y: 400 } });
  await page.keyboard.press('Control+Shift+A');
  await expect(state).toHaveAttribute('data-state', 'available');
  await page.keyboard.press('Control+Shift+B');
  await expect(page.getByTestId('agent-state-menu')).toHaveAttribute('data-mode', 'reasons');
  await expect(page.getByTestId('agent-state-reason-lunch')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('agent-state-reason-training')).toBeFocused();
  await page.keyboard.press('Escape'); // back to the main menu
  await expect(page.getByTestId('agent-state-menu')).toHaveAttribute('data-mode', 'main');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('agent-state-menu')).toBeHidden();
  await page.keyboard.press('Control+Shift+B');
  await page.keyboard.press('3');
  await expect(state).toHaveAttribute('data-reason', 'meeting');

  // Back to Available from the menu.
  await state.click();
  await page.getByTestId('agent-state-option-available').click();
  await expect(state).toHaveAttribute('data-state', 'available');
  await expect(page.getByTestId('agent-state-reason')).toHaveCount(0);

  // Calls drive Ringing → On call → Wrap-up; a queue's 2 s wrap-up limit returns to Available.
  const callId = `e2e-agent-state-${Date.now()}`;
  await api(e2e.url, 'incomingCall', { callId, identity: '+390000000001', wrapUp: '2;policy=available' });
  await expect(state).toHaveAttribute('data-state', 'ringing');
  await expect(state).toContainText('Ringing');
  await headerShot(page, '4-ringing');
  await api(e2e.url, 'callProgress', { callId, event: 'answered' });
  await expect(state).toHaveAttribute('data-state', 'oncall');
  await expect(state).toContainText('On call');
  await headerShot(page, '5-oncall');
  await api(e2e.url, 'callProgress', { callId, event: 'ended' });
  await expect(state).toHaveAttribute('data-state', 'wrapup');
  await expect(state).toContainText('Wrap-up');
  await headerShot(page, '6-wrapup');
  await expect(state).toHaveAttribute('data-state', 'available', { timeout: 5_000 });
  await expect(state).toHaveAttribute('data-cause', 'timer');

  // Sign out, in Italian; then Available again (the shared store is left as it was).
  await page.locator('.lang-btn[data-lang="it"]').click();
  await state.click();
  await page.getByTestId('agent-state-option-offline').click();
  await expect(state).toHaveAttribute('data-state', 'offline');
  await expect(state).toContainText('Offline');
  await expect(state).toContainText('Uscito');
  await headerShot(page, '7-offline-it');
  await state.click();
  await page.getByTestId('agent-state-option-available').click();
  await expect(state).toHaveAttribute('data-state', 'available');
  await expect(state).toContainText('Disponibile');
  await page.locator('.lang-btn[data-lang="en"]').click();
});

// ---------------------------------------------------------------------------------------------
// With a hub: a stand-in that answers what the desktop asks about agent states (me, break
// reasons, my state), takes its pushes, and sends a supervisor's change over the live socket.

interface FakeHub {
  url: string;
  pushed: { id: string; kind: string; payload: { state: string; reason: string | null; at: string; cause: string } }[];
  sendLive(msg: unknown): void;
  stop(): Promise<void>;
}

async function startFakeHub(): Promise<FakeHub> {
  const pushed: FakeHub['pushed'] = [];
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path === '/v1/me') return send(200, { name: 'nina', role: 'agent', team: 'sales' });
    if (req.method === 'GET' && path === '/v1/break-reasons') {
      return send(200, { reasons: [{ code: 'coffee', labelEn: 'Coffee', labelIt: 'Caffè' }, { code: 'meeting', labelEn: 'Meeting', labelIt: 'Riunione' }] });
    }
    if (req.method === 'GET' && path === '/v1/agents/nina/state') return send(404, { message: 'not yet' });
    if (req.method === 'POST' && path === '/v1/sync/push') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        const { mutations } = JSON.parse(body) as { mutations: (FakeHub['pushed'][number] & { seq: number })[] };
        pushed.push(...mutations.filter((m) => m.kind === 'agentState.set'));
        send(200, { applied: mutations.map((m) => m.id), rejected: [], lastSeq: Math.max(0, ...mutations.map((m) => m.seq)) });
      });
      return;
    }
    send(503, { message: 'this stand-in serves agent states only' });
  });
  const wss = new WebSocketServer({ server, path: '/v1/sync/live' });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pushed,
    sendLive: (msg) => wss.clients.forEach((c) => c.send(JSON.stringify(msg))),
    stop: () => new Promise<void>((r) => {
      wss.clients.forEach((c) => c.terminate());
      wss.close();
      server.close(() => r());
    }),
  };
}

test.describe('with a hub', () => {
  let hub: FakeHub | null = null;
  let served: ServeHandle | null = null;
  let dir = '';

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    hub = await startFakeHub();
    dir = mkdtempSync(join(tmpdir(), 'pronto-e2e-agent-'));
    served = await startServe(join(dir, 'data'), { env: { PRONTO_HUB_URL: hub.url, PRONTO_HUB_TOKEN: 'pht_fake' }, timeoutMs: 100_000 });
  });

  test.afterAll(async () => {
    await served?.stop();
    await hub?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the hub gets each change with its time; a supervisor change shows who made it and is not sent back', async ({ page, problems }) => {
    void problems;
    await page.goto(served!.url);
    const state = page.getByTestId('agent-state');
    await expect(state).toHaveAttribute('data-state', 'available');

    // the hub's break reasons
    await page.keyboard.press('Control+Shift+B');
    await expect(page.getByTestId('agent-state-reason-coffee')).toHaveText(/Coffee/);
    await expect(page.getByTestId('agent-state-reason-lunch')).toHaveCount(0);
    await page.getByTestId('agent-state-reason-coffee').click();
    await expect(state).toHaveAttribute('data-reason', 'coffee');
    await expect.poll(() => hub!.pushed.map((m) => `${m.payload.state}:${m.payload.reason ?? ''}:${m.payload.cause}`), { timeout: 15_000 })
      .toEqual(['offline:softphone not registered:registration', 'available::registration', 'break:coffee:agent']);
    const mine = await api<{ since: string }>(served!.url, 'agentState', {});
    expect(hub!.pushed[2]!.payload.at).toBe(mine.since); // the original time, not the push's
    expect(hub!.pushed[2]!.id).toMatch(/^[0-9a-f-]{36}$/);

    // a supervisor sets Meeting at the hub
    const since = new Date().toISOString();
    await expect.poll(() => {
      hub!.sendLive({ type: 'agentState', state: 'break', reason: 'meeting', since, setBy: 'sam' });
      return state.getAttribute('data-reason');
    }, { timeout: 10_000 }).toBe('meeting');
    await expect(state).toHaveAttribute('data-cause', 'supervisor');
    await expect(page.getByTestId('agent-state-set-by')).toHaveText('Set by sam');
    await headerShot(page, '8-set-by-supervisor');

    // the agent goes back to Available: sent; the supervisor's change never was
    await page.keyboard.press('Control+Shift+A');
    await expect(state).toHaveAttribute('data-state', 'available');
    await expect(page.getByTestId('agent-state-set-by')).toHaveCount(0);
    await expect.poll(() => hub!.pushed.length, { timeout: 15_000 }).toBe(4);
    expect(hub!.pushed.map((m) => m.payload.state)).toEqual(['offline', 'available', 'break', 'available']);
    expect(hub!.pushed.some((m) => m.payload.reason === 'meeting')).toBe(false);
    expect(new Set(hub!.pushed.map((m) => m.id)).size).toBe(4); // exactly once each
  });
});
