// Runs in a worker thread beside a host: writes the call records (an INVITE's record, then its
// progress) on a connection of its own. A write can wait on the disk: on this VM a WAL append
// once took 127 ms (2 voluntary switches, 0.9 ms of CPU). On the host's thread that wait held up
// every pop behind it, in a burst of calls; here it holds up only the next record.
import Database from 'better-sqlite3';
import { workerChild } from '../../src-shared/node/worker-child';
import { configure } from '../db/store';
import { CallService } from './calls';
import type { CallWriterProtocol } from './call-writer';

type Calls = CallWriterProtocol['calls'];

const worker = workerChild<CallWriterProtocol>();
const { file, busyMs } = worker.data;
const db = new Database(file, { fileMustExist: true });
configure(db);
// The checkpoint worker (or the host) checkpoints; this connection only as a backstop, as the host.
db.pragma('wal_autocheckpoint = 10000');
// Waiting here blocks nobody: an import or a sync page holds the write lock for seconds, and the
// record must still be written once it is free (the host's queue waited as long).
db.pragma(`busy_timeout = ${busyMs}`);
let at = new Date();
const calls = new CallService(db, () => at);
const offered = db.transaction((m: Parameters<Calls['offered']>[0]) => calls.record(m.call, m.match));
const progress = db.transaction((m: Parameters<Calls['progress']>[0]) => calls.progress(m.callId, m.event, m.customerId, m.reason));

worker.serve(
  {
    offered: (m) => {
      at = new Date(m.at);
      offered.immediate(m);
    },
    progress: (m) => {
      at = new Date(m.at);
      return progress.immediate(m);
    },
  },
  { stop: () => db.close() },
);
