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
import { SessionService, memoryVault, type TokenVault } from './services/session/service';
import { deskSessionHost } from './services/session/desk';
import { syncTuningOf } from './config';

export interface DesktopOptions {
  config: DesktopConfig;
  dataDir: string;
  host: 'electron' | 'web';
  /** The store's migrations (Electron: inside the app; default: the repository's). */
  migrationsDir?: string;
  platform?: Partial<PlatformHooks>;
  /** Where a signed-in agent's token is kept (Electron: safeStorage); default: this process's memory. */
  tokenVault?: TokenVault;
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
  // a hub address without a token (an installer's preset): the agent signs in (services/session)
  const presetHubUrl = config.hubUrl && !config.hubToken ? config.hubUrl : null;
  const hub = presetHubUrl ? null : hubConfigOf(config);
  const demo = await ensureDemoData(store, { hubConfigured: hub !== null || presetHubUrl !== null });
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
  const desk = deskSessionHost({ store, api, log, syncThread: config.syncThread, tuning: syncTuningOf(config) });
  const session = new SessionService({
    host: desk, vault: opts.tokenVault ?? memoryVault(), presetHubUrl, envToken: hub !== null,
    allowPlaintext: config.allowPlaintext, region: config.region,
  });
  api.session = session;
  // the hub refused the token (expired, revoked): the session ends, the agent is asked to sign in again
  api.onEvent((event, payload) => {
    if (event === 'syncStatus') session.syncRefused((payload as { error: string | null }).error);
  });
  await session.start();
  return {
    store, api, demo,
    wake: () => {
      sync?.client.wake();
      desk.wake(); // a signed-in agent's sync
    },
    stop: async () => {
      session.close();
      api.supervisor.close(); // the live statistics socket, if a Queues view had it open
      await api.agentState.close(); // recorded as offline (in the outbox for the hub) before the store closes
      await Promise.all([sync?.client.stop(), desk.stop(), callWriter.stop().then(() => checkpointer.stop())]);
      store.close();
    },
  };
}
