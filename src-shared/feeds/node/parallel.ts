// Parses a big feed file in a worker thread while the caller writes on its own thread: on two
// cores parsing/validation (phone numbers above all) and SQLite writes then overlap instead of
// adding up. Same contract as readFeed; falls back to it for small inputs or where no worker
// can be started (e.g. inside a bundled Electron main process).
import { Worker } from 'node:worker_threads';
import { existsSync, statSync } from 'node:fs';
import { tsWorkerBootstrap } from '../../node/ts-worker';
import { readFeed, type FeedProblem, type FeedRecord, type FeedSource, type ReadFeedOptions } from './csv';
import type { FeedKind } from '../spec';
import { unflatten } from './flat';

/** Smaller files are parsed in-thread (starting a worker costs ~100 ms); env override for tests. */
const minBytes = (): number => Number(process.env.PRONTO_IMPORT_WORKER_MIN_BYTES ?? 4 << 20);

const bootstrap = (): string | null => tsWorkerBootstrap(import.meta.url, 'parse-worker');

export function readFeedAuto<K extends FeedKind>(kind: K, src: FeedSource, opts: ReadFeedOptions<K>): Promise<number> {
  const boot = bootstrap();
  const big = typeof src === 'string' && existsSync(src) && statSync(src).size >= minBytes();
  if (!boot || !big || process.env.PRONTO_IMPORT_WORKER === '0') return readFeed(kind, src, opts);
  return readFeedInWorker(boot, kind, src as string, opts);
}

type Msg<K extends FeedKind> =
  | { type: 'batch'; records?: FeedRecord<K>[]; flat?: unknown[]; problems: FeedProblem[] }
  | { type: 'done'; seen: number; problems: FeedProblem[] }
  | { type: 'error'; message: string };

function readFeedInWorker<K extends FeedKind>(boot: string, kind: K, path: string, opts: ReadFeedOptions<K>): Promise<number> {
  const worker = new Worker(boot, { workerData: { kind, path, batchSize: opts.batchSize ?? 5000 } });
  return new Promise<number>((resolve, reject) => {
    let chain = Promise.resolve();
    let finished = false;
    const fail = (err: unknown): void => {
      if (finished) return;
      finished = true;
      void worker.terminate();
      reject(err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!finished) fail(new Error(`feed parser worker exited (${code})`));
    });
    worker.on('message', (m: Msg<K>) => {
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
          void worker.terminate();
          resolve(m.seen);
          return;
        }
        if (ok.length) await opts.onBatch(ok);
        worker.postMessage('ack');
      }).catch(fail);
    });
  });
}
