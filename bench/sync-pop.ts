// npm run bench:sync-pop [-- --customers 200000] [--thread 0] [--via snapshot|stream]
// The pop while the app syncs: a web host (`pronto serve`) makes its initial sync from a hub on
// PostgreSQL while this bench offers it a call every 20 ms (`incomingCall`: the caller's lookup
// and the call's record, known customers' numbers as dialled). Answered late means popped late. `--thread 0` runs the
// sync on the host's own thread, as before the sync thread, for comparison. `--via snapshot`
// (default): the hub built its team snapshot first and the desktop starts from it; `stream`: the
// change stream alone. One JSON line last.
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateFeeds } from '../src-main/seed/generate';
import { openStore } from '../src-main/db/store';
import { Importer } from '../src-main/services/import/importer';
import { startBenchHub, importSeed } from './support/hub';
import { buildSnapshots } from '../src-hub/sync/snapshot';
import { pickNumbers } from './support/numbers';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '200000' },
    thread: { type: 'string', default: '1' },
    'every-ms': { type: 'string', default: '20' },
    via: { type: 'string', default: 'snapshot' },
  },
});
const customers = Number(values.customers);
const everyMs = Number(values['every-ms']);
const log = (m: string): void => console.error(`[bench:sync-pop] ${m}`);
const work = mkdtempSync(join(tmpdir(), 'pronto-bench-sync-pop-'));
if (values.via !== 'snapshot' && values.via !== 'stream') throw new Error(`--via must be snapshot or stream (got ${values.via})`);
const snapshotDir = join(work, 'hub-snapshots');
const hub = await startBenchHub({ engine: 'postgres', log, snapshotDir });
try {
  const seeded = await generateFeeds({ outDir: join(work, 'feeds'), customers, seed: 4 });
  await importSeed(hub.store, seeded, log);
  if (values.via === 'snapshot') await buildSnapshots(hub.store, snapshotDir, { team: 'Everyone', all: false, log });
  // The numbers to dial, read from a store of the same feeds (the desktop starts empty).
  const ref = openStore(join(work, 'ref'));
  await new Importer(ref.sqlite).importFiles([seeded.files.products, seeded.files.customers]);
  ref.close();
  const numbers = pickNumbers(join(work, 'ref'), 'IT', 5000);

  const port = 5400 + Math.floor(Math.random() * 500);
  const env = {
    ...process.env, PRONTO_HUB_URL: hub.url, PRONTO_HUB_TOKEN: hub.token, PRONTO_SYNC_THREAD: values.thread === '0' ? '0' : '1',
    PRONTO_SYNC_SNAPSHOT: values.via === 'snapshot' ? '1' : '0',
    PRONTO_WEB_KEY: randomBytes(32).toString('base64url'), // the web host refuses calls without its key
  };
  const host = spawn(process.execPath, ['bin/pronto.mjs', 'serve', '--data-dir', join(work, 'desk'), '--port', String(port)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let hostLog = '';
  host.stderr.on('data', (d: Buffer) => (hostLog += d.toString()));
  const api = async (method: string, input: unknown): Promise<unknown> => {
    const r = await fetch(`http://127.0.0.1:${port}/api/${method}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-pronto-client': 'bench', 'x-pronto-key': env.PRONTO_WEB_KEY }, body: JSON.stringify(input),
    });
    const body = (await r.json()) as { ok: boolean; result?: unknown; error?: { message: string } };
    if (!body.ok) throw new Error(`${method}: ${body.error?.message ?? `HTTP ${r.status}`}`);
    return body.result;
  };
  for (let i = 0; ; i++) {
    try {
      await api('status', {});
      break;
    } catch (err) {
      if (i > 300) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  log(`web host on ${port}, sync ${values.thread === '0' ? 'on the host thread' : 'on its own thread'}; dialling every ${everyMs} ms until the sync is done…`);
  const lat: number[] = [];
  let found = 0;
  const t0 = Date.now();
  let syncS = 0;
  let sawProgress = false;
  for (let i = 0; ; i++) {
    const s = performance.now();
    // as the softphone does when an INVITE arrives: look the caller up and record the call
    const r = (await api('incomingCall', { callId: `bench-${i}`, identity: numbers[i % numbers.length], line: '600' })) as { match: string };
    lat.push(performance.now() - s);
    if (r.match === 'single') found++;
    if (i % 10 === 0) {
      // done when the pull that reported progress has ended (after its deferred index build)
      const st = (await api('syncStatus', {})) as { progress: unknown; error: string | null };
      if (st.error) throw new Error(`sync: ${st.error}`);
      if (st.progress !== null) sawProgress = true;
      else if (sawProgress) {
        syncS = (Date.now() - t0) / 1000;
        break;
      }
    }
    if (Date.now() - t0 > 20 * 60_000) throw new Error('sync did not finish in 20 min');
    await new Promise((r) => setTimeout(r, everyMs));
  }
  host.kill('SIGTERM');
  await new Promise((r) => host.once('exit', r));
  // every call offered must be in the call history, written once the sync let go of the lock
  const desk = openStore(join(work, 'desk'));
  const recorded = desk.sqlite.prepare("SELECT count(*) FROM calls WHERE call_id LIKE 'bench-%'").pluck().get() as number;
  desk.close();
  lat.sort((a, b) => a - b);
  const pct = (p: number): number => Math.round(lat[Math.min(lat.length - 1, Math.floor(lat.length * p))]! * 10) / 10;
  log(`${lat.length} calls during a ${syncS.toFixed(1)} s initial sync, ${found} found a customer, ${recorded} recorded; over 100 ms: ${lat.filter((x) => x > 100).length}`);
  console.log(JSON.stringify({
    bench: 'sync_pop', customers, thread: values.thread !== '0', via: values.via, calls: lat.length, found, recorded,
    p50_ms: pct(0.5), p99_ms: pct(0.99), max_ms: pct(1), sync_s: Math.round(syncS * 10) / 10,
  }));
} finally {
  await hub.close();
  rmSync(work, { recursive: true, force: true });
}
