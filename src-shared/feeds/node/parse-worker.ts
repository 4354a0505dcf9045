// Runs in a worker thread: parses and validates a feed file and posts batches of records (with
// the problems found on their lines) to the importer, which writes them on the main thread.
// At most a few batches are in flight, so memory stays bounded whatever the file size.
import { workerChild } from '../../node/worker-child';
import { readFeed, type FeedProblem, type FeedRecord } from './csv';
import { flatten } from './flat';
import { customerSearchPhones } from '../../phone/normalize';
import type { ParseWorkerProtocol } from './parallel';

const MAX_IN_FLIGHT = 3;
const worker = workerChild<ParseWorkerProtocol>();
const { kind, path, batchSize } = worker.data;
let inFlight = 0;
let wake: (() => void) | null = null;
worker.serve({
  ack: () => {
    inFlight--;
    wake?.();
    wake = null;
  },
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
    worker.emit('parsed', flat ? { type: 'batch', flat, problems } : { type: 'batch', records, problems });
    problems = [];
    inFlight++;
    while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
  },
}).then(
  (seen) => worker.emit('parsed', { type: 'done', seen, problems }),
  (err: unknown) => worker.emit('parsed', { type: 'error', message: (err as Error).message }),
);
