// The desktop's configuration (the CLI, the web host and the Electron host): every setting with
// its variable, flag, default and meaning, read once at start-up by `loadDesktopConfig` and handed
// down as options. The only place in src-main that reads PRONTO_* variables (a lint rule and a test
// hold that); the README's "Configuration" table is checked against it by config.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { isRegion, type Region } from '../src-shared/phone/normalize';
import { ConfigError, defineConfig, httpUrl, loadConfig, onOff, text, wholeNumber, type ConfigOf } from '../src-shared/config/define';
import { plaintextRefusal } from '../src-shared/api/plaintext-policy';

export const APP_NAME = 'Pronto';

const region = z.string().trim().toUpperCase().refine(isRegion, 'is not a supported ISO 3166 region').transform((r) => r as Region);

export const DESKTOP_CONFIG = defineConfig({
  dataDir: {
    env: 'PRONTO_DATA_DIR', flag: 'data-dir', schema: text, defaultText: "Electron's userData (`~/.config/Pronto`)",
    description: 'Folder of the store (`pronto.sqlite`) and the settings.',
  },
  region: {
    env: 'PRONTO_REGION', flag: 'region', default: 'IT', schema: region,
    description: 'Default region (ISO 3166) for national numbers.',
  },
  hubUrl: {
    env: 'PRONTO_HUB_URL', flag: 'hub', schema: httpUrl,
    description: 'The hub to sync with; without it the desktop runs standalone (demo data on an empty store).',
  },
  hubToken: {
    env: 'PRONTO_HUB_TOKEN', flag: 'token', schema: text,
    description: 'Bearer token for the hub (from `POST /v1/auth/login` or `pronto-hub token`).',
  },
  sipServer: { env: 'PRONTO_SIP_SERVER', schema: text, description: "Web host: the softphone's default SIP WebSocket server (`ws://…`, `wss://…`)." },
  sipUri: { env: 'PRONTO_SIP_URI', schema: text, description: "Web host: the softphone's default address of record (`sip:1001@…`)." },
  sipUser: { env: 'PRONTO_SIP_USER', schema: text, defaultText: 'the user part of the SIP URI', description: 'Web host: default SIP auth user.' },
  sipPassword: { env: 'PRONTO_SIP_PASSWORD', schema: z.string(), description: 'Web host: default SIP password.' },
  sipDisplayName: { env: 'PRONTO_SIP_DISPLAY_NAME', schema: z.string(), description: 'Web host: default display name.' },
  wrapUpSeconds: {
    env: 'PRONTO_WRAP_UP_SECONDS', default: '60', schema: wholeNumber(0, 86_400),
    description: 'After-call work time when the hub has set none.',
  },
  slowApiMs: {
    env: 'PRONTO_SLOW_API_MS', default: '50', schema: wholeNumber(1, 3_600_000),
    description: 'Host method calls slower than this are logged with what held them up.',
  },
  syncThread: { env: 'PRONTO_SYNC_THREAD', default: '1', schema: onOff, description: '`0`: sync on the host\'s own thread instead of a sync thread.' },
  syncWorker: { env: 'PRONTO_SYNC_WORKER', default: '1', schema: onOff, description: '`0`: fetch and parse pull pages on the writer\'s thread, not a pull worker.' },
  syncAheadMb: {
    env: 'PRONTO_SYNC_AHEAD_MB', default: '256', schema: wholeNumber(1, 65_536),
    description: 'Parsed pull pages the pull worker may hold ahead of the writer (MB).',
  },
  syncSnapshot: { env: 'PRONTO_SYNC_SNAPSHOT', default: '1', schema: onOff, description: '`0`: an empty store always syncs from the stream, never a snapshot.' },
  syncBulkMinRows: {
    env: 'PRONTO_SYNC_BULK_MIN_ROWS', default: '100000', schema: wholeNumber(0, Number.MAX_SAFE_INTEGER),
    description: 'A pull this large defers the purchase-history index to its end.',
  },
  syncWorkerMinRows: {
    env: 'PRONTO_SYNC_WORKER_MIN_ROWS', default: '100000', schema: wholeNumber(0, Number.MAX_SAFE_INTEGER),
    description: 'A pull this large uses the pull worker.',
  },
  snapshotChunkRows: {
    env: 'PRONTO_SNAPSHOT_CHUNK_ROWS', default: '100000', schema: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    description: 'Rows per committed range when a snapshot is copied column by column.',
  },
  checkpointThread: { env: 'PRONTO_CHECKPOINT_THREAD', default: '1', schema: onOff, description: '`0`: leave WAL checkpoints to SQLite instead of the checkpoint worker.' },
  callWriterThread: { env: 'PRONTO_CALL_WRITER_THREAD', default: '1', schema: onOff, description: "`0`: write call records on the host's write queue, not the call writer." },
  importWorker: { env: 'PRONTO_IMPORT_WORKER', default: '1', schema: onOff, description: '`0`: parse feed files on the importing thread.' },
  importWorkerMinBytes: {
    env: 'PRONTO_IMPORT_WORKER_MIN_BYTES', default: '4194304', schema: wholeNumber(0, Number.MAX_SAFE_INTEGER),
    description: 'Feed files this large (bytes) are parsed on a worker thread.',
  },
  migrationsDir: {
    env: 'PRONTO_MIGRATIONS_DIR', schema: text, defaultText: '`migrations/desktop` of the app',
    description: "The store's migrations (packaged apps and tests).",
  },
  webKey: {
    env: 'PRONTO_WEB_KEY', schema: z.string().regex(/^[\w-]{32,256}$/, 'must be 32 to 256 letters, digits, `-` or `_`'),
    defaultText: 'a new random key at each start',
    description: 'Web host: the key its printed URL carries; set it only to keep open pages working across a restart (tests).',
  },
  updateUrl: {
    env: 'PRONTO_UPDATE_URL', schema: httpUrl,
    description: 'Electron: the folder updates are published in (electron-builder `generic`, e.g. served by the hub); `https://` (or loopback); none: no automatic updates.',
  },
  allowPlaintext: {
    env: 'PRONTO_ALLOW_PLAINTEXT', default: '0', schema: onOff,
    description: '`1`: accept an `http://` hub and a `ws://` SIP server on another machine (unencrypted; otherwise only on this one).',
  },
});

export type DesktopConfig = ConfigOf<typeof DESKTOP_CONFIG>;

/**
 * The desktop's settings from the environment and the command's flags (a flag beats the variable).
 * Throws a ConfigError naming the variable or flag and what is wrong with it.
 */
export function loadDesktopConfig(flags: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = process.env): DesktopConfig {
  const config = loadConfig(DESKTOP_CONFIG, { env, flags });
  // no hub or SIP server over the network in clear unless allowed (src-shared/api/plaintext-policy.ts)
  const refused = [
    config.hubUrl && plaintextRefusal('hub', config.hubUrl, config.allowPlaintext) && `${flags.hub !== undefined ? '--hub' : 'PRONTO_HUB_URL'}: ${plaintextRefusal('hub', config.hubUrl, false)}`,
    config.sipServer && plaintextRefusal('sip', config.sipServer, config.allowPlaintext) && `PRONTO_SIP_SERVER: ${plaintextRefusal('sip', config.sipServer, false)}`,
  ].filter((r): r is string => typeof r === 'string');
  if (refused.length) throw new ConfigError(refused.join('; '));
  return config;
}

/** Every setting at its default: what a service uses for an option its caller did not give. */
export const DESKTOP_DEFAULTS: DesktopConfig = loadDesktopConfig({}, {});

/** The settings that tune sync (handed to the sync thread with the hub's address). */
export type SyncTuning = Pick<DesktopConfig, 'syncWorker' | 'syncAheadMb' | 'syncSnapshot' | 'syncBulkMinRows' | 'syncWorkerMinRows' | 'snapshotChunkRows'>;

export function syncTuningOf(c: DesktopConfig): SyncTuning {
  const { syncWorker, syncAheadMb, syncSnapshot, syncBulkMinRows, syncWorkerMinRows, snapshotChunkRows } = c;
  return { syncWorker, syncAheadMb, syncSnapshot, syncBulkMinRows, syncWorkerMinRows, snapshotChunkRows };
}

/** Electron's default userData: $XDG_CONFIG_HOME|~/.config/Pronto, %APPDATA%\Pronto, ~/Library/Application Support/Pronto. */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

/** The data dir: --data-dir, else PRONTO_DATA_DIR, else the host's default (Electron's userData). */
export function dataDirOf(config: DesktopConfig, fallback: () => string = defaultUserDataDir): string {
  return config.dataDir ?? fallback();
}

/**
 * The installer's presets (issue 20): `pronto.conf` beside the app and in the data dir, lines of
 * `VARIABLE=value` (`#` comments), e.g. `PRONTO_HUB_URL=https://hub.example.com` so agents type
 * only their name and password. The same keys as the environment, which beats them; the data
 * dir's file beats the app's. Unknown keys are an error, like a mistyped flag.
 */
export const PRESET_FILE = 'pronto.conf';

export function readPresets(dirs: readonly string[]): Record<string, string> {
  const known = new Set(Object.values(DESKTOP_CONFIG).map((k) => k.env));
  const out: Record<string, string> = {};
  for (const dir of dirs) {
    const file = join(dir, PRESET_FILE);
    if (!existsSync(file)) continue;
    readFileSync(file, 'utf8').split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith('#')) return;
      const m = /^([A-Z0-9_]+)\s*=\s*(.*)$/.exec(line);
      if (!m || !known.has(m[1]!)) throw new ConfigError(`${file}:${i + 1}: not a known PRONTO_* setting: "${line.slice(0, 80)}"`);
      out[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
    });
  }
  return out;
}

/** loadDesktopConfig with the presets of `appDir` (null: none) and of the data dir under them. */
export function loadDesktopConfigWithPresets(
  flags: Record<string, unknown>, env: NodeJS.ProcessEnv, appDir: string | null, fallbackDataDir: () => string = defaultUserDataDir,
): DesktopConfig {
  const beside = appDir ? readPresets([appDir]) : {};
  const dataDir = dataDirOf(loadDesktopConfig(flags, { ...beside, ...present(env) }), fallbackDataDir);
  return loadDesktopConfig(flags, { ...beside, ...readPresets([dataDir]), ...present(env) });
}

/** The variables that are set (an empty one does not hide a preset). */
function present(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}
