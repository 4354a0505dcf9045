// Runs in a worker thread beside a host (web host, Electron main): copies the WAL back into the
// store file, and answers the one slow read the host has (the store's row counts). A checkpoint
// ends with an fsync, which on this machine kind takes 6–75 ms; run by SQLite's auto-checkpoint
// it falls inside whichever host write crossed 1,000 WAL pages, and stalls that thread, and any
// pop waiting on it, for that long. Here it stalls nobody.
import Database from 'better-sqlite3';
import { workerChild } from '../../src-shared/node/worker-child';
import { WalIndex } from './wal-index';
import type { CheckpointProtocol } from './checkpointer';
import { storeCountsStatement } from './queries/counts';

const worker = workerChild<CheckpointProtocol>();
const { file, pollMs, frames, maxAgeMs } = worker.data;
const db = new Database(file, { fileMustExist: true });
// PASSIVE never waits: it copies what no reader still needs and leaves the rest for next time.
// busy_timeout 0: another connection's checkpoint (a sync thread's, an import's) is not waited on.
db.pragma('busy_timeout = 0');
db.pragma('synchronous = NORMAL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const wal = new WalIndex(file);

let rounds = 0;
let last = performance.now();
/** The WAL as the last round left it: SQLite's counts are totals since the WAL last restarted. */
let seen = { log: 0, checkpointed: 0 };
const run = (): void => {
  try {
    const t = performance.now();
    const r = checkpoint.get() as { busy: number; log: number; checkpointed: number };
    last = performance.now();
    rounds++;
    const copied = r.log < seen.log ? r.checkpointed : r.checkpointed - seen.checkpointed;
    seen = { log: r.log, checkpointed: r.checkpointed };
    if (copied > 0) worker.emit('checkpointed', { frames: copied, log: r.log, ms: last - t, rounds });
  } catch (err) {
    // SQLITE_BUSY: someone else is checkpointing right now; a later poll catches up.
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') worker.emit('error', (err as Error).message);
  }
};
// Reading the wal-index costs microseconds, a checkpoint an fsync. Checkpoint when SQLite would
// (`frames` waiting); when the WAL is long but could not start over (writes kept coming while
// the last round ran: SQLite restarts the WAL only after a complete checkpoint), at most once a
// second; when a few frames have waited `maxAgeMs` (the file stays current). Unreadable index
// (a write raced the read): go by age alone.
const RETRY_MS = 1000;
const poll = (): void => {
  const w = wal.read();
  const age = performance.now() - last;
  const due = w === null
    ? age >= pollMs * 10
    : w.pending >= frames || (w.pending > 0 && ((w.frames >= frames && age >= RETRY_MS) || age >= maxAgeMs));
  if (due) run();
};
const timer = setInterval(poll, pollMs);
// The store's row counts (the app's status line): a count over 1M customers and 5M purchases
// reads ~100 MB of index, 100–300 ms that must not block the host's thread while a call rings.
const counts = storeCountsStatement(db);
worker.serve(
  { count: () => counts.get() },
  {
    stop: () => {
      clearInterval(timer);
      run(); // what the host wrote last goes into the file before it closes
      wal.close();
      db.close();
    },
  },
);
