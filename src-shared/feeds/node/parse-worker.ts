// Runs in a worker thread: parses and validates a feed file and posts batches of records (with
// the problems found on their lines) to the importer, which writes them on the main thread.
// At most a few batches are in flight, so memory stays bounded whatever the file size.
import { parentPort, workerData } from 'node:worker_threads';
import { readFeed, type FeedProblem, type FeedRecord } from './csv';
import { flatten } from './flat';
import type { FeedKind } from '../spec';
import { customerSearchPhones } from '../../phone/normalize';

const MAX_IN_FLIGHT = 3;
const port = parentPort!;
const { kind, path, batchSize } = workerData as { kind: FeedKind; path: string; batchSize: number };
let inFlight = 0;
let wake: (() => void) | null = null;
port.on('message', () => {
  inFlight--;
  wake?.();
  wake = null;
});

let problems: FeedProblem[] = [];
readFeed(kind, path, {
  batchSize,
  onProblem: (p) => problems.push(p),
  onBatch: async (records) => {
    // A customer's phone search text is string work only: done here rather than on the writer's thread.
    if (kind === 'customers') {
      for (const { row } of records as FeedRecord<'customers'>[]) row.searchPhones = customerSearchPhones(row);
    }
    const flat = flatten(kind, records);
    port.postMessage(flat ? { type: 'batch', flat, problems } : { type: 'batch', records, problems });
    problems = [];
    inFlight++;
    while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
  },
}).then(
  (seen) => port.postMessage({ type: 'done', seen, problems }),
  (err: unknown) => port.postMessage({ type: 'error', message: (err as Error).message }),
);
