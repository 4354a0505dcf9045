// Wires sync into a host: its own write connection (on the sync thread where one can start),
// status and change events to the UI.
import { openConnection, type Store } from '../../db/store';
import { SyncClient } from './client';
import { SyncThread, syncThreadCanStart } from './thread';
import type { SyncHandle } from './handle';
import type { Entity } from '../../../src-shared/sync/protocol';
import type { SyncStatus } from '../../../src-shared/sync/status';
import type { AgentStatePoke } from '../../../src-shared/agent-state/states';
import type { DesktopApi } from '../../api/desktop-api';
import { syncTuningOf, type DesktopConfig, type SyncTuning } from '../../config';

export interface HubConfig {
  hubUrl: string;
  token: string;
  /** Changes per pull page (the hub's default when absent). */
  pageSize?: number;
  /** The configuration's sync settings (defaults where absent); travels to the sync thread. */
  tuning?: Partial<SyncTuning>;
}

/** The hub settings of the configuration; null when no hub is configured (standalone). */
export function hubConfigOf(config: DesktopConfig): HubConfig | null {
  const { hubUrl, hubToken: token } = config;
  if (!hubUrl) return null;
  if (!token) throw new Error('a hub is configured (PRONTO_HUB_URL) but no token (PRONTO_HUB_TOKEN / --token)');
  return { hubUrl, token, tuning: syncTuningOf(config) };
}

/**
 * Creates the client; call `bind(app)` once the DesktopApi exists, then `client.start()`. It runs on a
 * sync thread (thread.ts), or on the caller's thread where none can start (PRONTO_SYNC_THREAD=0).
 */
export function createSync(
  store: Store, cfg: HubConfig, log: (l: string) => void, opts: { thread?: boolean } = {},
): { client: SyncHandle; bind(app: DesktopApi): void } {
  let app: DesktopApi | null = null;
  const onStatus = (s: SyncStatus): void => {
    app?.emit('syncStatus', s);
    app?.agentState.hubLive(s.live); // on each (re)connect, the agent's state as the hub knows it
  };
  const onAgentState = (poke: AgentStatePoke): void => app?.agentState.fromHub(poke);
  const onChanged = (rows: number, entities: ReadonlySet<Entity>): void => {
    // The pop uses a new model (or catalogue) from the hub right away, without a restart.
    if (app && (entities.has('offerModel') || entities.has('product'))) {
      app.offers.reload();
      if (app.offers.error) log(`offers: ${app.offers.error}`);
    }
    app?.emit('storeChanged', { reason: `sync: ${rows} changes` });
  };
  const client: SyncHandle = syncThreadCanStart(opts.thread ?? true)
    ? new SyncThread(store, cfg, { log, onStatus, onChanged, onAgentState })
    : new SyncClient(openConnection(store), { ...cfg, log, onStatus, onChanged, onAgentState });
  return { client, bind: (a) => { app = a; } };
}
