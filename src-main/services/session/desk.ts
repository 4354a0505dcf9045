// The session's hands on this desktop: starts and stops sync with the signed-in agent's token,
// re-creates the hub-bound services, names the owner of new work in the store, and prepares the
// store for a hub: a demo set goes before the first sign-in, and a store synced from another hub
// starts over (its cursor means nothing there). The same hub keeps its cursor: a second agent on
// a shared desk continues from where the desk is, without a new initial sync.
import type { Store } from '../../db/store';
import type { DesktopApi } from '../../api/desktop-api';
import type { HubLink } from '../agent-state/hub';
import type { SyncHandle } from '../sync/handle';
import { createSync } from '../sync/runtime';
import { clearSynced } from '../sync/apply';
import { deleteMeta, getMeta, setMeta } from '../../db/queries/meta';
import { currentOwner, setCurrentOwner } from '../sync/owner';
import { Outbox } from '../sync/outbox';
import type { SyncTuning } from '../../config';
import type { SessionHost } from './service';
import { AGENT_META } from '../agent-state/service';

/** meta: the hub origin the store's synced rows and cursor come from. */
const SYNC_HUB = 'sync_hub';
/** meta: the agent whose state (chosen state, last state, name) the store holds. */
const AGENT_OWNER = 'agent_state_owner';
const PUSH_TIMEOUT_MS = 15_000;

export interface DeskOptions {
  store: Store;
  api: DesktopApi;
  log: (line: string) => void;
  syncThread: boolean;
  tuning: SyncTuning;
}

export function deskSessionHost(o: DeskOptions): SessionHost & { wake(): void; stop(): Promise<void> } {
  const { store, api, log } = o;
  const sqlite = store.sqlite;
  const outbox = new Outbox(sqlite);
  let sync: SyncHandle | null = null;

  /**
   * Before a hub's sync starts: no demo rows mixed with the hub's, no cursor of another hub, and
   * no customers of another scope (an agent of another team at this desk before): those go now,
   * not at the first pull, so this agent never sees them.
   */
  const prepareStore = (hubUrl: string, scope: string | null): boolean => {
    const origin = new URL(hubUrl).origin;
    const demo = getMeta(sqlite, 'demo') !== null;
    const from = getMeta(sqlite, SYNC_HUB);
    const otherHub = from !== null ? from !== origin : getMeta(sqlite, 'sync_cursor') !== null;
    const held = getMeta(sqlite, 'sync_scope');
    const otherScope = !otherHub && scope !== null && held !== null && held !== scope;
    const clear = demo || otherHub || otherScope;
    if (!clear && from === origin) return false;
    if (clear) {
      clearSynced(sqlite);
      for (const k of ['demo', 'sync_cursor', 'sync_scope', 'sync_at']) deleteMeta(sqlite, k);
    }
    setMeta(sqlite, SYNC_HUB, origin);
    if (clear) {
      const why = demo ? 'the demo set was removed' : otherHub ? `the store held another hub's data (${from ?? 'unknown'})` : "the store held another team's customers";
      log(`session: ${why}; syncing again with ${origin}`);
    }
    return clear;
  };

  const stopSync = async (): Promise<void> => {
    const s = sync;
    sync = null;
    await s?.stop();
  };

  return {
    async attach(link: HubLink | null, scope: string | null = null) {
      await api.attachHub(null, null); // the leaving agent's state is recorded offline, their sockets close
      await stopSync();
      if (!link) {
        api.emit('syncStatus', api.syncStatus());
        return;
      }
      const cleared = await api.writes.run(() => prepareStore(link.hubUrl, scope));
      if (cleared) api.emit('storeChanged', { reason: 'session: store prepared for the hub' });
      const s = createSync(store, { hubUrl: link.hubUrl, token: link.token, tuning: o.tuning }, log, { thread: o.syncThread });
      sync = s.client;
      await api.attachHub(link, s.client);
      s.bind(api);
      s.client.start();
    },
    async push() {
      const s = sync;
      if (!s) throw new Error('not syncing');
      await api.agentState.close(); // the agent's last state (offline) goes with this push
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, fail) => {
        timer = setTimeout(() => fail(new Error('the hub did not answer in time')), PUSH_TIMEOUT_MS);
      });
      try {
        const round = await Promise.race([s.syncOnce(), timeout]);
        return round.pushed;
      } finally {
        clearTimeout(timer);
      }
    },
    provision: (c) => api.provisionSoftphone(c),
    softphoneOverridden: () => api.softphoneOverridden(),
    async setOwner(owner) {
      if (currentOwner(sqlite) === owner) return;
      await api.writes.run(() => {
        setCurrentOwner(sqlite, owner);
        // another agent at this desk starts from their own state, not the last agent's break
        // (the same agent back after an expiry, or after a standalone spell, keeps theirs)
        if (owner && getMeta(sqlite, AGENT_OWNER) !== owner) {
          for (const k of [AGENT_META.chosen, AGENT_META.last, AGENT_META.me]) deleteMeta(sqlite, k);
          setMeta(sqlite, AGENT_OWNER, owner);
        }
      });
      api.emit('syncStatus', api.syncStatus());
    },
    boundHub: () => getMeta(sqlite, SYNC_HUB),
    pending: () => ({ mine: outbox.counts().pending, others: outbox.othersPending() }),
    emit: (view) => api.emit('session', view),
    log,
    wake: () => sync?.wake(),
    stop: stopSync,
  };
}
