// Host side of the checkpoint worker: moves SQLite's auto-checkpoint on the host's own
// connection out of the way once the worker runs, and back if the worker goes. Host writes then
// only append to the WAL (with synchronous = NORMAL, no fsync): a call record or a case save
// waits on the disk only if the worker falls 10,000 pages behind.
import { Worker } from 'node:worker_threads';
import { tsWorkerBootstrap } from '../../src-shared/node/ts-worker';
import { PendingCalls } from '../../src-shared/node/pending-calls';
import type { Store } from './store';

export interface CheckpointWorkerData {
  file: string;
  /** How often the worker reads the wal-index. */
  pollMs: number;
  /** Checkpoint once this many frames wait (SQLite's auto-checkpoint default). */
  frames: number;
  /** …or once any frame has waited this long. */
  maxAgeMs: number;
}

export type CheckpointEvent =
  | { type: 'ready' }
  | { type: 'checkpointed'; frames: number; log: number; ms: number; rounds: number }
  | { type: 'counts'; id: number; customers?: number; purchases?: number; error?: string }
  | { type: 'error'; message: string };

export type CheckpointRequest = { type: 'stop' } | { type: 'count'; id: number };

/** Customers and purchases in the store. */
export type StoreCounts = [customers: number, purchases: number];

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
  /** The worker's own file in a bundle (Electron: `checkpoint-worker.ts?modulePath`). */
  entry?: string;
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
  const entry = process.env.PRONTO_CHECKPOINT_THREAD === '0' ? null : (opts.entry ?? tsWorkerBootstrap(import.meta.url, 'checkpoint-worker'));
  let active = false;
  let frames = 0;
  let stopping = false;
  let ended = false;
  const setAuto = (pages: number): void => {
    if (store.sqlite.open) store.sqlite.pragma(`wal_autocheckpoint = ${pages}`);
  };
  if (!entry) return { active: false, frames: 0, count: () => null, stop: async () => {} };

  const data: CheckpointWorkerData = { file: store.file, pollMs: opts.pollMs ?? 100, frames: opts.frames ?? AUTO_CHECKPOINT_PAGES, maxAgeMs: opts.maxAgeMs ?? 10_000 };
  const worker = new Worker(entry, { workerData: data });
  worker.unref(); // never keeps a CLI alive on its own
  const exited = new Promise<void>((done) => worker.once('exit', () => done()));
  const asked = new PendingCalls<StoreCounts>();
  worker.on('message', (e: CheckpointEvent) => {
    if (e.type === 'counts') asked.settle(e.id, e.error !== undefined ? { error: e.error } : { value: [e.customers!, e.purchases!] });
    else if (e.type === 'ready') {
      if (stopping) return;
      active = true;
      setAuto(BACKSTOP_PAGES);
    } else if (e.type === 'checkpointed') {
      frames += e.frames;
      if (e.ms >= SLOW_CHECKPOINT_MS) log(`checkpoint: ${e.frames} pages in ${e.ms.toFixed(0)} ms (off the host's thread)`);
    } else log(`checkpoint: ${e.message}`);
  });
  worker.on('error', (err) => log(`checkpoint worker: ${err.message}`));
  void exited.then(() => {
    if (active) setAuto(AUTO_CHECKPOINT_PAGES);
    active = false;
    ended = true;
    asked.failAll(new Error('the checkpoint worker ended'));
    if (!stopping) log('checkpoint worker ended: SQLite checkpoints on the host thread again');
  });
  return {
    get active() { return active; },
    get frames() { return frames; },
    count() {
      // a worker still starting gets the request too: its port holds it until it listens (the
      // first status comes with the page, at start-up); one that fails to start rejects it
      if (ended || stopping) return null;
      return asked.ask((id) => worker.postMessage({ type: 'count', id } satisfies CheckpointRequest));
    },
    async stop() {
      stopping = true;
      worker.ref(); // a caller awaiting the stop keeps the process up until the last round is done
      worker.postMessage({ type: 'stop' } satisfies CheckpointRequest);
      await exited;
    },
  };
}
