// "Copy diagnostics": useful for support, and never a secret (hub token, SIP password, keys in
// log lines or URLs), checked through the one call path as the page gets it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../db/store';
import { DesktopApi, softphoneDefaults } from '../api/desktop-api';
import { createCallPath } from '../api/call-path';
import { loadDesktopConfig } from '../config';
import { diagnosticsText, readLogTail, redact } from './diagnostics';

const HUB_TOKEN = 'tok-Sup3rSecret-0123456789abcdef';
const SIP_PASSWORD = 'sip-Pa55 word!';
const SAVED_PASSWORD = 'saved-Elec7ron-pw';
const SECRETS = [HUB_TOKEN, SIP_PASSWORD, encodeURIComponent(SIP_PASSWORD), SAVED_PASSWORD, 'launch-key-abcdef', 'b64bearer', 'hunter2x', 'digestresp'];

let dir: string;
let store: Store;
let logFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pronto-diag-'));
  store = openStore(join(dir, 'store'));
  logFile = join(dir, 'main.log');
  writeFileSync(logFile, [
    '[2026-12-07 20:00:00.000] [info] Pronto starting',
    '[2026-12-07 20:00:01.000] [warn] slow api lookup: 73.2 ms (cpu 70 ms)',
    `[2026-12-07 20:00:02.000] [error] sync failed: GET https://hub.example.com/v1/sync/pull?after=3&token=${HUB_TOKEN} Authorization: Bearer ${HUB_TOKEN}`,
    `[2026-12-07 20:00:03.000] [error] register: Authorization: Digest username="1001", response="digestresp", nonce="n0nce"`,
    `[2026-12-07 20:00:04.000] [error] {"password":"${SIP_PASSWORD}","launchKey":"launch-key-abcdef"} wss://1001:hunter2x@pbx.example.com`,
    `[2026-12-07 20:00:05.000] [error] x-pronto-launch-key: launch-key-abcdef; proxy Authorization=Basic b64bearer`,
    `[2026-12-07 20:00:06.000] [error] saved softphone password ${SAVED_PASSWORD} in a message we did not write`,
    '',
  ].join('\n'));
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('diagnostics', () => {
  it('reaches the page through the one call path, useful and without a secret', async () => {
    const config = loadDesktopConfig({ region: 'IT' }, {
      PRONTO_HUB_TOKEN: HUB_TOKEN, PRONTO_SIP_PASSWORD: SIP_PASSWORD, PRONTO_SIP_SERVER: 'wss://pbx.example.com:8089', PRONTO_SIP_URI: 'sip:1001@pbx.example.com',
    });
    const api = new DesktopApi({
      store, region: 'IT', host: 'electron', config, softphone: softphoneDefaults(config),
      platform: {
        loadSoftphone: () => ({ server: 'wss://pbx.example.com:8089', uri: 'sip:1001@pbx.example.com', user: '1001', password: SAVED_PASSWORD, displayName: 'Ann', region: 'IT' }),
        diagnostics: () => ({ versions: { pronto: '0.1.0', electron: '45.4.1' }, logFile, facts: { presence: 'phone ready', update: 'none downloaded' } }),
      },
    });
    const call = createCallPath(api, { log: () => {}, slowMs: 60_000 });
    const reply = await call('diagnostics', {});
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    const text = (reply.result as { text: string }).text;
    for (const secret of SECRETS) expect(text, secret).not.toContain(secret);
    expect(text).not.toMatch(/n0nce/);
    // what support needs is there
    expect(text).toContain('host: electron');
    expect(text).toContain('electron: 45.4.1');
    expect(text).toContain('customers: 0');
    expect(text).toContain('server: wss://pbx.example.com:8089');
    expect(text).toContain('password: (set)');
    expect(text).toContain('PRONTO_HUB_TOKEN=(set)');
    expect(text).toContain('PRONTO_SIP_PASSWORD=(set)');
    expect(text).toContain('PRONTO_REGION=IT');
    expect(text).toContain('presence: phone ready');
    expect(text).toContain('slow api lookup: 73.2 ms');
    expect(text).toContain('Authorization: [redacted]');
    expect(text).toContain('token=[redacted]');
  });

  it('says where the web host logs, without a log file', async () => {
    const api = new DesktopApi({ store, region: 'IT', host: 'web' });
    const reply = await createCallPath(api, { log: () => {}, slowMs: 60_000 })('diagnostics', {});
    expect(reply.ok && (reply.result as { text: string }).text).toContain('(the web host logs to its standard error)');
    expect(reply.ok && (reply.result as { text: string }).text).toContain(`node: ${process.versions.node}`);
  });
});

describe('redact', () => {
  it('masks known values (also URL-encoded) and common secret shapes', () => {
    expect(redact('a secretvalue b', ['secretvalue'])).toBe('a [redacted] b');
    expect(redact('p=pa%20ss', ['pa ss'])).toBe('p=[redacted]');
    expect(redact('Authorization: Bearer abc.def', [])).toBe('Authorization: [redacted]');
    expect(redact('got Bearer abc.def back', [])).toBe('got Bearer [redacted] back');
    expect(redact('https://u:p@host/x', [])).toBe('https://[redacted]@host/x');
    expect(redact('token=abc&x=1', [])).toBe('token=[redacted]&x=1');
    expect(redact('"sipPassword": "x y"', [])).toBe('"sipPassword": "[redacted] y"');
  });

  it('leaves ordinary text, and short values that would mask it', () => {
    expect(redact('slow api lookup: 73.2 ms', ['ab'])).toBe('slow api lookup: 73.2 ms');
    expect(redact('PRONTO_HUB_TOKEN=(set)', [])).toBe('PRONTO_HUB_TOKEN=(set)');
  });
});

describe('readLogTail', () => {
  it('reads the last lines, and nothing from a missing file', () => {
    const f = join(dir, 'big.log');
    writeFileSync(f, Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n'));
    const tail = readLogTail(f, 10);
    expect(tail).toHaveLength(10);
    expect(tail.at(-1)).toMatch(/^line 4999 /);
    expect(readLogTail(join(dir, 'missing.log'))).toEqual([]);
  });

  it('masks a secret before it cuts a long line through it', () => {
    const secret = 'cut-Secret-0123456789';
    const text = diagnosticsText({
      host: 'web', now: new Date(0), config: null, status: null, sync: null, hostInfo: null,
      softphone: { server: 'wss://pbx', uri: 'sip:1@pbx', user: '1', password: secret, displayName: '', region: 'IT' },
      secrets: [], // the password is known from the softphone settings
    });
    expect(text).not.toContain(secret);
    const long = diagnosticsText({ host: 'web', now: new Date(0), config: null, status: null, sync: null, softphone: null, hostInfo: { versions: { x: `${'y'.repeat(390)}${secret}` }, logFile: null, facts: {} }, secrets: [secret] });
    expect(long).not.toContain(secret.slice(0, 6)); // 'x: ' + 390 + 7 characters of it reach the cut
  });

  it('caps a long line', () => {
    const text = diagnosticsText({ host: 'web', now: new Date(0), config: null, status: null, sync: null, softphone: null, hostInfo: { versions: { x: 'y'.repeat(5000) }, logFile: null, facts: {} } });
    expect(text.split('\n').every((l) => l.length <= 401)).toBe(true);
  });
});
