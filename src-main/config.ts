// Where the store lives and which region numbers default to. One resolution for every host:
// --data-dir, else PRONTO_DATA_DIR, else the same folder Electron uses as userData.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isRegion, type Region } from '../src-shared/phone/normalize';

export const APP_NAME = 'Pronto';

/** Electron's default userData: $XDG_CONFIG_HOME|~/.config/Pronto, %APPDATA%\Pronto, ~/Library/Application Support/Pronto. */
export function defaultUserDataDir(): string {
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

export function resolveDataDir(flag?: string, fallback: () => string = defaultUserDataDir): string {
  return flag ?? process.env.PRONTO_DATA_DIR ?? fallback();
}

export function resolveRegion(flag?: string): Region {
  const r = (flag ?? process.env.PRONTO_REGION ?? 'IT').toUpperCase();
  if (!isRegion(r)) throw new Error(`--region: "${r}" is not a supported ISO 3166 region`);
  return r;
}

/** A hub is configured when its URL is known; then the store is filled by sync, not the demo. */
export function hubUrl(): string | null {
  return process.env.PRONTO_HUB_URL || null;
}
