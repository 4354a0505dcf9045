// The sync thread: a SyncClient on its own connection to the store, driven by the host
// (thread.ts). Writing a page of an initial sync takes seconds and building the deferred index
// longer; here that time is taken from no one, and the host's thread stays free to pop.
import { workerChild } from '../../../src-shared/node/worker-child';
import { connectTo } from '../../db/store';
import { SyncClient } from './client';
import type { SyncThreadProtocol } from './handle';

const worker = workerChild<SyncThreadProtocol>();
const { file, cfg } = worker.data;
const sqlite = connectTo(file);
const client = new SyncClient(sqlite, {
  ...cfg,
  log: (line) => worker.emit('log', line),
  onStatus: () => worker.emit('status', client.liveState()),
  onChanged: (rows, entities) => worker.emit('changed', { rows, entities: [...entities] }),
  onAgentState: (poke) => worker.emit('agentState', poke),
});

worker.serve(
  {
    start: () => client.start(),
    kick: () => client.kick(),
    wake: () => client.wake(),
    syncOnce: () => client.syncOnce(),
  },
  {
    // Rounds the host asked for end at their next page once the client stops; their answers go
    // out before the connection closes.
    async stop(roundsInHand) {
      try {
        await client.stop();
        await roundsInHand();
      } finally {
        sqlite.close();
      }
    },
  },
);
