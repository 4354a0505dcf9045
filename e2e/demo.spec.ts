// First start: an empty data dir makes `pronto serve` load the demo set, and the UI says so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type ServeHandle } from './support/server';
import { expect, shot, test } from './support/fixtures';

let server: ServeHandle | null = null;
let dir = '';

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dir = mkdtempSync(join(tmpdir(), 'pronto-e2e-empty-'));
  server = await startServe(join(dir, 'data'), { timeoutMs: 170_000 });
});

test.afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a fresh empty data dir shows the demo banner and the demo customer count', async ({ page, problems }) => {
  void problems;
  await page.goto(server!.url);
  const banner = page.getByTestId('demo-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Demo data');
  const count = page.getByTestId('customer-count');
  await expect(count).toHaveAttribute('data-count', /^[1-9]\d*$/);
  await expect(banner).toContainText((Number(await count.getAttribute('data-count'))).toLocaleString('en-US'));
  await shot(page, 'pop-demo');
});
