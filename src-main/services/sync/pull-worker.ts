// Runs in a worker thread during long pulls (an initial sync): fetches, decompresses and
// validates pages one after the other and hands each to the sync thread as one JSON text
// (packed.ts), so the sync thread only parses and writes.
//
// Why read far ahead: the stream comes in phases (customers, then purchases …) and the sync
// thread spends ~45 µs writing a customer but ~5 µs a purchase. While it grinds through the
// customers the worker would idle, and during the purchases the writer would wait for it; with
// a buffer of up to AHEAD_BYTES of parsed pages the worker keeps working through both phases.
import { workerChild } from '../../../src-shared/node/worker-child';
import { fetchPage, SyncError, type PageRequest, type WorkerMessage } from './page';
import { packPage } from './packed';
import type { PullWorkerProtocol } from './pages';

const worker = workerChild<PullWorkerProtocol>();
/** PRONTO_SYNC_AHEAD_MB, handed in by the sync thread. */
const AHEAD_BYTES = worker.data.aheadMb * (1 << 20);
const post = (m: WorkerMessage): void => worker.emit('pulled', m);
/** Sizes of the pages posted and not yet taken by the sync thread, oldest first. */
const waiting: number[] = [];
let buffered = 0;
let wake: (() => void) | null = null;
worker.serve({
  ack: () => {
    buffered -= waiting.shift() ?? 0;
    wake?.();
    wake = null;
  },
});

async function run(req: PageRequest): Promise<void> {
  for (;;) {
    const page = await fetchPage(req);
    const entities = [...new Set(page.changes.map((c) => c.entity))];
    const msg: WorkerMessage = { type: 'page', json: packPage(page.changes, page.lines), count: page.changes.length, entities, checkpoint: page.checkpoint, reset: page.reset };
    post(msg);
    if (!page.checkpoint.more) return;
    req = { ...req, after: page.checkpoint.checkpoint, scope: page.checkpoint.scope, total: false };
    waiting.push(msg.json.length * 2); // UTF-16 in memory
    buffered += msg.json.length * 2;
    while (buffered >= AHEAD_BYTES || waiting.length >= 64) await new Promise<void>((r) => (wake = r));
  }
}

run(worker.data.first).then(
  () => post({ type: 'end' }),
  (err: unknown) => {
    const e = err instanceof SyncError ? err : new SyncError((err as Error).message, true);
    post({ type: 'error', message: e.message, transient: e.transient, offline: e.offline });
  },
);
