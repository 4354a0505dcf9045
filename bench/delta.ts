// npm run bench:delta [-- --changes 200]: a hub commit → the row visible in a connected desktop's
// store (live poke → pull → apply), p50/p99 over N changes. Prints one JSON line last.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { generateFeeds } from '../src-main/seed/generate';
import { openStore, openConnection } from '../src-main/db/store';
import { SyncClient } from '../src-main/services/sync/client';
import { importFeed } from '../src-hub/feeds/import';
import { startBenchHub, importSeed } from './support/hub';

const { values } = parseArgs({ options: { changes: { type: 'string', default: '200' }, customers: { type: 'string', default: '5000' }, engine: { type: 'string', default: 'postgres' } } });
const n = Number(values.changes);
const log = (m: string): void => console.error(`[bench:delta] ${m}`);
const work = mkdtempSync(join(tmpdir(), 'pronto-bench-delta-'));
const hub = await startBenchHub({ engine: values.engine === 'pglite' ? 'pglite' : 'postgres', log });
try {
  const seeded = await generateFeeds({ outDir: join(work, 'feeds'), customers: Number(values.customers), seed: 2 });
  await importSeed(hub.store, seeded, log);
  const store = openStore(join(work, 'desk'));
  const conn = openConnection(store);
  const client = new SyncClient(conn, { hubUrl: hub.url, token: hub.token, pollMs: 60_000, downPollMs: 60_000 });
  await client.pullAll();
  client.start();
  for (let i = 0; i < 100 && !client.status().live; i++) await new Promise((r) => setTimeout(r, 50));
  if (!client.status().live) throw new Error('live socket did not connect');
  const reader = new Database(store.file, { readonly: true });
  const balanceOf = reader.prepare('SELECT balance_minor FROM accounts WHERE customer_id = ?').pluck();
  const ids = reader.prepare('SELECT customer_id FROM accounts ORDER BY customer_id LIMIT ?').pluck().all(n) as string[];
  const lat: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const balance = 100000 + i; // minor units: a value nobody has yet
    const csv = `customer_id,balance,currency,overdue_amount,oldest_due_date,last_payment_at,last_payment_amount\n${id},${(balance / 100).toFixed(2)},EUR,0,,,\n`;
    const t0 = performance.now();
    const r = await importFeed(hub.store, 'accounts', Buffer.from(csv), { file: 'accounts.csv', full: false });
    if (!r.ok) throw new Error(r.problems.join('\n'));
    const deadline = t0 + 10_000;
    while (balanceOf.get(id) !== balance) {
      if (performance.now() > deadline) throw new Error(`change ${i} not visible after 10 s`);
      await new Promise((res) => setImmediate(res));
    }
    lat.push(performance.now() - t0);
  }
  reader.close();
  await client.stop();
  conn.close();
  store.close();
  lat.sort((a, b) => a - b);
  const pct = (p: number): number => Math.round(lat[Math.min(lat.length - 1, Math.floor(lat.length * p))]! * 10) / 10;
  console.log(JSON.stringify({ bench: 'delta', changes: lat.length, p50_ms: pct(0.5), p99_ms: pct(0.99), max_ms: pct(1), engine: values.engine }));
} finally {
  await hub.close();
  rmSync(work, { recursive: true, force: true });
}
