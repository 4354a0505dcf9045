// The host's writes (call records, cases, notes), queued so that none waits on this thread.
// The sync thread and an import write on their own connections and hold SQLite's one write lock
// for a page or a file (seconds). With busy_timeout, a write here would sleep in this thread for
// that long, and every pop with it (measured: incomingCall p99 2.2 s during an initial sync).
// Instead the write lock is asked for without waiting and asked again on a timer; reads (the
// pop) go on meanwhile. Writes run one after the other, in the order they were queued.
import type { Sqlite } from './sqlite';

export class StoreBusyError extends Error {}

export interface WriteQueueOptions {
  /** Give up (StoreBusyError) when another writer kept the lock this long. */
  maxWaitMs?: number;
}

export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();
  /** Writes queued behind the lock, not yet done: a new one waits behind them. */
  private waiting = 0;
  private maxWaitMs: number;
  /** The connection's busy timeout, for its reads (read once: every write goes through here). */
  private readonly busyMs: number;

  constructor(private sqlite: Sqlite, opts: WriteQueueOptions = {}) {
    this.busyMs = Number(sqlite.pragma('busy_timeout', { simple: true }));
    // an import holds the lock for a whole file (a minute or more for millions of rows)
    this.maxWaitMs = opts.maxWaitMs ?? 600_000;
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction once the write lock is free (at once when it is and
   * nothing waits before it); its own transactions become savepoints inside. `fn` must not
   * await: the transaction is this connection's.
   */
  run<T>(fn: () => T): Promise<T> {
    if (this.waiting === 0 && this.tryBegin()) {
      try {
        return Promise.resolve(this.inTransaction(fn));
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }
    this.waiting++;
    const next = this.tail.then(() => this.write(fn)).finally(() => this.waiting--);
    this.tail = next.catch(() => {});
    return next;
  }

  private async write<T>(fn: () => T): Promise<T> {
    const t0 = Date.now();
    for (let delay = 1; !this.tryBegin(); delay = Math.min(delay * 2, 25)) {
      if (Date.now() - t0 > this.maxWaitMs) throw new StoreBusyError(`the store stayed busy for ${Math.round((Date.now() - t0) / 1000)} s (another writer holds it)`);
      await new Promise((r) => setTimeout(r, delay));
    }
    return this.inTransaction(fn);
  }

  /** `fn` inside the transaction just begun, then COMMIT (ROLLBACK if it throws). */
  private inTransaction<T>(fn: () => T): T {
    try {
      const result = fn();
      if (result instanceof Promise) throw new Error('a queued write must not be async');
      this.sqlite.exec('COMMIT');
      return result;
    } catch (err) {
      if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
      throw err;
    }
  }

  /** BEGIN IMMEDIATE without waiting: false when another connection holds the write lock. */
  private tryBegin(): boolean {
    // (a busy_timeout pragma acts when it is compiled: it cannot be prepared once and rerun)
    this.sqlite.pragma('busy_timeout = 0');
    try {
      this.sqlite.exec('BEGIN IMMEDIATE');
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_BUSY') return false;
      throw err;
    } finally {
      this.sqlite.pragma(`busy_timeout = ${this.busyMs}`); // reads keep theirs
    }
  }
}
