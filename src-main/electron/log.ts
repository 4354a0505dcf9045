// The desktop's log: a rotating file (electron-log: main.log, moved to main.old.log past 5 MB)
// in the OS's log folder for the app (~/.config/Pronto/logs on Linux, %APPDATA%\Pronto\logs,
// ~/Library/Logs/Pronto), plus stderr. It holds what support needs: the call path's slow-call
// lines and internal errors, the services' lines, uncaught errors and the updater's steps.
// "Copy diagnostics" reads its last lines (secrets masked there).
import log from 'electron-log/main';

const MAX_BYTES = 5 * 1024 * 1024;

export interface DesktopLog {
  /** A line from the services or the call path (slow calls, failures). */
  line(text: string): void;
  info(text: string): void;
  error(text: string, err?: unknown): void;
  /** The current log file, for diagnostics (null when the file transport is off). */
  file(): string | null;
  /** electron-updater's logger shape. */
  readonly updater: { info(m: unknown): void; warn(m: unknown): void; error(m: unknown): void; debug?(m: unknown): void };
}

export function startLog(): DesktopLog {
  log.transports.file.level = 'info';
  log.transports.file.maxSize = MAX_BYTES;
  log.transports.console.level = 'info';
  // Uncaught errors and unhandled rejections of the main process go to the file, without a dialog.
  log.errorHandler.startCatching({ showDialog: false });
  const error = (text: string, err?: unknown): void => {
    if (err === undefined) log.error(text);
    else log.error(text, err instanceof Error ? (err.stack ?? err.message) : String(err));
  };
  return {
    // the call path's and the services' lines: failures as errors, slow calls as warnings
    line: (text) => {
      if (/\b(failed|error|refused|not recorded)\b/i.test(text)) log.error(text);
      else if (/^slow\b/i.test(text)) log.warn(text);
      else log.info(text);
    },
    info: (text) => log.info(text),
    error,
    file: () => {
      try {
        return log.transports.file.getFile().path;
      } catch {
        return null;
      }
    },
    updater: {
      info: (m) => log.info(`update: ${String(m)}`),
      warn: (m) => log.warn(`update: ${String(m)}`),
      error: (m) => log.error(`update: ${String(m)}`),
    },
  };
}
