// Dev aid: profile one initial sync (desktop side) against a bench hub. Not a benchmark.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFeeds } from '../../src-main/seed/generate';
import { openStore, openConnection } from '../../src-main/db/store';
import { SyncClient } from '../../src-main/services/sync/client';
import { startBenchHub, importSeed } from './hub';

const work = mkdtempSync(join(tmpdir(), 'pronto-prof-'));
const hub = await startBenchHub({ engine: 'postgres', log: console.error });
try {
  const seeded = await generateFeeds({ outDir: join(work, 'feeds'), customers: Number(process.argv[2] ?? 20000), seed: 1 });
  await importSeed(hub.store, seeded, console.error);
  const store = openStore(join(work, 'desk'));
  const client = new SyncClient(openConnection(store), { hubUrl: hub.url, token: hub.token });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const rows = await client.pullAll();
  const cpu = process.cpuUsage(c0);
  console.error(`rows ${rows} wall ${((performance.now() - t0) / 1000).toFixed(1)} s, process cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
} finally {
  await hub.close();
  rmSync(work, { recursive: true, force: true });
}
