// npm run bench:import-floor -- --customers 1000000 [--purchases N]
// What an import of these feeds into this schema costs at the least on this machine, in two
// parts measured apart: parsing and validating every row (in this thread, nothing sent across),
// and the SQLite writer's own work with every row already in memory (the importer's writes,
// index rebuilds and commit exactly as it does them). SQLite has one writer, so
// `writer_rows_per_s` bounds any import however parsing is spread; on `cores` cores no import
// can beat `cpu_floor_rows_per_s` either (all the work of both parts, perfectly overlapped).
// Prints one JSON line last.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateFeeds } from '../src-main/seed/generate';
import { openStore, openConnection } from '../src-main/db/store';
import { makeWriters } from '../src-main/services/import/writers';
import { BULK_INDEXES } from '../src-main/services/import/importer';
import { dropIndexes, restoreIndexes } from '../src-main/db/queries/indexes';
import { readFeed, type FeedRecord } from '../src-shared/feeds/node/csv';
import { FEED_ORDER, type FeedKind } from '../src-shared/feeds/spec';
import { customerSearchPhones } from '../src-shared/phone/normalize';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    purchases: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});
const customers = Number(values.customers);
const purchases = values.purchases ? Number(values.purchases) : customers * 5;
const log = (m: string): void => console.error(`[bench:import-floor] ${m}`);
const secs = (ms: number): number => Math.round(ms / 10) / 100;
const BATCH = 5000;

const work = mkdtempSync(join(tmpdir(), 'pronto-bench-floor-'));
try {
  const seeded = await generateFeeds({ outDir: join(work, 'feeds'), customers, purchases, seed: Number(values.seed) });
  const store = openStore(join(work, 'store'));
  const conn = openConnection(store);
  const writers = makeWriters(conn);
  const files: Record<string, { rows: number; parse_s: number; write_s: number; index_s: number; commit_s: number }> = {};
  let rows = 0;
  let writerMs = 0;
  let parseMs = 0;
  for (const kind of FEED_ORDER) {
    // Parse timed on its own, keeping nothing (as the import's worker, which hands batches on),
    // with the customers' phone search text it computes; then parsed again, kept, and written.
    const searchText = (b: FeedRecord<FeedKind>[]): void => {
      if (kind !== 'customers') return;
      for (const { row } of b as FeedRecord<'customers'>[]) row.searchPhones = customerSearchPhones(row);
    };
    const fail = (p: { line: number; column: string; reason: string }): never => {
      throw new Error(`${kind}:${p.line}: ${p.column}: ${p.reason}`);
    };
    let t = performance.now();
    await readFeed(kind, seeded.files[kind], { batchSize: BATCH, onProblem: fail, onBatch: searchText });
    const parsedMs = performance.now() - t;
    const batches: FeedRecord<FeedKind>[][] = [];
    let n = 0;
    await readFeed(kind, seeded.files[kind], {
      batchSize: BATCH,
      onProblem: fail,
      onBatch: (b) => { searchText(b); batches.push(b); n += b.length; },
    });
    const write = writers[kind] as (r: FeedRecord<FeedKind>[]) => void;
    t = performance.now();
    conn.exec('BEGIN IMMEDIATE');
    const bulk = BULK_INDEXES[kind];
    const deferred = bulk ? dropIndexes(conn, bulk.indexes) : [];
    for (const b of batches) write(b);
    const writeMs = performance.now() - t;
    t = performance.now();
    restoreIndexes(conn, deferred);
    const indexMs = performance.now() - t;
    t = performance.now();
    conn.exec('COMMIT');
    const commitMs = performance.now() - t;
    files[kind] = { rows: n, parse_s: secs(parsedMs), write_s: secs(writeMs), index_s: secs(indexMs), commit_s: secs(commitMs) };
    log(`${kind}: ${n} rows, parse ${secs(parsedMs)} s, write ${secs(writeMs)} s, indexes ${secs(indexMs)} s, commit ${secs(commitMs)} s`);
    rows += n;
    writerMs += writeMs + indexMs + commitMs;
    parseMs += parsedMs;
    batches.length = 0;
  }
  conn.close();
  store.close();
  console.log(JSON.stringify({
    bench: 'import_floor',
    customers,
    purchases,
    rows,
    writer_s: secs(writerMs),
    writer_rows_per_s: Math.round(rows / (writerMs / 1000)),
    parse_s: secs(parseMs),
    cores: availableParallelism(),
    cpu_floor_rows_per_s: Math.round(rows / Math.max(writerMs / 1000, (writerMs + parseMs) / 1000 / availableParallelism())),
    files,
  }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
