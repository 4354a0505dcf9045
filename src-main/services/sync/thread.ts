// Sync on its own thread. The client used to run on the host's thread, the one that answers the
// pop: during an initial sync a lookup waited behind page after page (16.7 s measured on a
// 200k-customer pull) and behind the deferred index build. Now the host only relays commands
// and events; SQLite's WAL lets its reads (the pop) run beside the sync thread's writes.
// Starting, calls, stop and the end signal: src-shared/node/worker-host.ts.
import type { Store } from '../../db/store';
import type { Entity } from '../../../src-shared/sync/protocol';
import type { SyncStatus } from '../../../src-shared/sync/status';
import type { AgentStatePoke } from '../../../src-shared/agent-state/states';
import { canStartWorker, startWorker, type WorkerHost } from '../../../src-shared/node/worker-host';
import { Outbox } from './outbox';
import { backoff, storedSyncStatus } from './client';
import type { SyncHandle, SyncLiveState, SyncRound, SyncThreadProtocol } from './handle';

export type SyncThreadConfig = SyncThreadProtocol['data']['cfg'];

export interface SyncThreadHooks {
  log: (line: string) => void;
  onStatus?: (s: SyncStatus) => void;
  onChanged?: (rows: number, entities: ReadonlySet<Entity>) => void;
  onAgentState?: (poke: AgentStatePoke) => void;
}

/** Whether a sync thread can run here (`enabled`: PRONTO_SYNC_THREAD; off, the client runs on the host's thread). */
export function syncThreadCanStart(enabled: boolean): boolean {
  return enabled && canStartWorker('sync');
}

/** A stop waits this long for the page in hand (its transaction); then the thread is ended (the page rolls back, the cursor did not move). */
const STOP_MS = 10_000;

export class SyncThread implements SyncHandle {
  private thread: WorkerHost<SyncThreadProtocol> | null = null;
  private state: SyncLiveState = { online: false, live: false, error: null, progress: null };
  /** Read on the host's own connection: the outbox is written there (cases, notes). */
  private outbox: Outbox;
  private running = false;
  private crashes = 0;
  private restart: NodeJS.Timeout | null = null;
  private base: string;

  constructor(private store: Store, private cfg: SyncThreadConfig, private hooks: SyncThreadHooks) {
    this.outbox = new Outbox(store.sqlite);
    this.base = cfg.hubUrl.replace(/\/+$/, '');
  }

  status(): SyncStatus {
    return { configured: true, hubUrl: this.base, ...this.state, ...storedSyncStatus(this.store.sqlite, this.outbox) };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.spawn().send('start');
  }

  kick(): void {
    if (this.running) this.spawn().send('kick');
  }

  wake(): void {
    if (this.running) this.spawn().send('wake');
  }

  syncOnce(): Promise<SyncRound> {
    return this.spawn().call('syncOnce');
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.restart) clearTimeout(this.restart);
    this.restart = null;
    // The client finishes the page in hand (its transaction) and closes its connection.
    await this.thread?.stop();
  }

  private spawn(): WorkerHost<SyncThreadProtocol> {
    if (this.thread) return this.thread;
    const t = startWorker<SyncThreadProtocol>('sync', {
      data: { file: this.store.file, cfg: this.cfg },
      stopTimeoutMs: STOP_MS,
      gone: (code) => new Error(`sync thread ended (${code})`),
      on: {
        status: (state) => {
          this.state = state;
          if (!state.error) this.crashes = 0;
          this.hooks.onStatus?.(this.status());
        },
        changed: (e) => this.hooks.onChanged?.(e.rows, new Set(e.entities)),
        log: (line) => this.hooks.log(line),
        agentState: (poke) => this.hooks.onAgentState?.(poke),
      },
      onError: (err) => this.hooks.log(`sync thread: ${err.message}`),
      onEnded: ({ code }) => {
        if (this.thread === t) this.thread = null;
        if (!this.running) return;
        // Crashed: say so, and start again with the same backoff as a failed round.
        this.crashes++;
        this.state = { ...this.state, online: false, live: false, progress: null, error: `sync thread ended (${code}); restarting` };
        this.hooks.onStatus?.(this.status());
        this.restart = setTimeout(() => {
          this.restart = null;
          if (this.running) this.spawn().send('start');
        }, backoff(this.crashes));
        this.restart.unref?.();
      },
    });
    if (!t) throw new Error('the sync thread cannot start here');
    this.thread = t;
    return t;
  }
}
