// Wires a SyncClient into a host: its own write connection, status and change events to the UI.
import { openConnection, type Store } from '../../db/store';
import { SyncClient } from './client';
import type { App } from '../../api/handlers';

export interface HubConfig {
  hubUrl: string;
  token: string;
}

export function hubConfigFromEnv(flags: { hub?: string; token?: string } = {}): HubConfig | null {
  const hubUrl = flags.hub ?? process.env.PRONTO_HUB_URL;
  const token = flags.token ?? process.env.PRONTO_HUB_TOKEN;
  if (!hubUrl) return null;
  if (!token) throw new Error('a hub is configured (PRONTO_HUB_URL) but no token (PRONTO_HUB_TOKEN / --token)');
  if (!/^https?:\/\//.test(hubUrl)) throw new Error(`hub URL "${hubUrl}" must start with http:// or https://`);
  return { hubUrl, token };
}

/** Creates the client; call `bind(app)` once the App exists, then `client.start()`. */
export function createSync(store: Store, cfg: HubConfig, log: (l: string) => void): { client: SyncClient; bind(app: App): void } {
  let app: App | null = null;
  const client = new SyncClient(openConnection(store), {
    ...cfg,
    log,
    onStatus: (s) => app?.emit('syncStatus', s),
    onChanged: (rows, entities) => {
      // The pop uses a new model (or catalogue) from the hub right away, without a restart.
      if (app && (entities.has('offerModel') || entities.has('product'))) {
        app.offers.reload();
        if (app.offers.error) log(`offers: ${app.offers.error}`);
      }
      app?.emit('storeChanged', { reason: `sync: ${rows} changes` });
    },
  });
  return { client, bind: (a) => { app = a; } };
}
