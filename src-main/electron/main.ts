// The Electron host: a thin shell that opens the store, serves the contract over IPC and shows
// the renderer in a locked-down window. Everything else lives in plain-Node services.
import { app, BrowserWindow, ipcMain, session, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { methods, type MethodName } from '../../src-shared/api/contract';
import { ipcChannel, IPC_EVENT_CHANNEL } from '../../src-shared/api/bridge';
import { CSP } from '../../src-shared/api/csp';
import type { Reply } from '../../src-shared/api/envelope';
import { dataDirOf, loadDesktopConfig } from '../config';
import { startDesktop, type Desktop } from '../desktop';
import { createCallPath } from '../api/call-path';
import type { DesktopApi } from '../api/desktop-api';
import { electronPlatform } from './platform';
import { useBundledWorkers } from '../../src-shared/node/worker-host';

// Workers start from the files electron-vite bundled beside this one (out/main/workers/, one per
// entry of src-shared/node/worker-entries.ts): the bundle has no sources for the tsx bootstrap.
useBundledWorkers(__dirname);

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
/** Read once at start-up: a bad setting stops the app with the variable named (ConfigError). */
const config = loadDesktopConfig({ 'data-dir': flag('data-dir'), region: flag('region') });

let desktop: Desktop | null = null;
let win: BrowserWindow | null = null;

const rendererUrl = process.env.ELECTRON_RENDERER_URL; // set by `electron-vite dev` only
const rendererFile = join(__dirname, '../renderer/index.html');

/** Only our own page may call the API: the dev server in development, the packaged file otherwise. */
function trustedSender(e: IpcMainInvokeEvent): boolean {
  const url = e.senderFrame?.url ?? '';
  if (win === null || e.sender !== win.webContents) return false;
  if (rendererUrl) return url.startsWith(rendererUrl);
  return url.startsWith('file://') && decodeURIComponent(new URL(url).pathname).endsWith('/renderer/index.html');
}

function registerIpc(api: DesktopApi): void {
  const call = createCallPath(api, { log: (l) => console.error(l), slowMs: config.slowApiMs });
  for (const method of Object.keys(methods) as MethodName[]) {
    ipcMain.handle(ipcChannel(method), (e, input: unknown): Promise<Reply> => {
      if (!trustedSender(e)) throw new Error('IPC from an untrusted frame refused');
      return call(method, input);
    });
  }
  api.onEvent((event, payload) => win?.webContents.send(IPC_EVENT_CHANNEL, { event, payload }));
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Pronto',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  w.once('ready-to-show', () => w.show());
  // No new windows, no navigation away from the app: links to the web open in the browser.
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  w.webContents.on('will-navigate', (e) => e.preventDefault());
  w.webContents.on('will-redirect', (e) => e.preventDefault());
  if (rendererUrl) void w.loadURL(rendererUrl);
  else void w.loadFile(rendererFile);
  return w;
}

app.enableSandbox();
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

void app.whenReady().then(async () => {
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, cb) => {
    // Microphone for the softphone and notifications for incoming calls; nothing else.
    cb(permission === 'media' || permission === 'notifications');
  });
  const dataDir = dataDirOf(config, () => app.getPath('userData'));
  desktop = await startDesktop({
    config, dataDir, host: 'electron', log: (l) => console.error(l),
    migrationsDir: config.migrationsDir ?? join(app.getAppPath(), 'migrations/desktop'),
    platform: electronPlatform(dataDir, () => win),
  });
  registerIpc(desktop.api);
  // Back from sleep or network: retry sync at once rather than waiting out the backoff.
  const { powerMonitor } = await import('electron');
  powerMonitor.on('resume', () => desktop?.wake());
  win = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('will-quit', (e) => {
  if (!desktop) return;
  // The call writer's pending records are written and the checkpoint worker's last round runs
  // before the store closes; then quit for real.
  e.preventDefault();
  const stopping = desktop;
  desktop = null;
  void stopping.stop().finally(() => app.quit());
});
