// The Electron shell itself. Runs only where an Electron binary is installed; elsewhere it is
// reported as skipped, with the reason (this machine kind cannot download the binary). We look
// for the binary on disk instead of require('electron'), which would try to download it.
import { test, expect, _electron as electron, type ElectronApplication, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ELECTRON_SKIP_REASON, electronBinary } from './support/electron-binary';

const binary = electronBinary();

test.describe('Electron shell', () => {
  test.skip(!binary, ELECTRON_SKIP_REASON);

  test('opens a locked-down window that pops a caller through IPC', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pronto-electron-'));
    const app = await electron.launch({
      executablePath: binary!,
      args: ['.', '--data-dir', dataDir, '--no-sandbox'],
      env: { ...process.env, PRONTO_HUB_URL: '' },
    });
    try {
      const win = await app.firstWindow();
      await expect(win).toHaveTitle(/Pronto/);
      // served from the app:// origin, not file://
      expect(win.url()).toBe('app://pronto/index.html');
      // Only the typed contract is exposed; no Node, no raw ipcRenderer.
      const globals = await win.evaluate(() => ({
        pronto: typeof (globalThis as unknown as { pronto?: unknown }).pronto,
        require: typeof (globalThis as unknown as { require?: unknown }).require,
        process: typeof (globalThis as unknown as { process?: unknown }).process,
        ipc: typeof (globalThis as unknown as { ipcRenderer?: unknown }).ipcRenderer,
      }));
      expect(globals).toEqual({ pronto: 'object', require: 'undefined', process: 'undefined', ipc: 'undefined' });
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const w = BrowserWindow.getAllWindows()[0]!;
        const p = (w.webContents as unknown as { getLastWebPreferences(): { contextIsolation?: boolean; sandbox?: boolean; nodeIntegration?: boolean } | null }).getLastWebPreferences();
        return { contextIsolation: p?.contextIsolation, sandbox: p?.sandbox, nodeIntegration: p?.nodeIntegration };
      });
      expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      // New windows are denied.
      await win.evaluate(() => (globalThis as unknown as { open(u: string): void }).open('https://example.com'));
      expect(app.windows()).toHaveLength(1);
      // The demo store is loaded on first start and a simulated call pops a customer.
      await expect(win.getByTestId('demo-banner')).toBeVisible({ timeout: 60_000 });
      const status = await win.evaluate(() => (globalThis as unknown as { pronto: { invoke(m: string, i: unknown): Promise<{ customers: number }> } }).pronto.invoke('status', {}));
      expect(status.customers).toBe(10_000);
      await win.getByTestId('simulate-number').fill('anonymous');
      await win.getByTestId('simulate-call').click();
      await expect(win.getByTestId('pop')).toHaveAttribute('data-match', 'withheld');
      await win.screenshot({ path: 'test-results/electron-window.png' });
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  /** Launches the app on a fresh data dir; the caller closes it (and removes the dir). */
  async function launch(): Promise<{ app: ElectronApplication; win: Page; dataDir: string; done(): Promise<void> }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'pronto-electron-'));
    const app = await electron.launch({ executablePath: binary!, args: ['.', '--data-dir', dataDir, '--no-sandbox'], env: { ...process.env, PRONTO_HUB_URL: '' } });
    const win = await app.firstWindow();
    await expect(win.getByTestId('demo-banner')).toBeVisible({ timeout: 60_000 });
    return {
      app, win, dataDir,
      async done() {
        try {
          await app.close();
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
  }

  test('app:// serves the renderer folder only; permissions: microphone yes, camera and the rest no', async () => {
    const { win, done } = await launch();
    try {
      const fetched = await win.evaluate(async () => {
        const status = async (u: string) => (await fetch(u)).status;
        return {
          page: await status('app://pronto/index.html'),
          traversal: await status('app://pronto/..%2f..%2fpackage.json'),
          encodedBackslash: await status('app://pronto/..%5c..%5cpackage.json'),
          missing: await status('app://pronto/nope.js'),
        };
      });
      expect(fetched).toEqual({ page: 200, traversal: 403, encodedBackslash: 403, missing: 404 });
      // the check handler answers these (Electron grants every check without one)
      const perms = await win.evaluate(async () => {
        const nav = (globalThis as unknown as { navigator: { permissions: { query(d: { name: string }): Promise<{ state: string }> } } }).navigator;
        const q = async (name: string) => {
          try {
            return (await nav.permissions.query({ name })).state;
          } catch {
            return 'unsupported';
          }
        };
        return { microphone: await q('microphone'), camera: await q('camera'), geolocation: await q('geolocation'), notifications: await q('notifications') };
      });
      expect(perms.camera).toBe('denied');
      expect(perms.geolocation).toBe('denied');
      expect(perms.microphone).toBe('granted');
      expect(perms.notifications).toBe('granted');
      // getUserMedia for video is refused by the request handler
      const video = await win.evaluate(async () => {
        type Stream = { getTracks(): { stop(): void }[] };
        const nav = (globalThis as unknown as { navigator: { mediaDevices: { getUserMedia(c: { video: boolean }): Promise<Stream> } } }).navigator;
        try {
          const s = await nav.mediaDevices.getUserMedia({ video: true });
          s.getTracks().forEach((t) => t.stop());
          return 'granted';
        } catch (e) {
          return (e as Error).name;
        }
      });
      expect(video).not.toBe('granted');
    } finally {
      await done();
    }
  });

  test('a second launch with a tel: link focuses the first, which asks before dialling', async () => {
    const { app, win, done } = await launch();
    try {
      const second = spawn(binary!, ['.', '--no-sandbox', 'tel:+39 02 1234'], { stdio: 'ignore' });
      const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
      expect(code).toBe(0); // it quit at once: one Pronto per user
      const ask = win.getByTestId('dial-request');
      await expect(ask).toBeVisible();
      await expect(ask).toHaveAttribute('data-target', '+39021234');
      await expect(ask).toContainText('+39 02 1234');
      await win.getByTestId('dial-request-cancel').click();
      await expect(ask).toBeHidden();
      expect(app.windows()).toHaveLength(1);
    } finally {
      await done();
    }
  });

  test('closing the window while signed in hides it to the tray; signed out it closes', async () => {
    const { app, win, done } = await launch();
    try {
      const invoke = (input: unknown) => win.evaluate((i) => (globalThis as unknown as { pronto: { invoke(m: string, i: unknown): Promise<unknown> } }).pronto.invoke('shellReport', i), input);
      await invoke({ registration: 'registered', calls: 0, wrapUp: 0 });
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
      const hidden = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isVisible()));
      expect(hidden).toEqual([false]);
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.show());
      await invoke({ registration: 'unconfigured', calls: 0, wrapUp: 0 });
      const closed = app.waitForEvent('close');
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
      await closed; // the last window closed: the app quit (Linux, Windows)
    } finally {
      await done().catch(() => {}); // the app may have quit already
    }
  });

  test('Copy diagnostics: versions and the log, no password', async () => {
    const { win, done } = await launch();
    try {
      if (!(await win.getByTestId('sip-settings').isVisible())) await win.getByTestId('sip-settings-toggle').click();
      await win.getByTestId('sip-server').fill('wss://pbx.example.com:8089');
      await win.getByTestId('sip-uri').fill('sip:1001@pbx.example.com');
      await win.getByTestId('sip-user').fill('1001');
      await win.getByTestId('sip-password').fill('e2e-Secret-pw-42');
      // a new SIP server reloads the page (its CSP names the server): then reopen the settings
      const reloaded = win.waitForEvent('load');
      await win.getByTestId('sip-save').click();
      await reloaded;
      // the page's policy names the SIP server saved, not any ws:/wss:
      const csp = await win.evaluate(async () => (await fetch('app://pronto/index.html')).headers.get('content-security-policy'));
      expect(csp).toContain('connect-src \'self\' wss://pbx.example.com:8089');
      if (!(await win.getByTestId('sip-settings').isVisible())) await win.getByTestId('sip-settings-toggle').click();
      await win.getByTestId('diagnostics-copy').click();
      const text = win.getByTestId('diagnostics-text');
      await expect(text).toHaveValue(/electron: \d+/);
      await expect(text).toHaveValue(/host: electron/);
      await expect(text).toHaveValue(/password: \(set\)|password: \(none\)/);
      expect(await text.inputValue()).not.toContain('e2e-Secret-pw-42');
    } finally {
      await done();
    }
  });
});
