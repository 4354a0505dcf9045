// Host side of the call writer: the records of ringing and moving calls are written on a thread
// of their own (call-writer-worker.ts), so that a write waiting on the disk or on another
// writer's lock never holds the host's thread while pops are due. Where no worker can start (a
// bundle without its file, PRONTO_CALL_WRITER_THREAD=0) or once it has ended, calls are
// recorded on the host's own write queue as before.
import { Worker } from 'node:worker_threads';
import { tsWorkerBootstrap } from '../../src-shared/node/ts-worker';
import { PendingCalls } from '../../src-shared/node/pending-calls';
import type { CallEvent } from '../../src-shared/telephony/calls';
import type { Store } from '../db/store';
import type { OfferedCall, OfferedMatch } from './calls';

export interface CallWriterData {
  file: string;
  busyMs: number;
}

export type CallWriteRequest =
  | { op: 'offered'; id: number; at: string; call: OfferedCall; match: OfferedMatch }
  | { op: 'progress'; id: number; at: string; callId: string; event: CallEvent; customerId?: string | null };

type WithoutEnvelope<T> = T extends unknown ? Omit<T, 'id' | 'at'> : never;

export type CallWriteReply = { id: number; ok: boolean } | { id: number; error: string };

/** The worker ended before it answered: the write may be retried on the host's queue. */
export class CallWriterGone extends Error {}

export interface CallWriter {
  /** True while the worker runs. */
  readonly active: boolean;
  /**
   * Writes an offered call's record; null when no worker runs (record it on the host). A worker
   * still starting takes records too, so that a call's steps never split between two writers.
   */
  offered(call: OfferedCall, match: OfferedMatch): Promise<void> | null;
  /** Moves a call on (false: no such call); null when no worker runs. */
  progress(callId: string, event: CallEvent, customerId?: string | null): Promise<boolean> | null;
  stop(): Promise<void>;
}

export interface CallWriterOptions {
  /** The worker's own file in a bundle (Electron: `call-writer-worker.ts?modulePath`). */
  entry?: string;
  /** How long a record waits for another writer's lock (an import holds it for a whole file). */
  busyMs?: number;
  log?: (line: string) => void;
}

const INACTIVE: CallWriter = { active: false, offered: () => null, progress: () => null, stop: async () => {} };

export function startCallWriter(store: Store, opts: CallWriterOptions = {}): CallWriter {
  const log = opts.log ?? (() => {});
  const entry = process.env.PRONTO_CALL_WRITER_THREAD === '0' ? null : (opts.entry ?? tsWorkerBootstrap(import.meta.url, 'call-writer-worker'));
  if (!entry) return INACTIVE;
  const worker = new Worker(entry, { workerData: { file: store.file, busyMs: opts.busyMs ?? 600_000 } satisfies CallWriterData });
  worker.unref();
  let active = false;
  let stopping = false;
  let ended = false;
  const asked = new PendingCalls<boolean>();
  const exited = new Promise<void>((done) => worker.once('exit', () => done()));
  worker.on('message', (m: CallWriteReply | { ready: true }) => {
    if ('ready' in m) {
      active = !stopping;
      return;
    }
    asked.settle(m.id, 'error' in m ? { error: m.error } : { value: m.ok });
    if (asked.size === 0) worker.unref(); // nothing owed: never keeps a process alive
  });
  worker.on('error', (err) => log(`call writer: ${err.message}`));
  void exited.then(() => {
    const was = active;
    active = false;
    ended = true;
    asked.failAll(new CallWriterGone('the call writer thread ended'));
    if (was && !stopping) log('call writer ended: calls are recorded on the host thread again');
  });
  const ask = (req: WithoutEnvelope<CallWriteRequest>): Promise<boolean> | null => {
    if (ended || stopping) return null;
    worker.ref(); // an answer is owed
    return asked.ask((id) => worker.postMessage({ ...req, id, at: new Date().toISOString() } as CallWriteRequest));
  };
  return {
    get active() { return active; },
    offered: (call, match) => ask({ op: 'offered', call, match })?.then(() => undefined) ?? null,
    progress: (callId, event, customerId) => ask({ op: 'progress', callId, event, customerId }),
    async stop() {
      if (stopping) return exited;
      stopping = true;
      active = false;
      worker.ref();
      // queued records are written first: messages are handled in order
      worker.postMessage({ op: 'stop' });
      await exited;
    },
  };
}
