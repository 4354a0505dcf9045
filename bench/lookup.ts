// npm run bench:lookup -- --customers 1000000 --purchases 5000000
// Seeds demo feeds, imports them into a fresh store, then times full pop assembly against the
// bare indexed phone lookup on the same numbers. Prints one JSON line last.
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateFeeds } from '../src-main/seed/generate';
import { openStore, openConnection } from '../src-main/db/store';
import { Importer } from '../src-main/services/import/importer';
import { LookupService } from '../src-main/services/lookup';
import { preparePopQueries } from '../src-main/db/queries/pop';
import { formatProblem } from '../src-shared/feeds/node/csv';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    purchases: { type: 'string' },
    lookups: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
});
const customers = Number(values.customers);
const purchases = values.purchases ? Number(values.purchases) : customers * 5;
const lookups = Number(values.lookups);
const log = (m: string): void => console.error(`[bench:lookup] ${m}`);

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const round = (n: number, d = 4): number => Math.round(n * 10 ** d) / 10 ** d;

const work = mkdtempSync(join(tmpdir(), 'pronto-bench-lookup-'));
try {
  let t = performance.now();
  const seeded = await generateFeeds({ outDir: join(work, 'feeds'), customers, purchases, seed: Number(values.seed) });
  log(`seeded ${customers} customers / ${purchases} purchases in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const store = openStore(join(work, 'store'));
  const conn = openConnection(store);
  t = performance.now();
  const results = await new Importer(conn).importFiles(Object.values(seeded.files), {
    onProblem: (f, p) => log(formatProblem(f, p)),
  });
  const importS = (performance.now() - t) / 1000;
  conn.close();
  if (!results.every((r) => r.applied)) throw new Error('import failed');
  const rows = results.reduce((s, r) => s + r.rows, 0);
  for (const r of results) log(`import ${r.kind}: ${r.rows} rows in ${(r.ms / 1000).toFixed(1)} s (${Math.round(r.rows / (r.ms / 1000))}/s)`);
  store.sqlite.exec('ANALYZE');

  // Numbers that belong to exactly one customer, spread over the whole store.
  const numbers = store.sqlite.prepare(`
    SELECT e164 FROM customer_phones GROUP BY e164 HAVING count(*) = 1
    ORDER BY (rowid * 2654435761) % 4294967296 LIMIT ?`).pluck().all(lookups) as string[];
  const lookup = new LookupService(store.sqlite, 'IT');
  const bare = preparePopQueries(store.sqlite).customerIdsByPhone;

  for (const n of numbers.slice(0, 5000)) { lookup.lookup(n); bare.all(n); }
  const full: number[] = new Array(numbers.length);
  const bareT: number[] = new Array(numbers.length);
  let singles = 0;
  for (let i = 0; i < numbers.length; i++) {
    const n = numbers[i]!;
    let s = performance.now();
    bare.all(n);
    bareT[i] = performance.now() - s;
    s = performance.now();
    const r = lookup.lookup(n);
    full[i] = performance.now() - s;
    if (r.match === 'single' && r.pop) singles++;
  }
  if (singles !== numbers.length) throw new Error(`${numbers.length - singles} lookups were not single`);
  // The same numbers as an agent types them (national format): pays the numbering-plan parse.
  const national = numbers.slice(0, 10000).map((n) => (n.startsWith('+39') ? n.slice(3) : n));
  const nat: number[] = [];
  for (const n of national) {
    const s = performance.now();
    lookup.lookup(n);
    nat.push(performance.now() - s);
  }
  full.sort((a, b) => a - b);
  bareT.sort((a, b) => a - b);
  nat.sort((a, b) => a - b);
  const dbBytes = ['', '-wal'].map((s) => store.file + s).filter(existsSync).reduce((a, f) => a + statSync(f).size, 0);
  store.close();
  const out = {
    bench: 'lookup',
    customers,
    purchases,
    import_rows_per_s: Math.round(rows / importS),
    p50_ms: round(pct(full, 0.5)),
    p99_ms: round(pct(full, 0.99)),
    bare_p99_ms: round(pct(bareT, 0.99)),
    db_mb: Math.round(dbBytes / 1048576),
    lookups: numbers.length,
    bare_p50_ms: round(pct(bareT, 0.5)),
    national_format_p99_ms: round(pct(nat, 0.99)),
    import_s: round(importS, 1),
    import_rows: rows,
  };
  console.log(JSON.stringify(out));
} finally {
  if (!values.keep) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}
