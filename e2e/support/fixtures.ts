// Shared test fixtures: the seeded feeds (read once per worker), a page that fails the test on
// any dialog, page error or CSP violation, and small helpers for the pop.
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { loadFeeds, type Feeds } from './data';

export interface Env {
  url: string;
  region: string;
  /** The served store's data directory (global-setup.ts). */
  dataDir: string;
}

function env(): Env {
  const url = process.env.PRONTO_E2E_URL;
  const region = process.env.PRONTO_E2E_REGION;
  const root = process.env.PRONTO_E2E_ROOT;
  if (!url || !region || !root) throw new Error('PRONTO_E2E_URL is not set: run through playwright.config.ts (global setup)');
  return { url, region, dataDir: join(root, 'data') };
}

const IGNORED_CONSOLE = [/directive 'frame-ancestors' is ignored when delivered via a <meta> element/];

export interface PageProblems {
  dialogs: string[];
  errors: string[];
}

export const test = base.extend<{ problems: PageProblems; app: Page }, { feeds: Feeds; e2e: Env }>({
  e2e: [async ({}, use) => use(env()), { scope: 'worker' }],
  feeds: [
    async ({}, use) => {
      const dir = process.env.PRONTO_E2E_FEEDS;
      if (!dir) throw new Error('PRONTO_E2E_FEEDS is not set');
      await use(await loadFeeds(dir, process.env.PRONTO_E2E_FIXTURES));
    },
    { scope: 'worker' },
  ],
  problems: async ({ page }, use) => {
    const problems: PageProblems = { dialogs: [], errors: [] };
    page.on('dialog', (d) => {
      problems.dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => problems.errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      // The brief's CSP meta carries frame-ancestors, which only works as a header (the web host
      // sends it); Chromium says so once per load. Anything else is a real error.
      if (m.type() === 'error' && !IGNORED_CONSOLE.some((r) => r.test(m.text()))) problems.errors.push(`console: ${m.text()}`);
    });
    await use(problems);
    expect(problems.dialogs, 'no dialog may open').toEqual([]);
    expect(problems.errors, 'no page errors').toEqual([]);
  },
  /** The app, loaded and connected to the seeded web host. */
  app: async ({ page, e2e, problems }, use) => {
    void problems;
    await page.goto(e2e.url);
    await expect(page.getByTestId('customer-count')).toBeVisible();
    await use(page);
  },
});

export { expect };

export async function simulateCall(page: Page, identity: string): Promise<void> {
  await page.getByTestId('simulate-number').fill(identity);
  await page.getByTestId('simulate-call').click();
  await expect(page.getByTestId('pop')).toHaveAttribute('data-state', /^(ready|error)$/);
}

/** Text without any kind of whitespace: Intl output differs in spaces (NBSP, NNBSP) only. */
export const squash = (s: string): string => s.replace(/[\s\u00a0\u202f]+/g, '');

export function money(locale: string, amount: number, currency: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/${name}.png` });
}
