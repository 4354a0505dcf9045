// The supervisor's Queues view in the app, against a real hub (PGlite in memory, 127.0.0.1,
// random port) and two web hosts synced with it: one signed in with a supervisor's token, one
// with an agent's. The figures come from real events (recordEvents, the record every source
// writes through) and real agent states (the desktop's agentState.set push); a supervisor sets an
// agent's state from the table and the hub has it. Checked with axe; screenshots in
// test-results/supervisor/.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { openStore, type Store } from '../src-hub/db/store';
import { buildHub } from '../src-hub/http/app';
import { addUser, issueToken, setTeam } from '../src-hub/admin';
import { setQueue } from '../src-hub/agents/queues';
import { recordEvents, type RawEvent } from '../src-hub/agents/events';
import { agentByName } from '../src-hub/agents/states';
import { api, startServe, type ServeHandle } from './support/server';

const SHOTS = join('test-results', 'supervisor');
const PASSWORD = 'long enough password';

let hub: Store;
let app: FastifyInstance;
let hubUrl: string;
let root: string;
let supHost: ServeHandle;
let agentHost: ServeHandle;
const tokens: Record<string, string> = {};

const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
let n = 0;
const ev = (kind: string, queue: string, callId: string, atS: number, extra: Partial<RawEvent> = {}): RawEvent =>
  ({ id: `e2e-sup-${++n}-${randomUUID().slice(0, 8)}`, at: ago(atS), kind, source: 'pbx', callId, queue, ...extra });

/** One call: entered `enteredS` ago from `caller`, then answered / abandoned / timed out after `waitS`, or still waiting. */
function call(queue: string, caller: string, enteredS: number, waitS: number | null, outcome: 'answered' | 'abandoned' | 'timedOut' | 'waiting', agent = 'nina'): RawEvent[] {
  const id = `call-${queue}-${randomUUID()}`;
  const out = [ev('queue.entered', queue, id, enteredS, { caller })];
  if (outcome === 'answered') {
    out.push(ev('queue.answered', queue, id, enteredS - waitS!, { agent, caller, data: { waitMs: waitS! * 1000 } }));
    if (enteredS - waitS! > 65) out.push(ev('call.ended', queue, id, enteredS - waitS! - 60, { agent }));
  }
  if (outcome === 'abandoned') out.push(ev('queue.abandoned', queue, id, enteredS - waitS!, { caller, data: { waitMs: waitS! * 1000 } }));
  if (outcome === 'timedOut') out.push(ev('queue.timed_out', queue, id, enteredS - waitS!, { caller, data: { waitMs: waitS! * 1000 } }));
  return out;
}

async function pushState(name: string, state: string, reason: string | null = null) {
  const res = await fetch(`${hubUrl}/v1/sync/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[name]}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      clientId: `e2e-sup-${name}`,
      mutations: [{ id: randomUUID(), seq: Date.now(), kind: 'agentState.set', payload: { eventId: randomUUID(), state, reason, at: new Date().toISOString(), cause: state === 'oncall' ? 'call' : 'agent', callId: null } }],
    }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(((await res.json()) as { rejected: unknown[] }).rejected).toEqual([]);
}

async function shot(page: Page, name: string, fullPage = false) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** Axe over what this view adds (the tabs, the view, its dialog); the header is another spec's. */
async function seriousAxe(page: Page) {
  const r = await new AxeBuilder({ page }).include('[data-testid="view-tabs"]').include('[data-testid="queues-view"]').analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((x) => x.target.join(' ')).join(', ')})`);
}

const tile = (page: Page, queue: string) => page.locator(`[data-testid="queue-tile"][data-queue="${queue}"]`);
const row = (page: Page, agent: string) => page.locator(`[data-testid="agent-row"][data-agent="${agent}"]`);

test.beforeAll(async () => {
  test.setTimeout(180_000);
  hub = await openStore({});
  await setTeam(hub, 'North', ['Nord']);
  await addUser(hub, { name: 'sam', role: 'supervisor', team: 'North', password: PASSWORD });
  for (const [name, extension] of [['nina', '1001'], ['otto', '1002'], ['pia', '1003'], ['mara', '1004'], ['lou', '1005']] as const) {
    await addUser(hub, { name, role: 'agent', team: 'North', password: PASSWORD, extension });
    tokens[name] = await issueToken(hub, name);
  }
  tokens.sam = await issueToken(hub, 'sam');
  await setQueue(hub, { name: 'sales', number: '600', team: 'North' });
  await setQueue(hub, { name: 'support', number: '601', team: 'North' });
  app = await buildHub({ store: hub });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  hubUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

  // The morning so far (minutes ago). sales: two answered in time, one after 40 s, a caller who
  // gave up after 50 s, one timed out, one waiting 45 s (past the 20 s target). support: answered.
  await recordEvents(hub, [
    ...call('sales', '+39 02 5550 1001', 1500, 6, 'answered'), ...call('sales', '+39 02 5550 1002', 1300, 12, 'answered', 'otto'),
    ...call('sales', '+39 02 5550 1003', 1100, 40, 'answered'), ...call('sales', '+39 02 5550 1004', 900, 50, 'abandoned'),
    ...call('sales', '+39 02 5550 1005', 700, 120, 'timedOut'), ...call('sales', '+39 02 5550 1006', 45, null, 'waiting'),
    ...[1400, 1000, 600, 300].flatMap((t, i) => call('support', `+39 06 5550 200${i}`, t, 3 + i, 'answered', 'pia')),
  ]);
  await pushState('nina', 'oncall');
  await pushState('otto', 'break', 'lunch');
  await pushState('pia', 'available');
  // mara: never signed in (offline); lou: the agent whose desktop runs below (it reports lou's own state)

  root = mkdtempSync(join(tmpdir(), 'pronto-e2e-sup-'));
  [supHost, agentHost] = await Promise.all([
    startServe(join(root, 'sup'), { env: { PRONTO_HUB_URL: hubUrl, PRONTO_HUB_TOKEN: tokens.sam }, timeoutMs: 120_000 }),
    startServe(join(root, 'agent'), { env: { PRONTO_HUB_URL: hubUrl, PRONTO_HUB_TOKEN: tokens.lou }, timeoutMs: 120_000 }),
  ]);
});

test.afterAll(async () => {
  await Promise.all([supHost?.stop(), agentHost?.stop()]);
  await app?.close();
  await hub?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

test('an agent gets no Queues entry (the hub says agent)', async ({ page }) => {
  expect(await api<{ role: string; supervisor: boolean }>(agentHost.url, 'supervisorMe', {})).toMatchObject({ role: 'agent', supervisor: false });
  await page.goto(agentHost.url);
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-configured', 'true');
  await page.waitForTimeout(1500); // the answer of supervisorMe has long arrived
  await expect(page.getByTestId('view-tabs')).toHaveCount(0);
  await expect(page.getByTestId('queues-view')).toHaveCount(0);
});

test("a supervisor's Queues view: tiles, chart, agents, call-back list, a queue's calls; live; set an agent's state", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(supHost.url);
  await page.getByTestId('view-queues').click();
  const view = page.getByTestId('queues-view');
  await expect(view).toBeVisible();

  // sales: 6 offered; answered in 20 s: 2 of (3 answered + 1 abandoned + 1 timed out) → 40 %,
  // plus the caller waiting past T counts as a miss live: 2 / 6 → 33 %
  const sales = tile(page, 'sales');
  await expect(sales).toHaveAttribute('data-waiting', '1');
  await expect(sales.getByTestId('tile-sl')).toHaveText('33%');
  await expect(sales.getByTestId('tile-sl-word')).toContainText('far below target');
  await expect(sales).toHaveAttribute('data-band', 'bad');
  await expect(sales.getByTestId('tile-abandon')).toHaveText('17%');
  await expect(tile(page, 'support').getByTestId('tile-sl')).toHaveText('100%');
  await expect(page.getByTestId('queues-age')).toHaveAttribute('data-stale', 'false');

  // the agents, from their states at the hub
  await expect(row(page, 'nina')).toHaveAttribute('data-state', 'oncall');
  await expect(row(page, 'otto')).toHaveAttribute('data-state', 'break');
  await expect(row(page, 'otto')).toContainText('Lunch');
  await expect(row(page, 'mara')).toHaveAttribute('data-state', 'offline');
  // the chart has today's quarter hours
  await expect.poll(async () => Number(await page.getByTestId('queue-chart').getAttribute('data-points'))).toBeGreaterThan(0);
  // the call-back list: the caller who gave up and the one timed out, newest first
  await expect(page.getByTestId('callback-item')).toHaveCount(2);
  await expect(page.getByTestId('callback-item').first()).toHaveAttribute('data-caller', '+39 02 5550 1005');
  await shot(page, '1-queues', true);
  expect(await seriousAxe(page)).toEqual([]);

  // sort: by handled, descending on the second click (aria-sort says so)
  await page.getByTestId('sort-handled').click();
  await page.getByTestId('sort-handled').click();
  await expect(page.locator('th', { has: page.getByTestId('sort-handled') })).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByTestId('agent-row').first()).toHaveAttribute('data-agent', 'pia');
  // filter: on break
  await page.getByTestId('filter-state').selectOption('break');
  await expect(page.getByTestId('agent-row')).toHaveCount(1);
  await page.getByTestId('filter-state').selectOption('');

  // a tile opens the day's calls of its queue
  await sales.click();
  const calls = page.getByTestId('queue-calls');
  await expect(calls).toBeVisible();
  await expect(calls.getByTestId('queue-call')).toHaveCount(6);
  await expect(calls.getByTestId('queue-call').first()).toHaveAttribute('data-outcome', 'waiting');
  await shot(page, '2-queue-calls');
  expect(await seriousAxe(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(calls).toHaveCount(0);

  // live: a new caller enters support; the tile follows within seconds, no reload
  await recordEvents(hub, call('support', '+39 06 5550 2999', 1, null, 'waiting'));
  await expect(tile(page, 'support')).toHaveAttribute('data-waiting', '1', { timeout: 10_000 });

  // the supervisor sends otto back to Available; the hub has it, set by sam, and the table follows
  await row(page, 'otto').getByTestId('set-state').selectOption('available');
  await row(page, 'otto').getByTestId('set-state-apply').click();
  await expect.poll(async () => (await agentByName(hub, 'otto'))?.setBy, { timeout: 10_000 }).toBe('sam');
  expect((await agentByName(hub, 'otto'))?.desktopState).toBe('available');
  await expect(row(page, 'otto')).not.toHaveAttribute('data-state', 'break', { timeout: 10_000 });
  // and puts pia on a break with a reason
  await row(page, 'pia').getByTestId('set-state').selectOption('break:training');
  await row(page, 'pia').getByTestId('set-state-apply').click();
  await expect(row(page, 'pia')).toHaveAttribute('data-state', 'break', { timeout: 10_000 });
  await expect(row(page, 'pia')).toContainText('Training');
  await shot(page, '3-after-changes', true);

  // in Italian
  await page.getByTestId('lang-switch').locator('button[title="Italiano"]').click();
  await expect(page.getByRole('heading', { name: 'Code di oggi' })).toBeVisible();
  await shot(page, '4-italiano', true);
  expect(await seriousAxe(page)).toEqual([]);
  await page.getByTestId('lang-switch').locator('button[title="English"]').click();

  // back to calls: the pop is where it was
  await page.getByTestId('view-calls').click();
  await expect(view).toHaveCount(0);
});
