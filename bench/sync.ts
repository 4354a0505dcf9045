// npm run bench:sync -- --customers 1000000 --purchases 5000000 [--engine postgres|pglite] [--via snapshot|stream]
// Initial sync hub → empty desktop over real HTTP on loopback, then a second desktop whose sync
// process is killed -9 halfway and resumed: must end identical. Prints one JSON line last.
// --via snapshot (default): the hub first builds its team snapshot, as `pronto-hub snapshot build`
// does after the nightly feeds (timed apart: snapshot_build_s), and the desktop starts from it.
// --via stream: no snapshot, the change stream alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateFeeds } from '../src-main/seed/generate';
import { openStore, openConnection } from '../src-main/db/store';
import { SyncClient } from '../src-main/services/sync/client';
import { startBenchHub, importSeed } from './support/hub';
import { buildSnapshots } from '../src-hub/sync/snapshot';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    purchases: { type: 'string' },
    engine: { type: 'string', default: 'postgres' },
    'page-size': { type: 'string', default: '50000' },
    via: { type: 'string', default: 'snapshot' },
  },
});
const customers = Number(values.customers);
const purchases = values.purchases ? Number(values.purchases) : customers * 5;
const log = (m: string): void => console.error(`[bench:sync] ${m}`);
const work = mkdtempSync(join(tmpdir(), 'pronto-bench-sync-'));
if (values.via !== 'snapshot' && values.via !== 'stream') throw new Error(`--via must be snapshot or stream (got ${values.via})`);
const via = values.via;
const snapshotDir = join(work, 'hub-snapshots');
const hub = await startBenchHub({ engine: values.engine === 'pglite' ? 'pglite' : 'postgres', log, snapshotDir });
try {
  const seeded = await generateFeeds({ outDir: join(work, 'feeds'), customers, purchases, seed: 1 });
  await importSeed(hub.store, seeded, log);
  let snapshot: { build_s: number; mb: number } | null = null;
  if (via === 'snapshot') {
    const t = performance.now();
    const [m] = await buildSnapshots(hub.store, snapshotDir, { team: 'Everyone', all: false, log });
    snapshot = { build_s: Math.round((performance.now() - t) / 100) / 10, mb: Math.round(m!.bytes / 1e5) / 10 };
  }

  const store = openStore(join(work, 'desk-a'));
  const conn = openConnection(store);
  const client = new SyncClient(conn, { hubUrl: hub.url, token: hub.token, pageSize: Number(values['page-size']), tuning: { syncSnapshot: via === 'snapshot' }, log });
  const t0 = performance.now();
  const rows = await client.pullAll();
  const seconds = (performance.now() - t0) / 1000;
  log(`initial sync: ${rows} change rows in ${seconds.toFixed(1)} s`);
  const fingerprint = (s: ReturnType<typeof openStore>): string => JSON.stringify(s.sqlite.prepare(`SELECT
      (SELECT count(*) FROM customers), (SELECT count(*) FROM customer_phones), (SELECT count(*) FROM purchases),
      (SELECT sum(amount_minor) FROM purchases), (SELECT count(*) FROM accounts), (SELECT sum(balance_minor) FROM accounts),
      (SELECT count(*) FROM credit_terms), (SELECT count(*) FROM products), (SELECT value FROM meta WHERE key = 'sync_cursor')`).raw().get());
  const expected = fingerprint(store);
  conn.close();
  store.close();

  // Resume: kill -9 the sync process about halfway, run it again, compare.
  const dirB = join(work, 'desk-b');
  const run = (killMs: number | null) => new Promise<boolean>((resolve, reject) => {
    const env = { ...process.env, PRONTO_SYNC_SNAPSHOT: via === 'snapshot' ? '1' : '0' };
    const child = spawn(process.execPath, ['bin/pronto.mjs', 'sync', '--data-dir', dirB, '--hub', hub.url, '--token', hub.token, '--once', '--page-size', values['page-size']!], { stdio: ['ignore', 'ignore', 'ignore'], env });
    const t = killMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killMs);
    child.on('exit', (code, signal) => {
      if (t) clearTimeout(t);
      if (signal === 'SIGKILL') resolve(false);
      else if (code === 0) resolve(true);
      else reject(new Error(`sync exited ${code}`));
    });
  });
  const killed = !(await run(Math.max(500, Math.round(seconds * 500))));
  await run(null);
  const b = openStore(dirB);
  const resumeOk = killed && fingerprint(b) === expected && b.sqlite.pragma('integrity_check', { simple: true }) === 'ok';
  if (!resumeOk) log(`resume check: killed=${killed} expected=${expected} got=${fingerprint(b)}`);
  b.close();
  console.log(JSON.stringify({ bench: 'sync', rows, seconds: Math.round(seconds * 10) / 10, rows_per_s: Math.round(rows / seconds), resume_ok: resumeOk, customers, purchases, engine: values.engine, via, ...(snapshot ? { snapshot_build_s: snapshot.build_s, snapshot_mb: snapshot.mb } : {}) }));
} finally {
  await hub.close();
  rmSync(work, { recursive: true, force: true });
}
