// What a worker thread and its host say to each other (worker-host.ts on the host's side,
// worker-child.ts in the thread). Each worker declares one WorkerProtocol: its start-up data, the
// calls the host makes of it (each answered, or sent without waiting for the answer) and the
// events it reports. The envelope below is the helpers' business only.

export interface WorkerProtocol {
  /** Handed to the thread at start (structured clone, like everything else here). */
  data: unknown;
  /** host → thread: name → handler signature (one argument at most; its result is the answer). */
  calls: Record<string, (...arg: never[]) => unknown>;
  /** thread → host: name → value. */
  events: Record<string, unknown>;
}

export type CallName<P extends WorkerProtocol> = keyof P['calls'] & string;
export type CallArg<P extends WorkerProtocol, K extends CallName<P>> = Parameters<P['calls'][K]>;
export type CallResult<P extends WorkerProtocol, K extends CallName<P>> = Awaited<ReturnType<P['calls'][K]>>;
export type EventName<P extends WorkerProtocol> = keyof P['events'] & string;

/** host → thread. */
export type ToWorker =
  | { t: 'call'; id: number; name: string; arg: unknown }
  | { t: 'send'; name: string; arg: unknown }
  | { t: 'stop' };

/** thread → host. */
export type FromWorker =
  | { t: 'ready' }
  | { t: 'reply'; id: number; value?: unknown; error?: string }
  | { t: 'event'; name: string; value: unknown };

/** The workerData of every worker: its own data, and where the bundled workers are (for the ones it starts). */
export interface WorkerEnvelope {
  data: unknown;
  bundle: string | null;
}
