// Parses a big feed file in a worker thread while the caller writes on its own thread: on two
// cores parsing/validation (phone numbers above all) and SQLite writes then overlap instead of
// adding up. Same contract as readFeed; falls back to it for small inputs or where no worker
// can be started. Starting and ending the worker: src-shared/node/worker-host.ts.
import { existsSync, statSync } from 'node:fs';
import { startWorker } from '../../node/worker-host';
import { readFeed, type FeedProblem, type FeedRecord, type FeedSource, type ReadFeedOptions } from './csv';
import type { FeedKind } from '../spec';
import { unflatten } from './flat';

/**
 * Where a feed is parsed: `worker` off (PRONTO_IMPORT_WORKER=0) or a file under `workerMinBytes`
 * (PRONTO_IMPORT_WORKER_MIN_BYTES; starting a worker costs ~100 ms) is parsed in-thread.
 */
export interface ParsePlacement {
  worker: boolean;
  workerMinBytes: number;
}

export function readFeedAuto<K extends FeedKind>(kind: K, src: FeedSource, opts: ReadFeedOptions<K>, placement: ParsePlacement): Promise<number> {
  const big = typeof src === 'string' && existsSync(src) && statSync(src).size >= placement.workerMinBytes;
  if (!big || !placement.worker) return readFeed(kind, src, opts);
  return readFeedInWorker(kind, src as string, opts);
}

export type ParsedMsg<K extends FeedKind = FeedKind> =
  | { type: 'batch'; records?: FeedRecord<K>[]; flat?: unknown[]; problems: FeedProblem[] }
  | { type: 'done'; seen: number; problems: FeedProblem[] }
  | { type: 'error'; message: string };

/** The parse worker (parse-worker.ts): batches in file order, each acknowledged once written (a few in flight at most). */
export interface ParseWorkerProtocol {
  data: { kind: FeedKind; path: string; batchSize: number };
  calls: { ack(): void };
  events: { parsed: ParsedMsg };
}

/** In a worker thread, or in-thread where none can start. */
function readFeedInWorker<K extends FeedKind>(kind: K, path: string, opts: ReadFeedOptions<K>): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let chain = Promise.resolve();
    let finished = false;
    const fail = (err: unknown): void => {
      if (finished) return;
      finished = true;
      void worker?.terminate();
      reject(err);
    };
    const onParsed = (m: ParsedMsg<K>): void => {
      // Batches are handled strictly in file order, one after the other.
      chain = chain.then(async () => {
        if (finished) return;
        if (m.type === 'error') return fail(new Error(m.message));
        // Problems of the worker (format) and of the checks here (references, duplicates) are
        // reported together in line order.
        const problems = [...m.problems];
        const ok: FeedRecord<K>[] = [];
        if (m.type === 'batch') {
          for (const rec of m.records ?? unflatten(kind, m.flat!)) {
            const issue = opts.check?.(rec.row, rec.line);
            if (issue) problems.push({ line: rec.line, ...issue });
            else ok.push(rec);
          }
        }
        problems.sort((a, b) => a.line - b.line);
        for (const p of problems) opts.onProblem(p);
        if (m.type === 'done') {
          finished = true;
          void worker?.terminate();
          resolve(m.seen);
          return;
        }
        if (ok.length) await opts.onBatch(ok);
        worker?.send('ack');
      }).catch(fail);
    };
    const worker = startWorker<ParseWorkerProtocol>('parse', {
      data: { kind, path, batchSize: opts.batchSize ?? 5000 },
      on: { parsed: (m) => onParsed(m as ParsedMsg<K>) },
      onError: fail,
      onEnded: ({ code }) => {
        if (!finished) fail(new Error(`feed parser worker exited (${code})`));
      },
    });
    if (!worker) readFeed(kind, path, opts).then(resolve, reject);
  });
}
