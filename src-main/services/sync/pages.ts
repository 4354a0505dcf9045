// The pages of one pull, in order, fetched ahead of the writer: while the sync thread writes
// page N, page N+1 is already on its way. Long pulls fetch and validate in a worker thread (on
// two cores the parsing then runs beside the SQLite writes instead of between them); short ones
// stay on this thread, where starting a worker would cost more than it saves. Starting and ending
// the worker: src-shared/node/worker-host.ts.
import { startWorker } from '../../../src-shared/node/worker-host';
import { fetchPage, SyncError, type Page, type PageRequest, type WorkerMessage } from './page';
import type { PageItem } from './packed';
import type { CheckpointLine, Entity } from '../../../src-shared/sync/protocol';

export interface AppliedPage {
  items: PageItem[];
  /** Change lines in the page (a packed run holds several). */
  count: number;
  entities: ReadonlySet<Entity>;
  checkpoint: CheckpointLine;
  reset: boolean;
}

/** A page parsed on this thread, as the writer takes it. */
export function threadPage(p: Page): AppliedPage {
  return { items: p.changes, count: p.changes.length, entities: new Set(p.changes.map((c) => c.entity)), checkpoint: p.checkpoint, reset: p.reset };
}

export interface PageStream {
  readonly via: 'thread' | 'worker';
  /** The next page in stream order; null once the page without `more` has been returned. */
  next(): Promise<AppliedPage | null>;
  close(): void;
}

/** Pages after `first`, on this thread, one request ahead. */
export function inThreadPages(first: PageRequest): PageStream {
  let pending: Promise<Page> | null = fetchPage(first);
  pending.catch(() => {}); // observed by next(); no unhandled rejection if closed early
  return {
    via: 'thread',
    async next() {
      if (!pending) return null;
      const page = await pending;
      const cp = page.checkpoint;
      pending = cp.more ? fetchPage({ ...first, after: cp.checkpoint, scope: cp.scope, total: false }) : null;
      pending?.catch(() => {});
      return threadPage(page);
    },
    close() {
      pending = null;
    },
  };
}

/** The pull worker (pull-worker.ts): pages in order, each acknowledged once taken (it reads ahead up to a bound). */
export interface PullWorkerProtocol {
  /** aheadMb: parsed pages it may hold ahead of the writer (PRONTO_SYNC_AHEAD_MB). */
  data: { first: PageRequest; aheadMb: number };
  calls: { ack(): void };
  events: { pulled: WorkerMessage };
}

/**
 * Pages after `first` from a worker thread (`entry`: another file to run as it), or in-thread
 * where no worker can start. (PRONTO_SYNC_WORKER=0: the caller asks for inThreadPages instead.)
 */
export function workerPages(first: PageRequest, opts: { aheadMb: number; entry?: string }): PageStream {
  const queue: WorkerMessage[] = [];
  let waiter: (() => void) | null = null;
  let done = false;
  const push = (m: WorkerMessage): void => {
    queue.push(m);
    waiter?.();
    waiter = null;
  };
  const worker = startWorker<PullWorkerProtocol>('pull', {
    entry: opts.entry,
    data: { first, aheadMb: opts.aheadMb },
    on: { pulled: push },
    onError: (err) => push({ type: 'error', message: `pull worker: ${err.message}`, transient: true, offline: false }),
    onEnded: ({ code }) => {
      if (!done) push({ type: 'error', message: `pull worker exited (${code})`, transient: true, offline: false });
    },
  });
  if (!worker) return inThreadPages(first);
  const close = (): void => {
    if (done) return;
    done = true;
    void worker.terminate();
  };
  return {
    via: 'worker',
    async next() {
      for (;;) {
        const m = queue.shift();
        if (m) {
          if (m.type === 'page') {
            worker.send('ack');
            // Validated by the worker with the protocol's schemas; here it only needs parsing.
            return { items: JSON.parse(m.json) as PageItem[], count: m.count, entities: new Set(m.entities), checkpoint: m.checkpoint, reset: m.reset };
          }
          close();
          if (m.type === 'end') return null;
          throw new SyncError(m.message, m.transient, m.offline);
        }
        if (done) return null;
        await new Promise<void>((r) => (waiter = r));
      }
    },
    close,
  };
}
