// The host's side of every worker thread (the sync thread, the pull worker, the checkpoint worker,
// the call writer, the parse worker): one place that starts a thread, talks to it and ends it.
//
// - Spawning: a worker is named in worker-entries.ts. Run from source (CLI, web host, tests,
//   benchmarks), its `.ts` starts through bin/run-ts.mjs, the tsx bootstrap the CLI uses. In the
//   Electron bundle (useBundledWorkers, called by the Electron main) it is the file electron-vite
//   wrote for it; a worker hands that directory on to the workers it starts itself.
// - Calls: typed by the worker's WorkerProtocol, answered by id (PendingCalls); `send` posts without
//   waiting. Calls made while the thread is still starting are held by its port and answered once
//   it listens, so a worker is usable from the moment it is started.
// - State: starting → ready (the thread said so) → stopping → ended. `onEnded` is the signal the
//   callers use to fall back; calls still waiting then fail with the caller's `gone` error.
// - Keep-alive: 'always' (a handle like any other) or 'owed' (only while an answer is owed or a
//   stop awaited: the thread never keeps a CLI alive on its own).
// - Stop: the thread's stop hook runs after the messages already sent, then the thread closes its
//   port and ends; `stopTimeoutMs` ends one that does not in time (terminate).
//
// Doing the work on the caller's thread instead stays only where a measured case needs it:
// - pull worker (sync/pages.ts): pulls under 100,000 changes fetch in-thread (starting a worker
//   costs more than it saves there); PRONTO_SYNC_WORKER=0.
// - parse worker (feeds/node/parallel.ts): files under 4 MB parse in-thread (a worker costs
//   ~100 ms to start); PRONTO_IMPORT_WORKER=0.
// - sync thread (sync/runtime.ts): the same SyncClient on the host's thread is what bench:sync-pop
//   measures the thread against (pop p99 3,384 ms there, 21.7 ms with the thread); PRONTO_SYNC_THREAD=0.
// - call writer (services/call-writer.ts): the host's write queue records calls once the thread has
//   ended (a call's records must still be written; tested), or with PRONTO_CALL_WRITER_THREAD=0.
// The checkpoint worker has no code to fall back to: without it SQLite checkpoints on the host's
// connection as it always did (PRONTO_CHECKPOINT_THREAD=0).
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { PendingCalls } from './pending-calls';
import { WORKER_ENTRIES, bundledWorkerFile, type WorkerName } from './worker-entries';
import type { CallArg, CallName, CallResult, EventName, FromWorker, ToWorker, WorkerEnvelope, WorkerProtocol } from './worker-protocol';

export type WorkerState = 'starting' | 'ready' | 'stopping' | 'ended';

export interface WorkerEnd {
  /** The thread's exit code. */
  code: number;
  /** Ended by stop() or terminate() (not a crash). */
  stopped: boolean;
  /** It had said ready (it did its work for a while). */
  wasReady: boolean;
}

export interface WorkerHostOptions<P extends WorkerProtocol> {
  data: P['data'];
  /** A file to run instead of the list's: a `.ts` source goes through the tsx bootstrap, anything else (a bundled `.cjs`) runs as it is. */
  entry?: string;
  /** The directory of the bundled workers (Electron's out/main); default: the one useBundledWorkers set. */
  bundle?: string | null;
  /** The thread's environment (default: a copy of this one's). */
  env?: NodeJS.ProcessEnv;
  on?: { [K in EventName<P>]?: (value: P['events'][K]) => void };
  /** Not called for a thread that is already stopping. */
  onReady?: () => void;
  onEnded?: (end: WorkerEnd) => void;
  /** An uncaught error in the thread (it ends right after). */
  onError?: (err: Error) => void;
  /** 'always' (default) or 'owed': keeps the process alive only while an answer is owed or a stop awaited. */
  keepAlive?: 'always' | 'owed';
  /** stop(): how long the thread may take to end before it is terminated (default: as long as it needs). */
  stopTimeoutMs?: number;
  /** What calls still waiting fail with when the thread ends. */
  gone?: (code: number) => Error;
}

let bundleDir: string | null = null;

/**
 * The Electron main (its own directory) and a bundled worker (the directory its host gave it):
 * workers start from the files electron-vite wrote there instead of from source.
 */
export function useBundledWorkers(dir: string | null): void {
  bundleDir = dir;
}

/** The directory of the bundled workers in use, or null when they run from source. */
export function bundledWorkersDir(): string | null {
  return bundleDir;
}

const ROOT = ((): string | null => {
  try {
    return fileURLToPath(new URL('../../', import.meta.url));
  } catch {
    return null;
  }
})();

interface Spawn {
  file: string;
  argv: string[];
  bundle: string | null;
}

/** How `name` starts here, or null where it cannot (a bundle that did not say where its workers are). */
function spawnOf(name: WorkerName, entry?: string, bundle: string | null = bundleDir): Spawn | null {
  const fromSource = (src: string): Spawn | null => {
    if (!ROOT) return null;
    const boot = join(ROOT, 'bin/run-ts.mjs');
    return existsSync(boot) && existsSync(src) ? { file: boot, argv: [src], bundle } : null;
  };
  if (entry) return entry.endsWith('.ts') ? fromSource(resolve(entry)) : { file: entry, argv: [], bundle };
  if (bundle) return { file: join(bundle, bundledWorkerFile(name)), argv: [], bundle };
  return ROOT ? fromSource(join(ROOT, WORKER_ENTRIES[name])) : null;
}

/** Whether `name` can start here (without starting it). */
export function canStartWorker(name: WorkerName, entry?: string): boolean {
  return spawnOf(name, entry) !== null;
}

/** Starts worker `name`; null where no worker can start (the caller then does without). */
export function startWorker<P extends WorkerProtocol>(name: WorkerName, opts: WorkerHostOptions<P>): WorkerHost<P> | null {
  const spawn = spawnOf(name, opts.entry, opts.bundle === undefined ? bundleDir : opts.bundle);
  return spawn ? new WorkerHost<P>(name, spawn, opts) : null;
}

export class WorkerHost<P extends WorkerProtocol> {
  private worker: Worker;
  private pending = new PendingCalls<unknown>();
  private current: WorkerState = 'starting';
  private saidReady = false;
  private end: WorkerEnd | null = null;
  private owed: boolean;
  /** Resolves when the thread has ended, however it ended. */
  readonly ended: Promise<WorkerEnd>;

  constructor(readonly name: WorkerName, spawn: Spawn, private opts: WorkerHostOptions<P>) {
    this.owed = opts.keepAlive === 'owed';
    const workerData: WorkerEnvelope = { data: opts.data, bundle: spawn.bundle };
    this.worker = new Worker(spawn.file, { workerData, argv: spawn.argv, ...(opts.env ? { env: opts.env } : {}) });
    if (this.owed) this.worker.unref();
    this.worker.on('message', (m: FromWorker) => this.onMessage(m));
    this.worker.on('error', (err) => opts.onError?.(err));
    this.ended = new Promise<WorkerEnd>((done) => {
      this.worker.once('exit', (code) => {
        const end = { code, stopped: this.current === 'stopping', wasReady: this.saidReady };
        this.current = 'ended';
        this.end = end;
        this.pending.failAll(this.gone(code));
        opts.onEnded?.(end);
        done(end);
      });
    });
  }

  get state(): WorkerState {
    return this.current;
  }

  /** It said ready at some point (it may be stopping or have ended since). */
  get wasReady(): boolean {
    return this.saidReady;
  }

  /** Takes calls: starting or ready. */
  get accepting(): boolean {
    return this.current === 'starting' || this.current === 'ready';
  }

  /** Calls still waiting for their answer. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Asks the thread; rejects with the thread's error, or with `gone` if the thread ends first. */
  call<K extends CallName<P>>(name: K, ...arg: CallArg<P, K>): Promise<CallResult<P, K>> {
    if (this.end) return Promise.reject(this.gone(this.end.code));
    if (this.owed) this.worker.ref(); // an answer is owed
    return this.pending.ask((id) => this.post({ t: 'call', id, name, arg: arg[0] })) as Promise<CallResult<P, K>>;
  }

  /** Tells the thread, without waiting for an answer (none comes back). Dropped once it has ended. */
  send<K extends CallName<P>>(name: K, ...arg: CallArg<P, K>): void {
    if (!this.end) this.post({ t: 'send', name, arg: arg[0] });
  }

  /** Ends the thread after what was already sent: its stop hook runs, then it ends (terminated after stopTimeoutMs). */
  async stop(): Promise<void> {
    if (this.current === 'starting' || this.current === 'ready') {
      this.current = 'stopping';
      this.worker.ref(); // a caller awaiting the stop keeps the process up until the thread is done
      this.post({ t: 'stop' });
      const ms = this.opts.stopTimeoutMs;
      if (ms !== undefined) {
        const timer = setTimeout(() => void this.worker.terminate(), ms);
        void this.ended.then(() => clearTimeout(timer));
      }
    }
    await this.ended;
  }

  /** Ends the thread now, whatever it is doing. */
  async terminate(): Promise<void> {
    if (this.current === 'ended') return;
    this.current = 'stopping';
    await this.worker.terminate();
    await this.ended;
  }

  private post(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  private gone(code: number): Error {
    return this.opts.gone?.(code) ?? new Error(`the ${this.name} worker ended (${code})`);
  }

  private onMessage(m: FromWorker): void {
    switch (m.t) {
      case 'reply':
        this.pending.settle(m.id, m.error !== undefined ? { error: m.error } : { value: m.value });
        // nothing owed: never keeps a process alive (a stop awaited still does)
        if (this.owed && this.pending.size === 0 && this.current !== 'stopping') this.worker.unref();
        return;
      case 'event':
        (this.opts.on?.[m.name as EventName<P>] as ((v: unknown) => void) | undefined)?.(m.value);
        return;
      case 'ready':
        if (this.current !== 'starting') return;
        this.current = 'ready';
        this.saidReady = true;
        this.opts.onReady?.();
    }
  }
}
