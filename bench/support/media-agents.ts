// The browser agents of bench:media (media-agents.browser.mjs) served to a page on the lab's origin
// (a secure context for getUserMedia) by Playwright routes: the page loads the module and sip.js's
// own ES modules from node_modules as they are (sip.js ships ESM with explicit .js imports), so the
// browser runs the same sip.js the app bundles.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

const SIPJS_LIB = join(dirname(createRequire(import.meta.url).resolve('sip.js/package.json')), 'lib');
const AGENTS = fileURLToPath(new URL('./media-agents.browser.mjs', import.meta.url));

/**
 * Adds window.benchAgents to the app's page at `origin` (its CSP allows same-origin scripts and
 * the PBX's WebSocket). A page of our own fulfilled by a route could not open the WebSocket to the
 * PBX inside the lab's namespace (measured: close 1006 before any handshake reached Kamailio).
 */
export async function openMediaAgents(page: Page, origin: string): Promise<void> {
  const url = (p: string) => new URL(p, origin).toString();
  await page.route(url('/bench-media-agents.mjs'), async (r) =>
    r.fulfill({ contentType: 'text/javascript', body: (await readFile(AGENTS, 'utf8')).replace(/from 'sip\.js'/, "from '/sipjs/index.js'") }),
  );
  await page.route(`${url('/sipjs/')}**`, async (r) => {
    const rel = normalize(decodeURIComponent(new URL(r.request().url()).pathname.slice('/sipjs/'.length)));
    if (rel.startsWith('..')) return r.fulfill({ status: 404, body: '' });
    return r.fulfill({ contentType: 'text/javascript', body: await readFile(join(SIPJS_LIB, rel), 'utf8') });
  });
  await page.goto(origin);
  await page.addScriptTag({ url: url('/bench-media-agents.mjs'), type: 'module' });
  await page.waitForFunction('window.benchAgents !== undefined', undefined, { timeout: 20_000 });
}
