// The sync thread: a SyncClient on its own connection to the store, driven by the host
// (thread.ts). Writing a page of an initial sync takes seconds and building the deferred index
// longer; here that time is taken from no one, and the host's thread stays free to pop.
import { parentPort, workerData } from 'node:worker_threads';
import { connectTo } from '../../db/store';
import { SyncClient } from './client';
import type { HubConfig } from './runtime';
import type { SyncThreadCommand, SyncThreadEvent } from './handle';

const port = parentPort!;
const { file, cfg } = workerData as { file: string; cfg: HubConfig };
const post = (e: SyncThreadEvent): void => port.postMessage(e);
const sqlite = connectTo(file);
const client = new SyncClient(sqlite, {
  ...cfg,
  log: (line) => post({ type: 'log', line }),
  onStatus: () => post({ type: 'status', state: client.liveState() }),
  onChanged: (rows, entities) => post({ type: 'changed', rows, entities: [...entities] }),
});

/** Rounds the host asked for; stopping waits for them (they end at their next page). */
const rounds = new Set<Promise<unknown>>();

port.on('message', (m: SyncThreadCommand) => {
  switch (m.type) {
    case 'start':
      return client.start();
    case 'kick':
      return client.kick();
    case 'wake':
      return client.wake();
    case 'syncOnce': {
      const round = client.syncOnce().then(
        (value) => post({ type: 'result', id: m.id, value }),
        (err: unknown) => post({ type: 'result', id: m.id, error: (err as Error).message }),
      );
      rounds.add(round);
      void round.finally(() => rounds.delete(round));
      return;
    }
    case 'stop':
      client.stop()
        .then(() => Promise.allSettled([...rounds]))
        .finally(() => {
          sqlite.close();
          post({ type: 'result', id: m.id });
          port.close();
        });
  }
});
