// The thread's side of a worker (worker-host.ts is the host's): its start-up data, its events, and
// serving the host's calls. serve() says ready; calls that came while the worker was setting up
// waited in its port and are answered in the order they were made.
import { parentPort, workerData } from 'node:worker_threads';
import { useBundledWorkers } from './worker-host';
import type { CallArg, CallName, CallResult, EventName, FromWorker, ToWorker, WorkerEnvelope, WorkerProtocol } from './worker-protocol';

export type WorkerHandlers<P extends WorkerProtocol> = {
  [K in CallName<P>]: (...arg: CallArg<P, K>) => CallResult<P, K> | Promise<CallResult<P, K>>;
};

export interface ServeOptions {
  /**
   * The host asked the thread to stop (after every message sent before). Wind the work down and
   * release what the thread holds; `callsInHand()` settles once the calls still running have
   * answered. The thread's port closes when this returns (or throws), and the thread ends.
   */
  stop?: (callsInHand: () => Promise<void>) => unknown;
}

export interface WorkerChild<P extends WorkerProtocol> {
  readonly data: P['data'];
  emit<K extends EventName<P>>(name: K, ...value: undefined extends P['events'][K] ? [P['events'][K]?] : [P['events'][K]]): void;
  /** Answers the host's calls from now on, and says ready. */
  serve(handlers: WorkerHandlers<P>, opts?: ServeOptions): void;
}

/** In a worker thread started by worker-host.ts: this worker's side. */
export function workerChild<P extends WorkerProtocol>(): WorkerChild<P> {
  const port = parentPort;
  if (!port) throw new Error('workerChild(): not in a worker thread');
  const envelope = workerData as WorkerEnvelope;
  // workers started from here are the bundled ones too, when this one is
  useBundledWorkers(envelope.bundle);
  const post = (m: FromWorker): void => port.postMessage(m);
  return {
    data: envelope.data as P['data'],
    emit: (name, ...value) => post({ t: 'event', name, value: value[0] }),
    serve(handlers, opts = {}) {
      const table = handlers as unknown as Record<string, (arg?: unknown) => unknown>;
      const inHand = new Set<Promise<unknown>>();
      let stopping = false;
      const reply = (id: number, run: () => unknown): void => {
        let out: unknown;
        try {
          out = run();
        } catch (err) {
          return post({ t: 'reply', id, error: (err as Error).message });
        }
        if (!(out instanceof Promise)) return post({ t: 'reply', id, value: out });
        const done = out.then(
          (value) => post({ t: 'reply', id, value }),
          (err: unknown) => post({ t: 'reply', id, error: (err as Error).message }),
        );
        inHand.add(done);
        void done.finally(() => inHand.delete(done));
      };
      port.on('message', (m: ToWorker) => {
        if (stopping) return; // nothing after the stop: calls left unanswered fail when the thread ends
        if (m.t === 'call') return reply(m.id, () => table[m.name]!(m.arg));
        if (m.t === 'send') return void table[m.name]!(m.arg);
        stopping = true;
        const settled = async (): Promise<void> => {
          await Promise.allSettled([...inHand]);
        };
        void Promise.resolve()
          .then(() => opts.stop?.(settled))
          .finally(() => port.close());
      });
      post({ t: 'ready' });
    },
  };
}
