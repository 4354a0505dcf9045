// Automatic updates (electron-updater, generic provider at PRONTO_UPDATE_URL, e.g. a folder the
// hub serves holding what `npm run dist` published: latest*.yml + installers). Downloaded in the
// background; each download is checked against the sha512 in the feed (and, on Windows and
// macOS, the installer's code signature) by electron-updater. Installed only when updateDecision
// (src-shared/desktop/update-policy.ts) says so: never during a call or its wrap-up, only when the
// agent is idle; or when Pronto quits.
import { powerMonitor } from 'electron';
import { autoUpdater } from 'electron-updater';
import type { PresenceHub } from '../../src-shared/desktop/presence';
import {
  updateDecision, updateFeedProblem, UPDATE_CHECK_INTERVAL_MS, UPDATE_DECISION_INTERVAL_MS,
} from '../../src-shared/desktop/update-policy';
import type { DesktopLog } from './log';

export interface Updates {
  /** One line for diagnostics: off (why), checking, downloaded x.y.z (waiting: why)… */
  state(): string;
  stop(): void;
}

export function startUpdates(opts: {
  url: string | undefined;
  packaged: boolean;
  presence: PresenceHub;
  log: DesktopLog;
  /** Quits for the install (the shell marks the quit so the window closes instead of hiding). */
  beforeInstall(): void;
  /** When the last call ended (ms since epoch; 0: none this run). */
  lastCallEndedAt(): number;
}): Updates {
  const problem = updateFeedProblem(opts.url);
  if (problem || !opts.packaged) {
    const why = problem ?? 'not a packaged app';
    opts.log.info(`updates off: ${why}`);
    return { state: () => `off (${why})`, stop: () => {} };
  }
  let state = 'idle';
  let downloaded: string | null = null;
  autoUpdater.logger = opts.log.updater;
  autoUpdater.setFeedURL({ provider: 'generic', url: opts.url! });
  autoUpdater.autoDownload = true; // in the background, as soon as one is found
  autoUpdater.autoInstallOnAppQuit = true; // quitting is the agent's own choice: install then
  autoUpdater.allowDowngrade = false;
  autoUpdater.on('checking-for-update', () => (state = 'checking'));
  autoUpdater.on('update-not-available', () => (state = 'up to date'));
  autoUpdater.on('download-progress', (p: { percent: number }) => (state = `downloading (${Math.round(p.percent)} %)`));
  autoUpdater.on('error', (err: Error) => {
    state = `error: ${err.message}`;
    opts.log.error('update failed', err);
  });
  autoUpdater.on('update-downloaded', (info: { version: string }) => {
    downloaded = info.version;
    state = `downloaded ${info.version}`;
    opts.log.info(`update ${info.version} downloaded; installs when the agent is idle`);
    decide();
  });

  const decide = (): void => {
    const lastEnded = opts.lastCallEndedAt();
    const d = updateDecision({
      presence: opts.presence.get(),
      downloaded: downloaded !== null,
      systemIdleSeconds: powerMonitor.getSystemIdleTime(),
      sinceLastCallMs: lastEnded ? Date.now() - lastEnded : Infinity,
    });
    if (downloaded) state = `downloaded ${downloaded} (${d.action === 'install' ? 'installing' : `waiting: ${d.reason}`})`;
    if (d.action !== 'install') return;
    opts.log.info(`installing update ${downloaded}: ${d.reason}`);
    opts.beforeInstall();
    autoUpdater.quitAndInstall(true, true); // silent installer, Pronto starts again
  };

  const check = (): void => {
    autoUpdater.checkForUpdates().catch((err: unknown) => opts.log.error('update check failed', err));
  };
  check();
  const checkTimer = setInterval(check, UPDATE_CHECK_INTERVAL_MS);
  const decideTimer = setInterval(() => downloaded && decide(), UPDATE_DECISION_INTERVAL_MS);
  return {
    state: () => state,
    stop: () => {
      clearInterval(checkTimer);
      clearInterval(decideTimer);
    },
  };
}
