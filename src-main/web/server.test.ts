// The web host refuses any request without this launch's key (HTTP and WebSocket), trades the
// printed URL's key for a cookie, and never sends the SIP password to a page.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DesktopApi } from '../api/desktop-api';
import { tempDesktop, tempDir, type Cleanups } from '../../test-support/desktop/fixtures';
import { startWebHost, type WebHost } from './server';
import { CSP_META, cspFor } from '../../src-shared/api/csp';

const PASSWORD = 'pa55-w0rd-never-in-a-reply';
const cleanups: Cleanups = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function host(extra: { csp?: () => string } = {}): Promise<WebHost> {
  const { store } = tempDesktop(cleanups);
  const renderer = tempDir('pronto-renderer-');
  cleanups.push(renderer.cleanup);
  writeFileSync(join(renderer.dir, 'index.html'), `<!doctype html><meta http-equiv="Content-Security-Policy" content="${CSP_META}"><title>Pronto</title>`);
  const softphone = { server: 'ws://127.0.0.1:8080', uri: 'sip:1001@127.0.0.1', user: '1001', password: PASSWORD, displayName: 'Agent', region: 'IT' as const };
  const app = new DesktopApi({ store, region: 'IT', host: 'web', softphone });
  const h = await startWebHost({ app, rendererDir: renderer.dir, port: 0, ...extra });
  cleanups.push(() => h.close());
  return h;
}

const origin = (h: WebHost): string => `http://127.0.0.1:${h.port}`;

function call(h: WebHost, method: string, input: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${origin(h)}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Pronto-Client': 'test', ...headers },
    body: JSON.stringify(input),
  });
}

/** Opens the events socket; resolves 'open' or the refusal's status code. */
function openSocket(h: WebHost, headers: Record<string, string>): Promise<{ outcome: 'open' | number; ws: WebSocket }> {
  const ws = new WebSocket(`ws://127.0.0.1:${h.port}/api/events`, { headers: { Origin: origin(h), ...headers } });
  return new Promise((ok) => {
    ws.once('open', () => ok({ outcome: 'open', ws }));
    ws.once('unexpected-response', (_req, res) => ok({ outcome: res.statusCode ?? 0, ws }));
    ws.once('error', () => ok({ outcome: -1, ws }));
  });
}

describe('web host launch key', () => {
  it('prints a URL that carries a fresh random key', async () => {
    const a = await host();
    const b = await host();
    expect(a.launchKey).toMatch(/^[\w-]{43}$/);
    expect(a.launchKey).not.toBe(b.launchKey);
    expect(a.url).toBe(`http://127.0.0.1:${a.port}/?key=${a.launchKey}`);
  });

  it('refuses HTTP without the key: API calls and the page itself', async () => {
    const h = await host();
    const denied = await call(h, 'status', {});
    expect(denied.status).toBe(403);
    expect(await denied.text()).not.toContain('dataDir');
    expect((await call(h, 'status', {}, { 'X-Pronto-Key': 'x'.repeat(43) })).status).toBe(403);
    expect((await fetch(`${origin(h)}/`)).status).toBe(403);
    expect((await fetch(`${origin(h)}/?key=wrong`)).status).toBe(403);
    const ok = await call(h, 'status', {}, { 'X-Pronto-Key': h.launchKey });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { ok: boolean }).ok).toBe(true);
  });

  it('trades the printed URL for an HttpOnly cookie, then serves the page and the API with it', async () => {
    const h = await host();
    const first = await fetch(h.url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    const setCookie = first.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^pronto_key_${h.port}=${h.launchKey}; Path=/; HttpOnly; SameSite=Strict$`));
    const cookie = setCookie.split(';')[0]!;
    const page = await fetch(`${origin(h)}/`, { headers: { Cookie: `other=1; ${cookie}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Pronto</title>');
    expect((await call(h, 'status', {}, { Cookie: cookie })).status).toBe(200);
    // another port's cookie is not this host's key
    expect((await call(h, 'status', {}, { Cookie: `pronto_key_1=${h.launchKey}` })).status).toBe(403);
  });

  it('refuses the WebSocket without the key, opens it with the cookie', async () => {
    const h = await host();
    const refused = await openSocket(h, {});
    expect(refused.outcome).toBe(403);
    const wrong = await openSocket(h, { Cookie: `pronto_key_${h.port}=nope` });
    expect(wrong.outcome).toBe(403);
    const { outcome, ws } = await openSocket(h, { Cookie: `pronto_key_${h.port}=${h.launchKey}` });
    expect(outcome).toBe('open');
    ws.close();
  });
});

describe('SIP password', () => {
  it('is in no web-host response: settings come back without it, challenges get HA1 for the realm asked', async () => {
    const h = await host();
    const key = { 'X-Pronto-Key': h.launchKey };
    const seen: string[] = [];
    const config = await call(h, 'softphoneConfig', {}, key);
    seen.push(await config.text());
    expect(JSON.parse(seen[0]!)).toMatchObject({ ok: true, result: { user: '1001', password: '' } });

    const cred = await call(h, 'softphoneCredential', { realm: 'pronto.local' }, key);
    seen.push(await cred.text());
    const ha1 = createHash('md5').update(`1001:pronto.local:${PASSWORD}`).digest('hex');
    expect(JSON.parse(seen[1]!)).toEqual({ ok: true, result: { ha1 } });

    // over the socket too, and after a save that left the password empty (kept on the host)
    const { ws } = await openSocket(h, { Cookie: `pronto_key_${h.port}=${h.launchKey}` });
    const replies: string[] = [];
    ws.on('message', (d) => replies.push(String(d)));
    const saved = await call(h, 'softphoneConfigSave', { ...JSON.parse(seen[0]!).result, displayName: 'Renamed' }, key);
    seen.push(await saved.text());
    ws.send(JSON.stringify({ id: 1, method: 'softphoneConfig', input: {} }));
    ws.send(JSON.stringify({ id: 2, method: 'softphoneCredential', input: { realm: 'pronto.local' } }));
    await expect.poll(() => replies.filter((r) => r.includes('"id"')).length).toBe(2);
    ws.close();
    seen.push(...replies);
    expect(replies.find((r) => r.includes('"id":1'))).toContain('"displayName":"Renamed"');
    expect(replies.find((r) => r.includes('"id":2'))).toContain(ha1); // the held password was kept
    for (const body of seen) expect(body).not.toContain(PASSWORD);
  });

  it('signs for one realm only: HA1 for another realm is refused while the same password is held', async () => {
    const h = await host();
    const key = { 'X-Pronto-Key': h.launchKey };
    const first = (await (await call(h, 'softphoneCredential', { realm: 'pronto.local' }, key)).json()) as { result: { ha1: string } };
    expect(first.result.ha1).toMatch(/^[0-9a-f]{32}$/);
    // a page (or a PBX it was pointed at) asking for HA1 of realms of its choosing gets nothing
    expect(await (await call(h, 'softphoneCredential', { realm: 'evil.example' }, key)).json()).toEqual({ ok: true, result: null });
    expect(await (await call(h, 'softphoneCredential', { realm: 'pronto.local' }, key)).json()).toEqual(first);
  });
});

describe('CSP', () => {
  it("connect-src names the configured SIP server and hub, in the header and in the page's meta tag", async () => {
    let sipServer = 'ws://127.0.0.1:8080';
    const h = await host({ csp: () => cspFor({ sipServer, hubUrl: 'https://hub.example.com' }) });
    const get = () => fetch(`${origin(h)}/`, { headers: { 'X-Pronto-Key': h.launchKey } });
    const res = await get();
    const header = res.headers.get('content-security-policy')!;
    expect(header).toContain("connect-src 'self' ws://127.0.0.1:8080 https://hub.example.com wss://hub.example.com;");
    expect(header).not.toMatch(/ ws: | wss: /);
    const html = await res.text();
    expect(html).toContain("connect-src 'self' ws://127.0.0.1:8080 https://hub.example.com wss://hub.example.com;");
    expect(html).not.toContain(CSP_META);
    sipServer = 'wss://pbx.example.com:8089'; // saved in the settings: the next page load names it
    expect((await get()).headers.get('content-security-policy')).toContain("connect-src 'self' wss://pbx.example.com:8089 ");
  });
});
