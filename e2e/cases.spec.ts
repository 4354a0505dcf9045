// Case logging and next-best-offer, end to end in Debian's Chromium against `pronto serve` on a
// store of our own (seeded from the global setup's feeds): offers with their reasons, outcomes,
// disposition, notes, submit → the store (read through the CLI) and the pop's history; wrap-up;
// the unknown caller becoming a contact; customer notes; sync status; and notes surviving a
// SIGKILL of the host.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { Offer } from '../src-shared/offers/schema';
import type { LookupResult } from '../src-shared/pop/schema';
import { SWITCHBOARD_IDS, SWITCHBOARD_PHONE } from './support/fixture-feeds';
import { nationalFormat, regionOf, uniquePhones, unknownNumber, type Feeds } from './support/data';
import { test as base, expect, shot, simulateCall } from './support/fixtures';
import { api, runCli } from './support/server';
import {
  CRASH_CUSTOMER,
  cliCases,
  cliLookup,
  globalFeedFiles,
  seededDataDir,
  startCasesHost,
  writeCrashFeeds,
  type CasesHost,
} from './support/cases';

/** Browser globals inside page functions (this file is typechecked without the DOM lib). */
interface Win {
  getComputedStyle(e: unknown): { color: string; backgroundColor: string };
  document: { documentElement: { scrollWidth: number } };
  localStorage: Record<string, string>;
}

/** Wrap-up limit of our host (short, so the timer's "over" state is reached within a test). */
const WRAP_UP_S = 5;

const test = base.extend<{ casesApp: Page }, { cases: CasesHost }>({
  cases: [
    async ({}, use) => {
      const d = await seededDataDir('pronto-e2e-cases-', globalFeedFiles());
      const host = await startCasesHost(d.dataDir, { env: { PRONTO_WRAP_UP_SECONDS: String(WRAP_UP_S) } });
      await use(host);
      await host.stop();
      d.cleanup();
    },
    { scope: 'worker', timeout: 300_000 },
  ],
  casesApp: async ({ page, cases, problems }, use) => {
    void problems;
    await page.goto(cases.url);
    await expect(page.getByTestId('customer-count')).toBeVisible();
    await use(page);
  },
});

interface Picked {
  customerId: string;
  name: string;
  phone: string;
  offers: Offer[];
}

const used = new Set<string>();

/** A seeded customer of the region with a number of their own whose pop carries the wanted offers. */
async function pickWithOffers(feeds: Feeds, region: string, url: string, want: 'products' | 'service' | 'any'): Promise<Picked> {
  let tries = 0;
  for (const id of feeds.seeded) {
    if (used.has(id)) continue;
    const customer = feeds.customers.get(id)!;
    const account = feeds.accounts.get(id);
    const credit = feeds.credit.get(id);
    const purchases = feeds.purchases.get(id) ?? [];
    if (!account || !credit || purchases.length < 2 || customer.country !== region || credit.status !== 'ok') continue;
    if (want === 'products' && account.overdueMinor > 0) continue;
    if (want === 'service' && account.overdueMinor <= 0) continue;
    const phone = uniquePhones(feeds, id).find((e) => regionOf(e) === region);
    if (!phone) continue;
    if (++tries > 300) break;
    const r = await api<LookupResult>(url, 'lookup', { identity: phone });
    const offers = r.pop?.offers ?? [];
    const ok =
      want === 'service'
        ? offers.length >= 2 && offers[0]!.sku === 'SERVICE:SETTLE_OVERDUE'
        : want === 'products'
          ? offers.length >= 2 && offers.every((o) => o.kind !== 'service')
          : true;
    if (r.match === 'single' && ok) {
      used.add(id);
      return { customerId: id, name: customer.name, phone, offers };
    }
  }
  throw new Error(`no seeded customer with ${want} offers`);
}

async function openCall(page: Page, p: Picked): Promise<string> {
  await simulateCall(page, nationalFormat(p.phone));
  await expect(page.getByTestId('pop')).toHaveAttribute('data-customer-id', p.customerId);
  const panel = page.getByTestId('case-panel');
  await expect(panel).toHaveAttribute('data-status', 'draft');
  await expect(panel).toHaveAttribute('data-customer-id', p.customerId);
  const caseId = await panel.getAttribute('data-case-id');
  expect(caseId).toMatch(/^[0-9a-f-]{36}$/);
  return caseId!;
}

test('known caller: offers with reasons → accept one → disposition + notes → submit → stored with the outcome, pending in the history and the header', async ({ casesApp: page, cases, feeds, e2e }) => {
  const p = await pickWithOffers(feeds, e2e.region, cases.url, 'products');
  const sync = page.getByTestId('sync-status');
  await expect(sync).toHaveAttribute('data-configured', 'false');
  await expect(sync).toContainText('Local only');
  const pendingBefore = Number(await sync.getAttribute('data-pending'));

  const caseId = await openCall(page, p);

  // The offers are the host's top 3, in its order, each with its reason (checked against the CLI).
  const cli = await cliLookup(cases.dataDir, p.phone);
  expect(cli.match).toBe('single');
  const expected = cli.pop!.offers.slice(0, 3);
  const offers = page.getByTestId('offer');
  await expect(offers).toHaveCount(expected.length);
  expect(await offers.evaluateAll((els) => els.map((e) => e.getAttribute('data-sku')))).toEqual(expected.map((o) => o.sku));
  for (let i = 0; i < expected.length; i++) {
    await expect(offers.nth(i)).toHaveAttribute('data-kind', expected[i]!.kind);
    await expect(offers.nth(i).getByTestId('offer-reason')).toHaveText(expected[i]!.reason);
    await expect(offers.nth(i)).toContainText(p.offers[i]!.productName);
    await expect(offers.nth(i)).toContainText(/Cross-sell|Up-sell/);
  }
  await shot(page, 'case-offers');

  // Outcomes toggle: accept the first; the second is first "not interested", then "declined".
  const first = offers.nth(0);
  const second = offers.nth(1);
  await first.getByTestId('offer-accept').click();
  await expect(first.getByTestId('offer-accept')).toHaveAttribute('aria-pressed', 'true');
  await expect(first).toHaveAttribute('data-outcome', 'accepted');
  await second.getByTestId('offer-not-interested').click();
  await expect(second).toHaveAttribute('data-outcome', 'not_interested');
  await second.getByTestId('offer-decline').click();
  await expect(second).toHaveAttribute('data-outcome', 'declined');
  await expect(second.getByTestId('offer-not-interested')).toHaveAttribute('aria-pressed', 'false');
  if (expected.length > 2) {
    const third = offers.nth(2);
    await third.getByTestId('offer-accept').click();
    await third.getByTestId('offer-accept').click(); // a second click takes it back
    await expect(third).toHaveAttribute('data-outcome', '');
  }

  const notes = 'Wants the care plan for the new machine.\nCall back Tuesday — «urgent», 5% discount asked.';
  await page.getByTestId('case-disposition').selectOption('ORDER');
  await page.getByTestId('case-notes').click();
  await page.keyboard.type(notes);
  await page.getByTestId('case-followup-date').fill('2030-01-15');
  await page.getByTestId('case-followup-task').fill('Send the quote');
  await expect(page.getByTestId('case-saved')).toHaveAttribute('data-state', 'saved');
  await expect(page.getByTestId('case-saved')).toHaveText('Saved');
  await shot(page, 'case-draft-filled');

  await page.getByTestId('case-submit').click();
  const panel = page.getByTestId('case-panel');
  await expect(panel).toHaveAttribute('data-status', 'submitted');
  await expect(panel).toHaveAttribute('data-case-id', caseId);

  // The store, read by the CLI: the case, its notes and the outcomes, waiting for the hub.
  const stored = (await cliCases(cases.dataDir)).find((c) => c.caseId === caseId);
  expect(stored, 'the submitted case in `pronto cases --json`').toBeTruthy();
  expect(stored!.status).toBe('submitted');
  expect(stored!.disposition).toBe('ORDER');
  expect(stored!.customerId).toBe(p.customerId);
  expect(stored!.notes).toBe(notes);
  expect(stored!.followUpDate).toBe('2030-01-15');
  expect(stored!.followUpTask).toBe('Send the quote');
  expect(stored!.pending).toBe(true);
  expect(stored!.callId).toMatch(/^sim-/);
  const outcomes = Object.fromEntries(stored!.offers.map((o) => [o.sku, o.outcome]));
  expect(outcomes).toEqual({ [expected[0]!.sku]: 'accepted', [expected[1]!.sku]: 'declined' });
  expect(stored!.offers.find((o) => o.sku === expected[0]!.sku)!.kind).toBe(expected[0]!.kind);

  // The pop's history: newest first, this case on top, pending sync.
  const item = page.getByTestId('case-history-item').first();
  await expect(item).toHaveAttribute('data-case-id', caseId);
  await expect(item).toHaveAttribute('data-pending', 'true');
  await expect(item).toContainText('Order placed');
  await expect(item).toContainText('Wants the care plan for the new machine.');
  await expect(item).toContainText('Pending sync');

  // The header: local only, one more write waiting.
  await expect(sync).toHaveAttribute('data-pending', String(pendingBefore + 1));
  await expect(sync).toContainText(`${pendingBefore + 1} pending`);
  await expect(sync).toHaveAttribute('data-online', 'false');
  await expect(sync).toHaveAttribute('data-rejected', '0');
  await shot(page, 'case-submitted');
  await sync.click();
  await expect(page.getByTestId('sync-details')).toBeVisible();
  await expect(page.getByTestId('sync-details')).toContainText('No hub configured');
  await shot(page, 'case-sync-details');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('sync-details')).toHaveCount(0);

  // The same customer again: a fresh draft, and the history is still there.
  await simulateCall(page, nationalFormat(p.phone));
  await expect(panel).toHaveAttribute('data-status', 'draft');
  expect(await panel.getAttribute('data-case-id')).not.toBe(caseId);
  await expect(page.getByTestId('case-history-item').first()).toHaveAttribute('data-case-id', caseId);
  await expect(page.getByTestId('case-notes')).toHaveValue('');
});

test('submit without a disposition → a clear inline error, nothing submitted', async ({ casesApp: page, cases, feeds, e2e }) => {
  const p = await pickWithOffers(feeds, e2e.region, cases.url, 'any');
  const caseId = await openCall(page, p);
  await page.getByTestId('case-notes').fill('Asked about delivery times.');
  await page.getByTestId('case-submit').click();
  const error = page.getByTestId('case-error');
  await expect(error).toBeVisible();
  await expect(error).toHaveText('Choose a disposition before submitting.');
  await expect(page.getByTestId('case-disposition')).toBeFocused();
  await expect(page.getByTestId('case-disposition')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('case-panel')).toHaveAttribute('data-status', 'draft');
  await shot(page, 'case-no-disposition');
  await expect(page.getByTestId('case-saved')).toHaveAttribute('data-state', 'saved');
  const stored = (await cliCases(cases.dataDir)).find((c) => c.caseId === caseId)!;
  expect(stored.status).toBe('draft');
  expect(stored.notes).toBe('Asked about delivery times.');

  // Choosing one clears the error; then it goes through.
  await page.getByTestId('case-disposition').selectOption({ label: 'Information given' });
  await expect(error).toHaveCount(0);
  await page.getByTestId('case-submit').click();
  await expect(page.getByTestId('case-panel')).toHaveAttribute('data-status', 'submitted');
});

test('End call → wrap-up with a timer counting up to the limit, red past it; submitting ends it', async ({ casesApp: page, cases, feeds, e2e }) => {
  const p = await pickWithOffers(feeds, e2e.region, cases.url, 'any');
  const caseId = await openCall(page, p);
  await page.getByTestId('case-notes').fill('Complaint about a late delivery.');
  await page.getByTestId('case-end-call').click();
  const panel = page.getByTestId('case-panel');
  await expect(panel).toHaveAttribute('data-status', 'wrap_up');
  const timer = page.getByTestId('case-wrapup-timer');
  await expect(timer).toBeVisible();
  await expect(timer).toHaveAttribute('data-limit', String(WRAP_UP_S));
  await expect(timer).toContainText(`/ 0:0${WRAP_UP_S}`);
  await expect(page.getByTestId('case-end-call')).toHaveCount(0);
  // the notes typed during the call are still there
  await expect(page.getByTestId('case-notes')).toHaveValue('Complaint about a late delivery.');
  await shot(page, 'case-wrapup');

  await expect(timer).toHaveAttribute('data-state', 'over', { timeout: (WRAP_UP_S + 5) * 1000 });
  const color = await timer.locator('.wrapup-clock').evaluate((e) => (globalThis as unknown as Win).getComputedStyle(e).color);
  const [r, g, b] = color.match(/\d+/g)!.map(Number);
  expect(r!).toBeGreaterThan(120);
  expect(r!).toBeGreaterThan(g! * 2);
  expect(r!).toBeGreaterThan(b! * 2);
  await shot(page, 'case-wrapup-over');

  const stored = (await cliCases(cases.dataDir)).find((c) => c.caseId === caseId)!;
  expect(stored.status).toBe('wrap_up');
  expect(stored.callDurationS).not.toBeNull();

  await page.getByTestId('case-disposition').selectOption('COMPLAINT');
  await page.keyboard.press('Control+Enter');
  await expect(panel).toHaveAttribute('data-status', 'submitted');
  await expect(timer).toHaveCount(0);
});

test('service action (settle overdue) comes first and stands out; Italian UI shows the Italian reasons and labels', async ({ casesApp: page, cases, feeds, e2e }) => {
  const p = await pickWithOffers(feeds, e2e.region, cases.url, 'service');
  await page.getByTestId('lang-switch').locator('[data-lang="it"]').click();
  await openCall(page, p);
  const offers = page.getByTestId('offer');
  await expect(offers).toHaveCount(Math.min(3, p.offers.length));
  const service = offers.first();
  await expect(service).toHaveAttribute('data-kind', 'service');
  await expect(service).toHaveAttribute('data-sku', 'SERVICE:SETTLE_OVERDUE');
  await expect(service).toContainText('Azione');
  await expect(service).toContainText('Saldare lo scaduto');
  await expect(service.getByTestId('offer-reason')).toHaveText(p.offers[0]!.reasonIt);
  await expect(offers.nth(1).getByTestId('offer-reason')).toHaveText(p.offers[1]!.reasonIt);
  await expect(service.getByTestId('offer-accept')).toHaveText('Accettata');
  const bg = async (i: number) => offers.nth(i).evaluate((e) => (globalThis as unknown as Win).getComputedStyle(e).backgroundColor);
  expect(await bg(0)).not.toBe(await bg(1));
  await expect(page.getByTestId('case-disposition').locator('option', { hasText: 'Ordine inserito' })).toHaveCount(1);
  await expect(page.getByTestId('sync-status')).toContainText('Solo locale');
  await expect(page.getByTestId('case-saved')).toHaveText('Salvato');
  await shot(page, 'case-italian-service');
});

test('unknown number → create contact → the new contact’s pop, linked to the case; searching the number finds it', async ({ casesApp: page, cases, feeds, e2e }) => {
  const number = unknownNumber(feeds, e2e.region);
  const national = nationalFormat(number);
  await simulateCall(page, national);
  const pop = page.getByTestId('pop');
  await expect(pop).toHaveAttribute('data-match', 'none');
  const panel = page.getByTestId('case-panel');
  await expect(panel).toHaveAttribute('data-status', 'draft');
  await expect(panel).toHaveAttribute('data-customer-id', '');
  const caseId = await panel.getAttribute('data-case-id');
  const pendingBefore = Number(await page.getByTestId('sync-status').getAttribute('data-pending'));

  await expect(page.getByTestId('contact-phone')).toHaveValue(/\d/);
  expect((await page.getByTestId('contact-phone').inputValue()).replace(/\D/g, '')).toBe(number.replace(/\D/g, ''));
  await expect(page.getByTestId('contact-country')).toHaveValue(e2e.region);
  await shot(page, 'case-contact-form');

  await page.getByTestId('contact-create').click();
  await expect(page.getByTestId('contact-error')).toHaveText('Enter the caller’s name.');
  await page.getByLabel('Name', { exact: true }).fill('Elena Nuovissima');
  await page.getByLabel('Company', { exact: true }).fill('Nuova Idea S.r.l.');
  await page.getByTestId('contact-create').click();

  await expect(page.getByTestId('pop-customer-name')).toHaveText('Elena Nuovissima');
  const contactId = await pop.getAttribute('data-customer-id');
  expect(contactId).toBeTruthy();
  await expect(panel).toHaveAttribute('data-customer-id', contactId!);
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-pending', String(pendingBefore + 1));
  await shot(page, 'case-contact-created');

  // The number now finds the contact: in the search box, and in the store through the CLI.
  await page.getByTestId('search-input').fill(national);
  await expect(page.locator(`[data-testid="search-hit"][data-customer-id="${contactId}"]`)).toBeVisible();
  await page.keyboard.press('Escape');
  const cli = await cliLookup(cases.dataDir, number);
  expect(cli.match).toBe('single');
  expect(cli.pop!.customer.customerId).toBe(contactId);

  await page.getByTestId('case-disposition').selectOption('INFO');
  await page.getByTestId('case-submit').click();
  await expect(panel).toHaveAttribute('data-status', 'submitted');
  await expect(panel).toHaveAttribute('data-case-id', caseId!);
  const stored = (await cliCases(cases.dataDir)).find((c) => c.caseId === caseId);
  expect(stored?.status).toBe('submitted');
  expect(stored?.customerId).toBe(contactId);
});

test('shared number: the call\'s draft has no customer until the agent picks one, then follows the pick', async ({ casesApp: page }) => {
  await simulateCall(page, nationalFormat(SWITCHBOARD_PHONE));
  await expect(page.getByTestId('pop')).toHaveAttribute('data-match', 'multiple');
  const panel = page.getByTestId('case-panel');
  await expect(panel).toHaveAttribute('data-status', 'draft');
  await expect(panel).toHaveAttribute('data-customer-id', '');
  const caseId = await panel.getAttribute('data-case-id');
  await page.getByTestId('case-notes').fill('Asked for the accounts office.');
  await page.locator(`[data-testid="pop-candidate"][data-customer-id="${SWITCHBOARD_IDS[0]}"]`).click();
  await expect(panel).toHaveAttribute('data-customer-id', SWITCHBOARD_IDS[0]!);
  await page.getByTestId('pop-back-to-chooser').click();
  await page.locator(`[data-testid="pop-candidate"][data-customer-id="${SWITCHBOARD_IDS[1]}"]`).click();
  await expect(panel).toHaveAttribute('data-customer-id', SWITCHBOARD_IDS[1]!);
  await expect(panel).toHaveAttribute('data-case-id', caseId!);
  await expect(page.getByTestId('case-notes')).toHaveValue('Asked for the accounts office.');
  await page.getByTestId('case-disposition').selectOption('INFO');
  await page.getByTestId('case-submit').click();
  await expect(panel).toHaveAttribute('data-status', 'submitted');
  await expect(page.getByTestId('case-history-item').first()).toHaveAttribute('data-case-id', caseId!);
});

test('customer notes: add, edit, pending until the hub has them, still there after a reload', async ({ casesApp: page, cases, feeds, e2e }) => {
  const p = await pickWithOffers(feeds, e2e.region, cases.url, 'any');
  await openCall(page, p);
  await page.getByTestId('note-input').fill('Prefers calls after 3 pm.');
  await page.getByTestId('note-save').click();
  const items = page.getByTestId('note-item');
  await expect(items).toHaveCount(1);
  await expect(items.first()).toContainText('Prefers calls after 3 pm.');
  await expect(items.first()).toHaveAttribute('data-pending', 'true');
  await expect(items.first()).toContainText('Pending sync');
  await expect(page.getByTestId('note-input')).toHaveValue('');
  const noteId = await items.first().getAttribute('data-note-id');

  await items.first().getByTestId('note-edit').click();
  await expect(page.getByTestId('note-input')).toHaveValue('Prefers calls after 3 pm.');
  await page.getByTestId('note-input').fill('Prefers calls after 4 pm; ask for Marco.');
  await page.getByTestId('note-save').click();
  await expect(items).toHaveCount(1);
  await expect(items.first()).toHaveAttribute('data-note-id', noteId!);
  await expect(items.first()).toContainText('Prefers calls after 4 pm; ask for Marco.');
  await shot(page, 'case-notes');

  await page.reload();
  await simulateCall(page, nationalFormat(p.phone));
  await expect(items).toHaveCount(1);
  await expect(items.first()).toContainText('Prefers calls after 4 pm; ask for Marco.');
});

test('the pop stays readable at 1280×800 with the case panel open', async ({ casesApp: page, cases, feeds, e2e }) => {
  const p = await pickWithOffers(feeds, e2e.region, cases.url, 'products');
  await openCall(page, p);
  const pop = (await page.getByTestId('pop').boundingBox())!;
  const panel = (await page.getByTestId('case-panel').boundingBox())!;
  expect(pop.x + pop.width).toBeLessThanOrEqual(panel.x);
  expect(panel.x + panel.width).toBeLessThanOrEqual(1280);
  expect(pop.width).toBeGreaterThanOrEqual(560);
  expect(await page.evaluate(() => (globalThis as unknown as Win).document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  // who, the offers and the money are in view without scrolling; product names are not cut.
  for (const id of ['pop-customer-name', 'pop-balance', 'pop-credit-available', 'case-notes', 'case-submit', 'case-disposition']) {
    await expect(page.getByTestId(id)).toBeInViewport();
  }
  await expect(page.getByTestId('offer').first()).toBeInViewport();
  const cut = await page.locator('.offer-name').evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
  expect(cut).toEqual([]);
  await shot(page, 'case-layout-1280');
});

test('notes survive a crash of the host: SIGKILL, start again, reload → the draft is back with the exact text', async ({ page }) => {
  test.setTimeout(240_000);
  const root = mkdtempSync(join(tmpdir(), 'pronto-e2e-crash-'));
  const dataDir = join(root, 'data');
  await runCli(['import', '--data-dir', dataDir, ...writeCrashFeeds(join(root, 'feeds'))]);
  const host = await startCasesHost(dataDir);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    await page.goto(host.url);
    await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '1');
    const caseId = await openCall(page, { customerId: CRASH_CUSTOMER.id, name: CRASH_CUSTOMER.name, phone: CRASH_CUSTOMER.phone, offers: [] });
    const text = 'Cliente chiede lo sconto del 5 % — «urgente».\nRichiamare martedì alle 10:00 <non prima>.';
    await page.getByTestId('case-notes').click();
    await page.keyboard.type(text);
    await page.getByTestId('case-disposition').selectOption('CALLBACK');
    await expect(page.getByTestId('case-saved')).toHaveAttribute('data-state', 'saved');
    // Acknowledged by the host: no local copy is left, so what comes back after the crash is the host's.
    expect(await page.evaluate(() => Object.keys((globalThis as unknown as Win).localStorage).filter((k) => k.startsWith('pronto.caseDraft.')))).toEqual([]);
    await shot(page, 'case-before-crash');

    await host.kill();
    await host.restart();
    await page.reload();
    const panel = page.getByTestId('case-panel');
    await expect(panel).toHaveAttribute('data-case-id', caseId);
    await expect(panel).toHaveAttribute('data-status', 'draft');
    await expect(panel).toHaveAttribute('data-restored', 'true');
    await expect(page.getByTestId('case-notes')).toHaveValue(text);
    await expect(page.getByTestId('case-disposition')).toHaveValue('CALLBACK');
    await expect(page.getByTestId('pop')).toHaveAttribute('data-customer-id', CRASH_CUSTOMER.id);
    await expect(page.getByTestId('case-restored')).toBeVisible();
    await shot(page, 'case-restored');

    // The host dies while the agent types: the text stays on screen, the save retries and lands.
    await host.kill();
    await page.getByTestId('case-notes').press('Control+End');
    await page.keyboard.type(' Ok.');
    await expect(page.getByTestId('case-saved')).toHaveAttribute('data-state', 'error', { timeout: 15_000 });
    await shot(page, 'case-host-down');
    await host.restart();
    await expect(page.getByTestId('case-saved')).toHaveAttribute('data-state', 'saved', { timeout: 30_000 });
    const stored = (await cliCases(dataDir)).find((c) => c.caseId === caseId)!;
    expect(stored.notes).toBe(`${text} Ok.`);
    expect(stored.disposition).toBe('CALLBACK');
    expect(pageErrors).toEqual([]);
  } finally {
    await host.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
