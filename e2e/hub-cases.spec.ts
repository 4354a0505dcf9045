// Cases through a real hub: the web host syncs with a hub started here (PGlite in memory,
// 127.0.0.1, random port; HP1 buyers go on to buy HP3, so the hub's model relates them) → pop with offers ranked by the hub's model → accept one → submit →
// the case and its outcome reach the hub's tables, and `pronto cases` shows it delivered.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import type { FastifyInstance } from 'fastify';
import { openStore, type Store } from '../src-hub/db/store';
import { buildHub } from '../src-hub/http/app';
import { importFeed } from '../src-hub/feeds/import';
import { addUser, issueToken, setTeam } from '../src-hub/admin';
import { trainOffers } from '../src-hub/offers/train';
import { simulateCall } from './support/fixtures';
import { REPO_ROOT } from './support/server';
import { cliCases, startCasesHost, type CasesHost } from './support/cases';
import { openStore as openDesktopStore } from '../src-main/db/store';
import type { SyncThreadProtocol } from '../src-main/services/sync/handle';
import { startWorker } from '../src-shared/node/worker-host';
import { bundledWorkerFile } from '../src-shared/node/worker-entries';

const FEEDS = {
  products: `sku,name,category,family,tier,price,currency,margin
HP1,Espresso machine,machines,espresso,1,299.00,EUR,0.3
HP3,Descaler pack,supplies,care,1,14.90,EUR,0.5
HP9,Grinder,machines,grind,1,99.00,EUR,0.3
`,
  customers: `customer_id,name,company,email,segment,region,country,phones,created_at
HK0,Hub Caller,Hub Srl,hk0@example.com,SMB,Isole,IT,office=091 555 0100,2021-05-01
${[1, 2, 3, 4, 5, 6, 7].map((i) => `HK${i},Buyer ${i},B${i} Srl,hk${i}@example.com,SMB,Isole,IT,office=091 555 010${i},2021-05-01`).join('\n')}
`,
  purchases: `order_id,customer_id,sku,quantity,amount,currency,purchased_at
HO0,HK0,HP1,1,299.00,EUR,2025-01-10T09:00:00Z
${[1, 2, 3, 4].map((i) => `HO${i}a,HK${i},HP1,1,299.00,EUR,2025-01-10T09:00:00Z\nHO${i}b,HK${i},HP3,1,14.90,EUR,2025-03-10T09:00:00Z`).join('\n')}
${[5, 6, 7].map((i) => `HO${i},HK${i},HP9,1,99.00,EUR,2025-02-10T09:00:00Z`).join('\n')}
`,
  credit: `customer_id,credit_limit,currency,payment_terms,status,risk_class,reviewed_at
HK0,5000,EUR,30 days,ok,B,2025-01-01
`,
};

let hub: Store;
let app: FastifyInstance;
let host: CasesHost;
let root: string;
let hubUrl: string;
let token: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  hub = await openStore({});
  for (const kind of ['products', 'customers', 'purchases', 'credit'] as const) {
    const r = await importFeed(hub, kind, Buffer.from(FEEDS[kind]), { file: `${kind}.csv`, full: false });
    if (!r.ok) throw new Error(r.problems.join('\n'));
  }
  await setTeam(hub, 'Islands', ['Isole']);
  await addUser(hub, { name: 'ivo', role: 'agent', team: 'Islands', password: 'long enough password' });
  token = await issueToken(hub, 'ivo');
  await trainOffers(hub);
  app = await buildHub({ store: hub, live: { coalesceMs: 20 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  hubUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  root = mkdtempSync(join(tmpdir(), 'pronto-e2e-hub-'));
  host = await startCasesHost(join(root, 'data'), { env: { PRONTO_HUB_URL: hubUrl, PRONTO_HUB_TOKEN: token } });
});

test.afterAll(async () => {
  await host?.stop();
  await app?.close();
  await hub?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

test('pop → offer from the hub model → accept → submit → case and outcome at the hub', async ({ page }) => {
  await page.goto(host.url);
  const sync = page.getByTestId('sync-status');
  await expect(sync).toHaveAttribute('data-configured', 'true');
  // the initial sync brings the customers (and the model) before the call
  await expect.poll(async () => {
    await simulateCall(page, '091 555 0100');
    return page.getByTestId('pop').getAttribute('data-customer-id');
  }, { timeout: 30_000 }).toBe('HK0');

  const offer = page.getByTestId('offer').and(page.locator('[data-sku="HP3"]'));
  await expect(offer).toHaveAttribute('data-kind', 'cross_sell');
  await offer.getByTestId('offer-accept').click();
  await expect(offer.getByTestId('offer-accept')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('case-disposition').selectOption('ORDER');
  await page.getByTestId('case-notes').fill('Took the descaler.');
  const panel = page.getByTestId('case-panel');
  const caseId = await panel.getAttribute('data-case-id');
  await page.getByTestId('case-submit').click();
  await expect(panel).toHaveAttribute('data-status', 'submitted');

  await expect.poll(async () => hub.query('SELECT customer_id, agent, disposition, notes FROM cases WHERE case_id = $1', [caseId]), { timeout: 30_000 })
    .toEqual([{ customer_id: 'HK0', agent: 'ivo', disposition: 'ORDER', notes: 'Took the descaler.' }]);
  expect(await hub.query('SELECT sku, kind, outcome FROM offer_outcomes WHERE case_id = $1', [caseId]))
    .toEqual([{ sku: 'HP3', kind: 'cross_sell', outcome: 'accepted' }]);
  // the desktop's own record: delivered (no longer pending), with the outcome
  await expect.poll(async () => (await cliCases(host.dataDir)).find((c) => c.caseId === caseId)?.pending, { timeout: 15_000 }).toBe(false);
  const mine = (await cliCases(host.dataDir)).find((c) => c.caseId === caseId)!;
  expect(mine.offers.map((o) => [o.sku, o.outcome])).toEqual([['HP3', 'accepted']]);
});

test("the Electron build's sync thread (its own bundled file) syncs a store from the hub", async () => {
  // The packaged app cannot start the tsx bootstrap the web host uses; electron-vite bundles
  // every worker on its own (src-shared/node/worker-entries.ts). Run those very files.
  const bundle = join(REPO_ROOT, 'out/main');
  expect(existsSync(join(bundle, bundledWorkerFile('sync'))), `no bundled sync thread in ${bundle}: run electron-vite build`).toBe(true);
  const dir = join(root, 'electron-bundle');
  const store = openDesktopStore(dir);
  const logs: string[] = [];
  // small pages, and the pull worker (also bundled: the thread starts it from the same directory) for any pull
  const sync = startWorker<SyncThreadProtocol>('sync', {
    bundle,
    data: { file: store.file, cfg: { hubUrl, token, pageSize: 5, tuning: { syncWorkerMinRows: 0 } } },
    on: { log: (line) => logs.push(line) },
  })!;
  try {
    const round = await sync.call('syncOnce');
    expect(round).toMatchObject({ pulled: expect.any(Number) });
    expect(round.pulled).toBeGreaterThan(5);
    expect(logs.join('\n')).toMatch(/fetched and checked in a worker thread/);
    const ids = store.sqlite.prepare('SELECT customer_id FROM customers ORDER BY customer_id').pluck().all();
    expect(ids).toEqual(['HK0', 'HK1', 'HK2', 'HK3', 'HK4', 'HK5', 'HK6', 'HK7']);
    await sync.stop();
    expect(await sync.ended).toMatchObject({ code: 0, stopped: true });
  } finally {
    await sync.terminate();
    store.close();
  }
});
