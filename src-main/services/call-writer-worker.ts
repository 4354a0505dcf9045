// Runs in a worker thread beside a host: writes the call records (an INVITE's record, then its
// progress) on a connection of its own. A write can wait on the disk: on this VM a WAL append
// once took 127 ms (2 voluntary switches, 0.9 ms of CPU). On the host's thread that wait held up
// every pop behind it, in a burst of calls; here it holds up only the next record.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { configure } from '../db/store';
import { CallService } from './calls';
import type { CallWriterData, CallWriteRequest, CallWriteReply } from './call-writer';

const { file, busyMs } = workerData as CallWriterData;
const port = parentPort!;
const db = new Database(file, { fileMustExist: true });
configure(db);
// The checkpoint worker (or the host) checkpoints; this connection only as a backstop, as the host.
db.pragma('wal_autocheckpoint = 10000');
// Waiting here blocks nobody: an import or a sync page holds the write lock for seconds, and the
// record must still be written once it is free (the host's queue waited as long).
db.pragma(`busy_timeout = ${busyMs}`);
let at = new Date();
const calls = new CallService(db, () => at);
const offered = db.transaction((m: Extract<CallWriteRequest, { op: 'offered' }>) => calls.record(m.call, m.match));
const progress = db.transaction((m: Extract<CallWriteRequest, { op: 'progress' }>) => calls.progress(m.callId, m.event, m.customerId));

port.on('message', (m: CallWriteRequest | { op: 'stop' }) => {
  if (m.op === 'stop') {
    db.close();
    port.close();
    return;
  }
  at = new Date(m.at); // the time the host took the call's news, not the time it reached this thread
  let reply: CallWriteReply;
  try {
    if (m.op === 'offered') {
      offered.immediate(m);
      reply = { id: m.id, ok: true };
    } else reply = { id: m.id, ok: progress.immediate(m) };
  } catch (err) {
    reply = { id: m.id, error: (err as Error).message };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
