// Host side of the call writer: the records of ringing and moving calls are written on a thread
// of their own (call-writer-worker.ts), so that a write waiting on the disk or on another
// writer's lock never holds the host's thread while pops are due. Where no worker can start
// (PRONTO_CALL_WRITER_THREAD=0) or once it has ended, calls are recorded on the host's own write
// queue as before. Starting, calls, stop and the end signal: src-shared/node/worker-host.ts.
import { startWorker } from '../../src-shared/node/worker-host';
import type { CallEvent } from '../../src-shared/telephony/calls';
import type { Store } from '../db/store';
import type { OfferedCall, OfferedMatch } from './calls';

/** `at`: the time the host took the call's news, not the time it reached the thread. */
export interface CallWriterProtocol {
  data: { file: string; busyMs: number };
  calls: {
    offered(m: { at: string; call: OfferedCall; match: OfferedMatch }): void;
    /** false: no such call. */
    progress(m: { at: string; callId: string; event: CallEvent; customerId?: string | null; reason?: string | null }): boolean;
  };
  events: Record<never, never>;
}

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
  progress(callId: string, event: CallEvent, customerId?: string | null, reason?: string | null): Promise<boolean> | null;
  stop(): Promise<void>;
}

export interface CallWriterOptions {
  /** PRONTO_CALL_WRITER_THREAD (default on); off, records go through the host's write queue. */
  enabled?: boolean;
  /** Another file to run as the worker (a bundle's, in tests of the Electron build). */
  entry?: string;
  /** How long a record waits for another writer's lock (an import holds it for a whole file). */
  busyMs?: number;
  log?: (line: string) => void;
}

const INACTIVE: CallWriter = { active: false, offered: () => null, progress: () => null, stop: async () => {} };

export function startCallWriter(store: Store, opts: CallWriterOptions = {}): CallWriter {
  const log = opts.log ?? (() => {});
  if (opts.enabled === false) return INACTIVE;
  const thread = startWorker<CallWriterProtocol>('call-writer', {
    entry: opts.entry,
    data: { file: store.file, busyMs: opts.busyMs ?? 600_000 },
    keepAlive: 'owed', // never keeps a process alive unless a record is owed
    gone: () => new CallWriterGone('the call writer thread ended'),
    onError: (err) => log(`call writer: ${err.message}`),
    onEnded: ({ stopped, wasReady }) => {
      if (wasReady && !stopped) log('call writer ended: calls are recorded on the host thread again');
    },
  });
  if (!thread) return INACTIVE;
  return {
    get active() { return thread.state === 'ready'; },
    offered: (call, match) => (thread.accepting ? thread.call('offered', { at: new Date().toISOString(), call, match }) : null),
    progress: (callId, event, customerId, reason) => (thread.accepting ? thread.call('progress', { at: new Date().toISOString(), callId, event, customerId, reason }) : null),
    // queued records are written first: messages are handled in order
    stop: () => thread.stop(),
  };
}
