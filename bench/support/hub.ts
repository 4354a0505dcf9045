// Bench helpers: a hub on a throwaway PostgreSQL (or PGlite), fed with seeded feeds, and an agent
// token that sees every region. Loopback only; everything stops in `close()`.
import type { FastifyInstance } from 'fastify';
import { buildHub } from '../../src-hub/http/app';
import { openStore as openHubStore, type Store as HubStore } from '../../src-hub/db/store';
import { startPostgres, type TestPostgres } from '../../src-hub/test/postgres';
import { importFeed } from '../../src-hub/feeds/import';
import { setTeam, addUser, issueToken } from '../../src-hub/admin';
import type { SeedResult } from '../../src-main/seed/generate';

export const ALL_REGIONS = ['Nord-Ovest', 'Nord-Est', 'Centro', 'Sud', 'Isole', 'DACH', 'France', 'Iberia', 'UK&I', 'Benelux', 'North America'];

export interface BenchHub {
  store: HubStore;
  app: FastifyInstance;
  url: string;
  token: string;
  close(): Promise<void>;
}

export async function startBenchHub(opts: { engine: 'postgres' | 'pglite'; log: (m: string) => void }): Promise<BenchHub> {
  let pg: TestPostgres | null = null;
  let store: HubStore;
  if (opts.engine === 'postgres') {
    pg = await startPostgres();
    store = await openHubStore({ databaseUrl: await pg.createDatabase(), poolSize: 20 });
  } else {
    store = await openHubStore({});
  }
  const app = await buildHub({ store, loginRateLimit: { max: 1_000_000, timeWindow: 60_000 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  await setTeam(store, 'Everyone', ALL_REGIONS);
  await addUser(store, { name: 'bench-agent', role: 'agent', team: 'Everyone', password: 'bench password 123' });
  const token = await issueToken(store, 'bench-agent');
  opts.log(`hub on ${opts.engine} at ${url}`);
  return {
    store, app, url, token,
    close: async () => {
      await app.close();
      await store.close();
      await pg?.stop();
    },
  };
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
