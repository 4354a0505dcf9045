// Fixtures for the softphone e2e specs: one telephony lab per worker (Kamailio + seeded store +
// web host, in a network namespace when possible), a Chromium with fake media, and agents
// (one browser context each) registered as 1001…1010.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, test as base, expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { callRow, type SippResult } from '../../test-support/sipp/sipp';
import { loadFeeds, nationalFormat, pickSingle, type Feeds, type SinglePick } from './data';
import { AGENT_PASSWORD, startLab, type TelephonyLab } from './telephony-lab';
import { CHROMIUM_MEDIA_ARGS } from './chromium';

export { expect, callRow };

export { SHOTS_DIR } from './shots';
import { SHOTS_DIR } from './shots';

export const CHROMIUM_ARGS = CHROMIUM_MEDIA_ARGS;

export interface Agent {
  user: string;
  page: Page;
  context: BrowserContext;
  errors: string[];
  badge(): Locator;
  cards(): Locator;
  /** The card of the call whose caller identity / state matches, newest first. */
  card(filter?: { state?: string; direction?: 'inbound' | 'outbound' }): Locator;
  pop(): Locator;
  shot(name: string): Promise<void>;
}

export interface AgentOptions {
  /** Register with a wrong password (through the settings form). */
  password?: string;
  /** Do not wait for "registered". */
  noWait?: boolean;
}

type OpenAgent = (user: string, opts?: AgentOptions) => Promise<Agent>;

export const test = base.extend<{ agent: OpenAgent }, { lab: TelephonyLab; telBrowser: Browser; labFeeds: Feeds }>({
  lab: [
    async ({}, use) => {
      // PRONTO_TEL_NETNS=0: everything in this network namespace (media tests then skip)
      const netns = process.env.PRONTO_TEL_NETNS === '0' ? false : 'auto';
      const lab = await startLab({ customers: 2000, seed: 11, netns, log: (l) => console.log(`[lab] ${l}`) });
      await use(lab);
      await lab.stop();
    },
    { scope: 'worker', timeout: 240_000 },
  ],
  labFeeds: [
    async ({ lab }, use) => {
      if (!lab.feedsDir) throw new Error('the lab reused a store: no feeds to read expectations from');
      await use(await loadFeeds(lab.feedsDir));
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  telBrowser: [
    async ({ lab }, use) => {
      const browser = await chromium.launch({ executablePath: lab.chromiumPath, args: CHROMIUM_ARGS, headless: true });
      await use(browser);
      await browser.close();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  agent: async ({ telBrowser, lab }, use, testInfo) => {
    const opened: Agent[] = [];
    let configChanged = false;
    const open: OpenAgent = async (user, opts = {}) => {
      const context = await telBrowser.newContext({
        viewport: { width: 1280, height: 800 },
        locale: 'en-US',
        timezoneId: 'Europe/Rome',
        permissions: ['microphone', 'notifications'],
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      const agent: Agent = {
        user,
        page,
        context,
        errors,
        badge: () => page.getByTestId('sip-registration'),
        cards: () => page.getByTestId('call-card'),
        card: (f = {}) => {
          let sel = '[data-testid="call-card"]';
          if (f.state) sel += `[data-state="${f.state}"]`;
          if (f.direction) sel += `[data-direction="${f.direction}"]`;
          return page.locator(sel).first();
        },
        pop: () => page.getByTestId('pop'),
        shot: async (name) => {
          const png = await page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
          await testInfo.attach(name, { body: png, contentType: 'image/png' });
          // also outside test-results (which the next run wipes), for people to look at
          mkdirSync(SHOTS_DIR, { recursive: true });
          writeFileSync(join(SHOTS_DIR, `${name}.png`), png);
        },
      };
      opened.push(agent);
      await page.goto(lab.url);
      await expect(page.getByTestId('softphone')).toBeVisible();
      // The web host's defaults register as 1001; others (or a wrong password) via the settings form.
      if (user !== '1001' || opts.password !== undefined) {
        configChanged = true;
        await configure(agent, lab, user, opts.password ?? AGENT_PASSWORD);
      }
      if (!opts.noWait) await expect(agent.badge()).toHaveAttribute('data-state', 'registered', { timeout: 15_000 });
      return agent;
    };
    await use(open);
    for (const a of opened) {
      await a.context.close().catch(() => {});
      expect(a.errors, `no uncaught errors in the page of agent ${a.user}`).toEqual([]);
    }
    if (configChanged) {
      // the web host keeps a saved config for its session: back to the defaults for the next test
      await lab.api('softphoneConfigSave', defaultConfig(lab, '1001', AGENT_PASSWORD));
    }
  },
});

export function defaultConfig(lab: TelephonyLab, user: string, password: string) {
  return { server: lab.wsUrl, uri: `sip:${user}@127.0.0.1`, user, password, displayName: `Agent ${user}`, region: lab.region };
}

/** Settings form: switch this page's softphone to another user (and/or password). */
export async function configure(agent: Agent, lab: TelephonyLab, user: string, password: string): Promise<void> {
  const { page } = agent;
  const settings = page.getByTestId('sip-settings');
  if (!(await settings.isVisible())) await page.getByTestId('sip-settings-toggle').click();
  await expect(settings).toBeVisible();
  await page.getByTestId('sip-server').fill(lab.wsUrl);
  await page.getByTestId('sip-uri').fill(`sip:${user}@127.0.0.1`);
  await page.getByTestId('sip-user').fill(user);
  await page.getByTestId('sip-password').fill(password);
  await page.getByTestId('sip-displayName').fill(`Agent ${user}`);
  await page.getByTestId('sip-save').click();
  await expect(page.getByTestId('sip-save-status')).toHaveAttribute('data-status', 'saved');
}

/** A seeded customer with a number of their own in the store's region, and that number as dialled nationally. */
export function customerToCall(feeds: Feeds, region: string, skip: Set<string> = new Set()): SinglePick & { national: string } {
  const pick = pickSingle(feeds, region, (p) => !skip.has(p.customer.customerId));
  if (!pick) throw new Error('no seeded customer with a unique number in the region');
  skip.add(pick.customer.customerId);
  const national = nationalFormat(pick.phone).replace(/[^\d]/g, '');
  return { ...pick, national };
}

/** INVITE from the trunk (SIPp) that rings `ringMs`, then CANCEL. Resolves when SIPp is done. */
export function ringAndCancel(lab: TelephonyLab, o: { caller: string; target: string; headers?: string[]; ringMs: number; calls?: number; rate?: number }): Promise<SippResult> {
  return lab.sipp({
    scenario: 'uac-invite-cancel',
    remote: lab.udpPort,
    csv: [callRow({ caller: o.caller, target: o.target, headers: o.headers })],
    pauseMs: o.ringMs,
    calls: o.calls ?? 1,
    ...(o.rate ? { rate: o.rate } : {}),
    timeoutS: Math.ceil(o.ringMs / 1000) + 20,
  });
}

export async function registrations(lab: TelephonyLab, user: string): Promise<number> {
  const dump = await lab.pbx('dump');
  const i = dump.indexOf(`AoR: ${user}\n`);
  if (i < 0) return 0;
  const next = dump.indexOf('AoR: ', i + 5);
  const block = dump.slice(i, next < 0 ? undefined : next);
  return (block.match(/Address: /g) ?? []).length;
}

export interface CallRecordLite {
  callId: string;
  direction: string;
  outcome: string | null;
  customerId: string | null;
  matchKind: string;
  line: string;
  remoteRaw: string;
  forwardedBy: string | null;
}

export async function listCalls(lab: TelephonyLab): Promise<CallRecordLite[]> {
  return lab.api<CallRecordLite[]>('listCalls', { limit: 200 });
}

/** `pronto calls --json` (the CLI reads the store directly). */
export async function cliCalls(lab: TelephonyLab): Promise<CallRecordLite[]> {
  const out = await lab.cli(['calls', '--json', '--limit', '200']);
  return JSON.parse(out) as CallRecordLite[];
}
