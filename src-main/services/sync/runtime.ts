// Wires sync into a host: its own write connection (on the sync thread where one can start),
// status and change events to the UI.
import { openConnection, type Store } from '../../db/store';
import { SyncClient } from './client';
import { SyncThread, syncThreadBootstrap } from './thread';
import type { SyncHandle } from './handle';
import type { Entity } from '../../../src-shared/sync/protocol';
import type { SyncStatus } from '../../../src-shared/sync/status';
import type { App } from '../../api/handlers';

export interface HubConfig {
  hubUrl: string;
  token: string;
  /** Changes per pull page (the hub's default when absent). */
  pageSize?: number;
  /** The pull worker's own file in a bundle (Electron; see SyncOptions). */
  pullWorkerEntry?: string;
}

export function hubConfigFromEnv(flags: { hub?: string; token?: string } = {}): HubConfig | null {
  const hubUrl = flags.hub ?? process.env.PRONTO_HUB_URL;
  const token = flags.token ?? process.env.PRONTO_HUB_TOKEN;
  if (!hubUrl) return null;
  if (!token) throw new Error('a hub is configured (PRONTO_HUB_URL) but no token (PRONTO_HUB_TOKEN / --token)');
  if (!/^https?:\/\//.test(hubUrl)) throw new Error(`hub URL "${hubUrl}" must start with http:// or https://`);
  return { hubUrl, token };
}

/**
 * Creates the client; call `bind(app)` once the App exists, then `client.start()`. It runs on a
 * sync thread (thread.ts), or on the caller's thread where none can start.
 */
export function createSync(
  store: Store, cfg: HubConfig, log: (l: string) => void, opts: { threadEntry?: string; pullWorkerEntry?: string } = {},
): { client: SyncHandle; bind(app: App): void } {
  let app: App | null = null;
  const onStatus = (s: SyncStatus): void => app?.emit('syncStatus', s);
  const onChanged = (rows: number, entities: ReadonlySet<Entity>): void => {
    // The pop uses a new model (or catalogue) from the hub right away, without a restart.
    if (app && (entities.has('offerModel') || entities.has('product'))) {
      app.offers.reload();
      if (app.offers.error) log(`offers: ${app.offers.error}`);
    }
    app?.emit('storeChanged', { reason: `sync: ${rows} changes` });
  };
  const boot = syncThreadBootstrap(opts.threadEntry);
  const withPull = { ...cfg, pullWorkerEntry: opts.pullWorkerEntry };
  const client: SyncHandle = boot
    ? new SyncThread(store, boot, withPull, { log, onStatus, onChanged })
    : new SyncClient(openConnection(store), { ...withPull, log, onStatus, onChanged });
  return { client, bind: (a) => { app = a; } };
}
