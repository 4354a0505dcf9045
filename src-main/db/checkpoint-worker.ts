// Runs in a worker thread beside a host (web host, Electron main): copies the WAL back into the
// store file every few hundred ms. A checkpoint ends with an fsync, which on this machine kind
// takes 6–75 ms; run by SQLite's auto-checkpoint it would fall inside whichever host write
// crossed 1,000 WAL pages, and stall that thread, and any pop waiting on it, for that long.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { CheckpointWorkerData, CheckpointEvent } from './checkpointer';

const { file, intervalMs } = workerData as CheckpointWorkerData;
const port = parentPort!;
const db = new Database(file, { fileMustExist: true });
// PASSIVE never waits: it copies what no reader still needs and leaves the rest for next time.
// busy_timeout 0: another connection's checkpoint (a sync thread's, an import's) is not waited on.
db.pragma('busy_timeout = 0');
db.pragma('synchronous = NORMAL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

let rounds = 0;
/** The WAL as the last round left it: its counts are totals since the WAL last restarted. */
let last = { log: 0, checkpointed: 0 };
const tick = (): void => {
  try {
    const t = performance.now();
    const r = checkpoint.get() as { busy: number; log: number; checkpointed: number };
    rounds++;
    const copied = r.log < last.log ? r.checkpointed : r.checkpointed - last.checkpointed;
    last = { log: r.log, checkpointed: r.checkpointed };
    if (copied > 0) port.postMessage({ type: 'checkpointed', frames: copied, log: r.log, ms: performance.now() - t, rounds } satisfies CheckpointEvent);
  } catch (err) {
    // SQLITE_BUSY: someone else is checkpointing right now; the next tick catches up.
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') port.postMessage({ type: 'error', message: (err as Error).message } satisfies CheckpointEvent);
  }
};
const timer = setInterval(tick, intervalMs);
port.on('message', (m: { type: 'stop' }) => {
  if (m.type !== 'stop') return;
  clearInterval(timer);
  tick(); // what the host wrote last goes into the file before it closes
  db.close();
  port.close();
});
port.postMessage({ type: 'ready' } satisfies CheckpointEvent);
