// The Electron shell itself. Runs only where an Electron binary is installed; elsewhere it is
// reported as skipped, with the reason (this machine kind cannot download the binary). We look
// for the binary on disk instead of require('electron'), which would try to download it.
import { test, expect, _electron as electron } from '@playwright/test';
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
});
