// The Electron host: a thin shell that opens the store, serves the contract over IPC and shows
// the renderer in a locked-down window. Everything else lives in plain-Node services, and every
// decision the shell takes (single instance, links, permissions, app:// paths, tray, close to
// tray, when to install an update) is a pure function in src-shared/desktop, tested in Node.
import { app, BrowserWindow, ipcMain, powerMonitor, protocol, session, shell, type IpcMainInvokeEvent } from 'electron';
import { dirname, join } from 'node:path';
import { methods, type MethodName } from '../../src-shared/api/contract';
import { ipcChannel, IPC_EVENT_CHANNEL } from '../../src-shared/api/bridge';
import { cspFor } from '../../src-shared/api/csp';
import type { Reply } from '../../src-shared/api/envelope';
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME, isAppPage, originOf } from '../../src-shared/desktop/app-protocol';
import { appFileResponse } from '../../src-shared/desktop/node/app-files';
import { DialInbox } from '../../src-shared/desktop/dial-inbox';
import { CALL_LINK_SCHEMES, callLinkInArgv, parseCallLink, type CallLink } from '../../src-shared/desktop/links';
import { externalOrigins, externalUrlAllowed, permissionAllowed } from '../../src-shared/desktop/permissions';
import { agentChoices, agentStateRequest, closeAction, inCall, PresenceHub, shellAgentState, trayTooltip } from '../../src-shared/desktop/presence';
import { secondLaunchAction, startupDecision } from '../../src-shared/desktop/single-instance';
import { dataDirOf, loadDesktopConfigWithPresets } from '../config';
import { startDesktop, type Desktop } from '../desktop';
import { createCallPath } from '../api/call-path';
import type { DesktopApi } from '../api/desktop-api';
import { electronPlatform } from './platform';
import { electronTokenVault } from './token-vault';
import { startLog } from './log';
import { startTray } from './tray';
import { startUpdates, type Updates } from './updates';
import { useBundledWorkers } from '../../src-shared/node/worker-host';

// Workers start from the files electron-vite bundled beside this one (out/main/workers/, one per
// entry of src-shared/node/worker-entries.ts): the bundle has no sources for the tsx bootstrap.
useBundledWorkers(__dirname);

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
/** Read once at start-up: a bad setting stops the app with the variable named (ConfigError). */
// an installer's pronto.conf beside the executable or in the data dir presets settings (the hub address)
const config = loadDesktopConfigWithPresets({ 'data-dir': flag('data-dir'), region: flag('region') }, process.env, dirname(process.execPath), () => app.getPath('userData'));

const rendererUrl = process.env.ELECTRON_RENDERER_URL; // set by `electron-vite dev` only
const rendererDir = join(__dirname, '../renderer');
/** Origins whose pages may use the API and get permissions: app://pronto, or the dev server. */
const appOrigins = [rendererUrl ? (originOf(rendererUrl) ?? APP_ORIGIN) : APP_ORIGIN];
const externalAllowed = externalOrigins(config.hubUrl);

// app:// must be registered as privileged before the app is ready: standard (an origin, relative
// URLs), secure (like https: for the page's APIs), fetch for its own files.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true, stream: true } },
]);

// One Pronto per user: a second launch hands its argv (a tel: link) to the first and quits
// before it opens the store or registers the softphone.
if (startupDecision(app.requestSingleInstanceLock({ argv: process.argv })) === 'quit') {
  app.quit();
} else {
  run();
}

function run(): void {
  const log = startLog();
  const presence = new PresenceHub();
  const inbox = new DialInbox();
  let desktop: Desktop | null = null;
  let win: BrowserWindow | null = null;
  let quitting = false;
  let updates: Updates | null = null;
  let lastCallEndedAt = 0;
  let stopTray: (() => void) | null = null;

  /** Only our own page may call the API: app://pronto, or the dev server in development. */
  function trustedSender(e: IpcMainInvokeEvent): boolean {
    if (win === null || e.sender !== win.webContents) return false;
    return isAppPage(e.senderFrame?.url, rendererUrl);
  }

  function showWindow(): void {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  function sendLinks(links: CallLink[]): void {
    for (const link of links) desktop?.api.emit('dialRequest', { scheme: link.scheme, target: link.target, display: link.display });
  }

  /** A tel:/sip: link: bring Pronto forward; the page asks the agent before it dials. */
  function onLink(link: CallLink | null): void {
    showWindow();
    if (!link) return;
    log.info(`call link received (${link.scheme})`);
    sendLinks(inbox.push(link));
  }

  app.on('second-instance', (_e, argv, _cwd, additionalData) => {
    const action = secondLaunchAction(argv, additionalData);
    if (action.focus) onLink(action.link);
  });
  // macOS hands links to the running app as open-url (also on a first launch, before ready).
  app.on('open-url', (e, url) => {
    e.preventDefault();
    const parsed = parseCallLink(url);
    onLink(parsed.ok ? parsed.link : null);
  });
  const firstLink = callLinkInArgv(process.argv);
  if (firstLink) inbox.push(firstLink);

  // when the last call ended: an update waits a little after it (update-policy.ts)
  let wasInCall = false;
  presence.onChange((p) => {
    if (!inCall(p) && wasInCall) lastCallEndedAt = Date.now();
    wasInCall = inCall(p);
  });

  function shellReport(r: Parameters<PresenceHub['setSoftphone']>[0]): void {
    presence.setSoftphone(r);
    // the page reports once it listens for dialRequest: links that waited are sent now
    sendLinks(inbox.pageReady());
  }

  function registerIpc(api: DesktopApi): void {
    const call = createCallPath(api, { log: (l) => log.line(l), slowMs: config.slowApiMs });
    for (const method of Object.keys(methods) as MethodName[]) {
      ipcMain.handle(ipcChannel(method), (e, input: unknown): Promise<Reply> => {
        if (!trustedSender(e)) throw new Error('IPC from an untrusted frame refused');
        return call(method, input);
      });
    }
    api.onEvent((event, payload) => {
      win?.webContents.send(IPC_EVENT_CHANNEL, { event, payload });
      // agent states (the agent-state service) reach the tray through the same events
      if (event === 'agentState') presence.setAgent(shellAgentState(payload), presence.get().agentChoices);
    });
  }

  /** The tray's quick state changes go through the one call path like the page's. */
  async function wireAgentStates(api: DesktopApi): Promise<void> {
    const call = createCallPath(api, { log: (l) => log.line(l), slowMs: config.slowApiMs });
    const [state, reasons] = await Promise.all([call('agentState', {}), call('breakReasons', {})]);
    if (!state.ok) return; // no agent states in this build: the tray shows the registration
    const list = reasons.ok && Array.isArray(reasons.result) ? (reasons.result as { code: string; labelEn: string }[]) : [];
    presence.setAgent(shellAgentState(state.result), agentChoices(list));
    presence.onAgentStateChosen((id) => {
      const input = agentStateRequest(id);
      if (input) void call('agentStateSet', input);
    });
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
    // No new windows, no navigation away from the app: allowed links open in the OS browser.
    w.webContents.setWindowOpenHandler(({ url }) => {
      if (externalUrlAllowed(url, externalAllowed)) void shell.openExternal(url);
      else log.info('a link to open outside was refused (not on the allowlist)');
      return { action: 'deny' };
    });
    w.webContents.on('will-navigate', (e) => e.preventDefault());
    w.webContents.on('will-redirect', (e) => e.preventDefault());
    // a reload or a crash: links wait until the new page reports
    w.webContents.on('did-start-loading', () => inbox.pageGone());
    w.webContents.on('render-process-gone', (_e, d) => {
      inbox.pageGone();
      log.error(`renderer gone: ${d.reason}`);
    });
    // Closing the window while signed in hides it to the tray: calls keep ringing. Without a tray
    // (a desktop with no status area) it is minimised instead, so it can still be found; launching
    // Pronto again brings it forward either way (single instance).
    w.on('close', (e) => {
      if (closeAction(presence.get(), quitting) === 'hide') {
        e.preventDefault();
        if (stopTray) w.hide();
        else w.minimize();
      }
    });
    void w.loadURL(rendererUrl ?? APP_ENTRY_URL);
    return w;
  }

  app.enableSandbox();
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });
  app.on('before-quit', () => {
    quitting = true;
  });

  void app.whenReady().then(async () => {
    const ses = session.defaultSession;
    // The policy names the configured SIP server and hub (connect-src), asked per page: the page
    // reloads when the agent saves another SIP server. The dev server's responses get it here;
    // app:// responses carry it themselves.
    const csp = (): string => cspFor({ sipServer: desktop?.api.sipServer() ?? null, hubUrl: config.hubUrl });
    ses.webRequest.onHeadersReceived((details, cb) => {
      cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp()] } });
    });
    protocol.handle(APP_SCHEME, (req) => appFileResponse(rendererDir, req.url, csp()));
    // Our origin only; the microphone (no camera), the speaker choice, notifications, clipboard
    // writes. The check handler too: Electron grants every check by default.
    ses.setPermissionRequestHandler((wc, permission, cb, details) => {
      const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
      cb(permissionAllowed({ permission, requestingUrl: details.requestingUrl || wc.getURL(), mediaTypes, isMainFrame: details.isMainFrame }, appOrigins));
    });
    ses.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) =>
      permissionAllowed({ permission, requestingUrl: requestingOrigin || details.requestingUrl, mediaTypes: details.mediaType ? [details.mediaType] : undefined, isMainFrame: details.isMainFrame }, appOrigins));
    ses.setDevicePermissionHandler(() => false); // no HID, serial or USB devices

    if (app.isPackaged) {
      // The installer registers these too (electron-builder `protocols`); Windows asks the user once.
      for (const scheme of CALL_LINK_SCHEMES) app.setAsDefaultProtocolClient(scheme);
    }

    const dataDir = dataDirOf(config, () => app.getPath('userData'));
    log.info(`Pronto ${app.getVersion()} starting (data ${dataDir})`);
    desktop = await startDesktop({
      config, dataDir, host: 'electron', log: (l) => log.line(l),
      migrationsDir: config.migrationsDir ?? join(app.getAppPath(), 'migrations/desktop'),
      tokenVault: electronTokenVault(dataDir, (l) => log.line(l)),
      platform: electronPlatform(dataDir, () => win, {
        report: shellReport,
        diagnostics: () => ({
          versions: {
            pronto: app.getVersion(), electron: process.versions.electron ?? '?', chrome: process.versions.chrome ?? '?', node: process.versions.node,
            os: `${process.platform} ${process.getSystemVersion()} ${process.arch}`, packaged: String(app.isPackaged),
          },
          logFile: log.file(),
          facts: { presence: trayTooltip(presence.get()), window: win?.isVisible() ? 'shown' : 'hidden', updates: updates?.state() ?? 'off' },
        }),
      }),
    });
    registerIpc(desktop.api);
    void wireAgentStates(desktop.api).catch((err: unknown) => log.error('agent states for the tray', err));
    // Back from sleep or network: retry sync at once rather than waiting out the backoff.
    powerMonitor.on('resume', () => desktop?.wake());
    win = createWindow();
    try {
      stopTray = startTray(presence, {
        show: () => showWindow(),
        quit: () => app.quit(),
        chooseState: (id) => presence.chooseAgentState(id),
      });
    } catch (err) {
      log.error('no tray icon on this desktop', err);
    }
    updates = startUpdates({
      url: config.updateUrl, packaged: app.isPackaged, presence, log,
      beforeInstall: () => {
        quitting = true;
      },
      lastCallEndedAt: () => lastCallEndedAt,
    });
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) win = createWindow();
      else showWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', (e) => {
    updates?.stop();
    stopTray?.();
    stopTray = null;
    if (!desktop) return;
    // The call writer's pending records are written and the checkpoint worker's last round runs
    // before the store closes; then quit for real.
    e.preventDefault();
    const stopping = desktop;
    desktop = null;
    void stopping.stop().finally(() => app.quit());
  });
}
