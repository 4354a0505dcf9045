// Sync on its own thread. The client used to run on the host's thread, the one that answers the
// pop: during an initial sync a lookup waited behind page after page (16.7 s measured on a
// 200k-customer pull) and behind the deferred index build. Now the host only relays commands
// and events; SQLite's WAL lets its reads (the pop) run beside the sync thread's writes.
import { Worker } from 'node:worker_threads';
import type { Store } from '../../db/store';
import type { Entity } from '../../../src-shared/sync/protocol';
import type { SyncStatus } from '../../../src-shared/sync/status';
import { tsWorkerBootstrap } from '../../../src-shared/node/ts-worker';
import { PendingCalls } from '../../../src-shared/node/pending-calls';
import { Outbox } from './outbox';
import { backoff, storedSyncStatus } from './client';
import type { SyncHandle, SyncLiveState, SyncRound, SyncThreadCommand, SyncThreadEvent } from './handle';

export interface SyncThreadConfig {
  hubUrl: string;
  token: string;
  pageSize?: number;
  pullWorkerEntry?: string;
}

export interface SyncThreadHooks {
  log: (line: string) => void;
  onStatus?: (s: SyncStatus) => void;
  onChanged?: (rows: number, entities: ReadonlySet<Entity>) => void;
}

/**
 * The sync thread's entry: the bundler's (Electron) or the tsx bootstrap beside this file; null
 * where none can start or PRONTO_SYNC_THREAD=0 (the client then runs on the host's thread).
 */
export function syncThreadBootstrap(bundled?: string): string | null {
  if (process.env.PRONTO_SYNC_THREAD === '0') return null;
  return bundled ?? tsWorkerBootstrap(import.meta.url, 'sync-worker');
}

export class SyncThread implements SyncHandle {
  private worker: Worker | null = null;
  private state: SyncLiveState = { online: false, live: false, error: null, progress: null };
  /** Read on the host's own connection: the outbox is written there (cases, notes). */
  private outbox: Outbox;
  private calls = new PendingCalls<SyncRound | undefined>();
  private running = false;
  private crashes = 0;
  private restart: NodeJS.Timeout | null = null;
  private base: string;

  constructor(private store: Store, private boot: string, private cfg: SyncThreadConfig, private hooks: SyncThreadHooks) {
    this.outbox = new Outbox(store.sqlite);
    this.base = cfg.hubUrl.replace(/\/+$/, '');
  }

  status(): SyncStatus {
    return { configured: true, hubUrl: this.base, ...this.state, ...storedSyncStatus(this.store.sqlite, this.outbox) };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.send({ type: 'start' });
  }

  kick(): void {
    if (this.running) this.send({ type: 'kick' });
  }

  wake(): void {
    if (this.running) this.send({ type: 'wake' });
  }

  async syncOnce(): Promise<SyncRound> {
    return (await this.call('syncOnce'))!;
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.restart) clearTimeout(this.restart);
    this.restart = null;
    const w = this.worker;
    if (!w) return;
    // The client finishes the page in hand (its transaction) and closes its connection; a thread
    // that does not answer in time is ended (the page rolls back, the cursor did not move).
    const ended = new Promise<void>((r) => w.once('exit', () => r()));
    const timer = setTimeout(() => void w.terminate(), 10_000);
    await this.call('stop').catch(() => {});
    await ended;
    clearTimeout(timer);
  }

  private send(m: SyncThreadCommand): void {
    this.spawn().postMessage(m);
  }

  private call(type: 'syncOnce' | 'stop'): Promise<SyncRound | undefined> {
    return this.calls.ask((id) => this.send({ type, id }));
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.boot, { workerData: { file: this.store.file, cfg: this.cfg } });
    this.worker = w;
    w.on('message', (e: SyncThreadEvent) => this.onEvent(e));
    w.on('error', (err) => this.hooks.log(`sync thread: ${err.message}`));
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = null;
      this.calls.failAll(new Error(`sync thread ended (${code})`));
      if (!this.running) return;
      // Crashed: say so, and start again with the same backoff as a failed round.
      this.crashes++;
      this.state = { ...this.state, online: false, live: false, progress: null, error: `sync thread ended (${code}); restarting` };
      this.hooks.onStatus?.(this.status());
      this.restart = setTimeout(() => {
        this.restart = null;
        if (this.running) this.send({ type: 'start' });
      }, backoff(this.crashes));
      this.restart.unref?.();
    });
    return w;
  }

  private onEvent(e: SyncThreadEvent): void {
    switch (e.type) {
      case 'status':
        this.state = e.state;
        if (!e.state.error) this.crashes = 0;
        this.hooks.onStatus?.(this.status());
        return;
      case 'changed':
        this.hooks.onChanged?.(e.rows, new Set(e.entities));
        return;
      case 'log':
        this.hooks.log(e.line);
        return;
      case 'result':
        this.calls.settle(e.id, e.error !== undefined ? { error: e.error } : { value: e.value });
    }
  }
}
