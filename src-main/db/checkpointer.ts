// Host side of the checkpoint worker: moves SQLite's auto-checkpoint on the host's own
// connection out of the way once the worker runs, and back if the worker goes. Host writes then
// only append to the WAL (with synchronous = NORMAL, no fsync): a call record or a case save
// waits on the disk only if the worker falls 10,000 pages behind. Starting, calls, stop and the
// end signal: src-shared/node/worker-host.ts.
import { startWorker } from '../../src-shared/node/worker-host';
import type { Store } from './store';
import type { StoreCounts } from './queries/counts';

export interface CheckpointWorkerData {
  file: string;
  /** How often the worker reads the wal-index. */
  pollMs: number;
  /** Checkpoint once this many frames wait (SQLite's auto-checkpoint default). */
  frames: number;
  /** …or once any frame has waited this long. */
  maxAgeMs: number;
}

/** Customers and purchases in the store. */
export type { StoreCounts };

export interface CheckpointProtocol {
  data: CheckpointWorkerData;
  calls: { count(): StoreCounts };
  events: {
    checkpointed: { frames: number; log: number; ms: number; rounds: number };
    /** A checkpoint that failed (other than SQLITE_BUSY). */
    error: string;
  };
}

/** SQLite's default: what the host connection goes back to without a worker. */
const AUTO_CHECKPOINT_PAGES = 1000;
/**
 * With the worker: a safety net only. The worker's PASSIVE checkpoints run while the host may be
 * writing; under a long unbroken stream of writes none completes, the WAL is never restarted and
 * grows. Past ~40 MB the host checkpoints itself, as SQLite would, stall and all.
 */
const BACKSTOP_PAGES = 10_000;
/** A checkpoint slower than this is logged: the disk is struggling. */
const SLOW_CHECKPOINT_MS = 200;

export interface Checkpointer {
  /** True while the worker checkpoints (the host connection only as a backstop). */
  readonly active: boolean;
  /** Frames the worker copied so far (at least: a WAL restarted between two rounds hides some). */
  readonly frames: number;
  /** The store's counts, read on the worker's thread (once it has started); null when no worker runs. */
  count(): Promise<StoreCounts> | null;
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  /** Another file to run as the worker (a bundle's, in tests of the Electron build). */
  entry?: string;
  /** PRONTO_CHECKPOINT_THREAD (default on); off, SQLite checkpoints as it always did. */
  enabled?: boolean;
  pollMs?: number;
  frames?: number;
  maxAgeMs?: number;
  log?: (line: string) => void;
}

/**
 * Starts the checkpoint worker for `store`. Where no worker can start (a bundle without its
 * file, PRONTO_CHECKPOINT_THREAD=0), SQLite's own auto-checkpoint stays on.
 */
export function startCheckpointer(store: Store, opts: CheckpointerOptions = {}): Checkpointer {
  const log = opts.log ?? (() => {});
  let frames = 0;
  const setAuto = (pages: number): void => {
    if (store.sqlite.open) store.sqlite.pragma(`wal_autocheckpoint = ${pages}`);
  };
  const data: CheckpointWorkerData = { file: store.file, pollMs: opts.pollMs ?? 100, frames: opts.frames ?? AUTO_CHECKPOINT_PAGES, maxAgeMs: opts.maxAgeMs ?? 10_000 };
  const thread = opts.enabled === false ? null : startWorker<CheckpointProtocol>('checkpoint', {
    entry: opts.entry,
    data,
    keepAlive: 'owed', // never keeps a CLI alive on its own
    onReady: () => setAuto(BACKSTOP_PAGES),
    on: {
      checkpointed: (e) => {
        frames += e.frames;
        if (e.ms >= SLOW_CHECKPOINT_MS) log(`checkpoint: ${e.frames} pages in ${e.ms.toFixed(0)} ms (off the host's thread)`);
      },
      error: (message) => log(`checkpoint: ${message}`),
    },
    onError: (err) => log(`checkpoint worker: ${err.message}`),
    gone: () => new Error('the checkpoint worker ended'),
    onEnded: ({ stopped, wasReady }) => {
      if (wasReady) setAuto(AUTO_CHECKPOINT_PAGES);
      if (!stopped) log('checkpoint worker ended: SQLite checkpoints on the host thread again');
    },
  });
  if (!thread) return { active: false, frames: 0, count: () => null, stop: async () => {} };
  return {
    // it checkpoints from its ready until it has ended (its stop runs a last round)
    get active() { return thread.wasReady && thread.state !== 'ended'; },
    get frames() { return frames; },
    count() {
      // a worker still starting gets the request too: its port holds it until it listens (the
      // first status comes with the page, at start-up); one that fails to start rejects it
      return thread.accepting ? thread.call('count') : null;
    },
    stop: () => thread.stop(),
  };
}
