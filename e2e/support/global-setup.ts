// Seeds a small store from the CLI (plus fixture rows), starts `pronto serve` on a free port and
// hands the URL and the feed folder to the tests through the environment. Teardown stops it.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FullConfig } from '@playwright/test';
import { writeFixtureFeeds } from './fixture-feeds';
import { api, runCli, startServe } from './server';
import { ELECTRON_SKIP_REASON, electronBinary } from './electron-binary';

export const E2E_CUSTOMERS = 3000;
export const E2E_SEED = 7;

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  // The list reporter shows a skipped test as "-" only: say here, in the run's log, why.
  if (!electronBinary()) console.log(`[e2e] Electron shell spec (e2e/electron.spec.ts): ${ELECTRON_SKIP_REASON}`);
  const root = mkdtempSync(join(tmpdir(), 'pronto-e2e-'));
  const feeds = join(root, 'feeds');
  const fixtures = join(root, 'fixtures');
  const dataDir = join(root, 'data');
  mkdirSync(fixtures);
  await runCli(['seed', '--out', feeds, '--customers', String(E2E_CUSTOMERS), '--seed', String(E2E_SEED)]);
  const seeded = readdirSync(feeds).filter((f) => f.endsWith('.csv')).map((f) => join(feeds, f));
  await runCli(['import', '--data-dir', dataDir, ...seeded]);
  await runCli(['import', '--data-dir', dataDir, ...writeFixtureFeeds(fixtures)]);

  const server = await startServe(dataDir);
  const status = await api<{ region: string; customers: number; demo: unknown }>(server.url, 'status', {});
  if (status.demo) throw new Error('the seeded e2e store unexpectedly loaded the demo set');

  process.env.PRONTO_E2E_URL = server.url;
  process.env.PRONTO_E2E_FEEDS = feeds;
  process.env.PRONTO_E2E_FIXTURES = fixtures;
  process.env.PRONTO_E2E_REGION = status.region;
  process.env.PRONTO_E2E_ROOT = root;

  return async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  };
}
