// The desktop's services, started once for either host: the store, the demo set on a standalone
// first start, sync (on its thread), the checkpoint worker, the call writer and the API over them.
// The Electron shell and the web host (`pronto serve`) each only add their transport.
import { openStore, type Store } from './db/store';
import type { DesktopConfig } from './config';
import { DesktopApi, softphoneDefaults, type PlatformHooks } from './api/desktop-api';
import { ensureDemoData, type DemoInfo } from './services/demo';
import { createSync, hubConfigOf } from './services/sync/runtime';
import { startCheckpointer } from './db/checkpointer';
import { startCallWriter } from './services/call-writer';

export interface DesktopOptions {
  config: DesktopConfig;
  dataDir: string;
  host: 'electron' | 'web';
  /** The store's migrations (Electron: inside the app; default: the repository's). */
  migrationsDir?: string;
  platform?: Partial<PlatformHooks>;
  log: (line: string) => void;
}

export interface Desktop {
  store: Store;
  api: DesktopApi;
  /** The demo set loaded on this start (standalone, empty store), else null. */
  demo: DemoInfo | null;
  /** Retry sync at once (back from sleep or a network change). */
  wake(): void;
  /** Stops sync and the workers (the call writer's pending records are written first), then closes the store. */
  stop(): Promise<void>;
}

export async function startDesktop(opts: DesktopOptions): Promise<Desktop> {
  const { config, log } = opts;
  const store = openStore(opts.dataDir, { migrationsDir: opts.migrationsDir ?? config.migrationsDir });
  const hub = hubConfigOf(config);
  const demo = await ensureDemoData(store, { hubConfigured: hub !== null });
  // the workers start from source, or in Electron from its bundle (useBundledWorkers)
  const sync = hub ? createSync(store, hub, log, { thread: config.syncThread }) : null;
  const checkpointer = startCheckpointer(store, { log, enabled: config.checkpointThread });
  const callWriter = startCallWriter(store, { log, enabled: config.callWriterThread });
  const api = new DesktopApi({
    store, region: config.region, host: opts.host, sync: sync?.client ?? null, hub, storeCounter: checkpointer, callWriter,
    platform: opts.platform, log, wrapUpSeconds: config.wrapUpSeconds, softphone: softphoneDefaults(config), config,
  });
  sync?.bind(api);
  sync?.client.start();
  void api.agentState.refreshFromHub(); // the hub's break reasons and this agent's state, also before the live socket is up
  return {
    store, api, demo,
    wake: () => sync?.client.wake(),
    stop: async () => {
      api.supervisor.close(); // the live statistics socket, if a Queues view had it open
      await api.agentState.close(); // recorded as offline (in the outbox for the hub) before the store closes
      await Promise.all([sync?.client.stop(), callWriter.stop().then(() => checkpointer.stop())]);
      store.close();
    },
  };
}
