// Bench helpers: a hub on a throwaway PostgreSQL (or PGlite), fed with seeded feeds, and an agent
// token that sees every region. Loopback only; everything stops in `close()`.
//
// On PostgreSQL the hub serves from its own process (`pronto-hub serve`), as in production: the
// desktop being measured then has this process to itself instead of sharing one event loop and
// one core with the hub it pulls from. PGlite is single-process, so its hub stays in here.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildHub } from '../../src-hub/http/app';
import { openStore as openHubStore, type Store as HubStore } from '../../src-hub/db/store';
import { startPostgres, type TestPostgres } from '../../test-support/hub/postgres';
import { importFeed } from '../../src-hub/feeds/import';
import { setTeam, addUser, issueToken } from '../../src-hub/admin';
import type { SeedResult } from '../../src-main/seed/generate';

export const ALL_REGIONS = ['Nord-Ovest', 'Nord-Est', 'Centro', 'Sud', 'Isole', 'DACH', 'France', 'Iberia', 'UK&I', 'Benelux', 'North America'];

export interface BenchHub {
  store: HubStore;
  url: string;
  token: string;
  close(): Promise<void>;
}

export async function startBenchHub(opts: { engine: 'postgres' | 'pglite'; log: (m: string) => void; snapshotDir?: string }): Promise<BenchHub> {
  let pg: TestPostgres | null = null;
  let store: HubStore;
  let databaseUrl: string | null = null;
  if (opts.engine === 'postgres') {
    pg = await startPostgres();
    databaseUrl = await pg.createDatabase();
    store = await openHubStore({ databaseUrl, poolSize: 20 });
  } else {
    store = await openHubStore({});
  }
  let stopServer: () => Promise<void>;
  let url: string;
  if (databaseUrl) {
    const child = await startHubProcess(databaseUrl, opts.snapshotDir);
    url = child.url;
    stopServer = () => stopProcess(child.child);
  } else {
    const app = await buildHub({ store, loginRateLimit: { max: 1_000_000, timeWindow: 60_000 }, snapshotDir: opts.snapshotDir });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    stopServer = () => app.close();
  }
  await setTeam(store, 'Everyone', ALL_REGIONS);
  await addUser(store, { name: 'bench-agent', role: 'agent', team: 'Everyone', password: 'bench password 123' });
  const token = await issueToken(store, 'bench-agent');
  opts.log(`hub on ${opts.engine} at ${url}${databaseUrl ? ' (own process)' : ''}`);
  return {
    store, url, token,
    close: async () => {
      await stopServer();
      await store.close();
      await pg?.stop();
    },
  };
}

/** `pronto-hub serve` on a random loopback port; resolves with its URL once it listens. */
export function startHubProcess(databaseUrl: string, snapshotDir?: string): Promise<{ child: ChildProcess; url: string }> {
  const bin = fileURLToPath(new URL('../../bin/pronto-hub.mjs', import.meta.url));
  // PRONTO_BENCH_HUB_NODE_ARGS: extra node flags for the hub, e.g. "--cpu-prof --cpu-prof-dir=DIR" to profile it
  const nodeArgs = (process.env.PRONTO_BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const snap = snapshotDir ? ['--snapshot-dir', snapshotDir] : [];
  // No automatic snapshot builds: a bench that wants one builds it itself and times it apart.
  const env = { ...process.env, PRONTO_HUB_SNAPSHOTS: '0' };
  const child = spawn(process.execPath, [...nodeArgs, bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--database-url', databaseUrl, ...snap], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /Pronto hub: (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!.replace(/\/$/, '') });
    });
    child.once('exit', (code) => reject(new Error(`hub exited (${code}): ${err.slice(-2000)}`)));
  });
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(t);
}

export async function importSeed(store: HubStore, seeded: SeedResult, log: (m: string) => void): Promise<number> {
  let rows = 0;
  for (const kind of ['products', 'customers', 'purchases', 'accounts', 'credit'] as const) {
    const t = performance.now();
    const r = await importFeed(store, kind, seeded.files[kind], { file: `${kind}.csv`, full: false });
    if (!r.ok) throw new Error(`hub import ${kind}: ${r.problems.slice(0, 5).join('\n')}`);
    rows += seeded.counts[kind];
    log(`hub import ${kind}: ${seeded.counts[kind]} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  return rows;
}
