// Every worker thread the desktop starts, by name: its source file from the repository root.
// This one list feeds electron-vite (electron.vite.config.ts bundles each as `workers/<name>.cjs`
// beside the Electron main) and the tsx bootstrap (bin/run-ts.mjs) that runs the source in the
// CLI, the web host, the benchmarks and the tests. A new worker is one line here.
export const WORKER_ENTRIES = {
  /** The sync client on its own connection (services/sync/thread.ts starts it). */
  sync: 'src-main/services/sync/sync-worker.ts',
  /** Fetches and checks pull pages ahead of the sync writer during long pulls (sync/pages.ts). */
  pull: 'src-main/services/sync/pull-worker.ts',
  /** Copies the WAL into the store file and reads the store's counts (db/checkpointer.ts). */
  checkpoint: 'src-main/db/checkpoint-worker.ts',
  /** Writes the call records (services/call-writer.ts). */
  'call-writer': 'src-main/services/call-writer-worker.ts',
  /** Parses and checks a big feed file while the importer writes (feeds/node/parallel.ts). */
  parse: 'src-shared/feeds/node/parse-worker.ts',
} as const;

export type WorkerName = keyof typeof WORKER_ENTRIES;

export const WORKER_NAMES = Object.keys(WORKER_ENTRIES) as WorkerName[];

/** A worker's bundled file, relative to the directory of the bundled Electron main (out/main). */
export function bundledWorkerFile(name: WorkerName): string {
  return `workers/${name}.cjs`;
}

/** The bundler's inputs for the workers: output name (without extension) → source, for rollup. */
export function workerBundleInputs(root: string): Record<string, string> {
  return Object.fromEntries(WORKER_NAMES.map((n) => [bundledWorkerFile(n).replace(/\.cjs$/, ''), `${root}/${WORKER_ENTRIES[n]}`]));
}
