// The Electron host: a thin shell that opens the store, serves the contract over IPC and shows
// the renderer in a locked-down window. Everything else lives in plain-Node services.
import { app, BrowserWindow, ipcMain, session, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { methods, type MethodName } from '../../src-shared/api/contract';
import { ipcChannel, IPC_EVENT_CHANNEL } from '../../src-shared/api/bridge';
import { openStore, type Store } from '../db/store';
import { App } from '../api/handlers';
import { ApiError } from '../api/errors';
import { ensureDemoData } from '../services/demo';
import { hubUrl, resolveDataDir, resolveRegion } from '../config';
import { CSP } from '../web/server';
import { electronPlatform } from './platform';
import { hubConfigFromEnv, createSync } from '../services/sync/runtime';
import { startCheckpointer, type Checkpointer } from '../db/checkpointer';
// electron-vite bundles the sync thread and the pull worker as files of their own and gives
// their paths (the bundle has no .mjs/.ts pair beside it for the tsx bootstrap the CLI uses).
import syncThreadEntry from '../services/sync/sync-worker.ts?modulePath';
import pullWorkerEntry from '../services/sync/pull-worker.ts?modulePath';
import checkpointWorkerEntry from '../db/checkpoint-worker.ts?modulePath';
import callWriterEntry from '../services/call-writer-worker.ts?modulePath';
import { startCallWriter, type CallWriter } from '../services/call-writer';

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

let store: Store | null = null;
let checkpointer: Checkpointer | null = null;
let callWriter: CallWriter | null = null;
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

function registerIpc(api: App): void {
  for (const method of Object.keys(methods) as MethodName[]) {
    ipcMain.handle(ipcChannel(method), async (e, input: unknown) => {
      if (!trustedSender(e)) throw new Error('IPC from an untrusted frame refused');
      try {
        return { ok: true, result: await api.dispatch(method, input) };
      } catch (err) {
        const code = err instanceof ApiError ? err.code : 'internal';
        return { ok: false, error: { code, message: err instanceof ApiError ? err.message : 'internal error' } };
      }
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
  const dataDir = resolveDataDir(flag('data-dir'), () => app.getPath('userData'));
  store = openStore(dataDir, { migrationsDir: join(app.getAppPath(), 'migrations/desktop') });
  await ensureDemoData(store, { hubConfigured: hubUrl() !== null });
  const hub = hubConfigFromEnv();
  const sync = hub ? createSync(store, hub, (l) => console.error(l), { threadEntry: syncThreadEntry, pullWorkerEntry }) : null;
  checkpointer = startCheckpointer(store, { entry: checkpointWorkerEntry, log: (l) => console.error(l) });
  callWriter = startCallWriter(store, { entry: callWriterEntry, log: (l) => console.error(l) });
  const api = new App({
    store, region: resolveRegion(flag('region')), host: 'electron', sync: sync?.client ?? null,
    storeCounter: checkpointer,
    callWriter,
    platform: electronPlatform(dataDir, () => win),
  });
  sync?.bind(api);
  sync?.client.start();
  registerIpc(api);
  // Back from sleep or network: retry sync at once rather than waiting out the backoff.
  const { powerMonitor } = await import('electron');
  powerMonitor.on('resume', () => sync?.client.wake());
  win = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('will-quit', () => {
  void callWriter?.stop(); // the records it still holds are written first
  void checkpointer?.stop(); // its last round copies what is left; the exit ends it otherwise
  store?.close();
});
