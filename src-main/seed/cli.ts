// Writes the demo feeds: node bin/run-ts.mjs src-main/seed/cli.ts OUTDIR [customers] [purchases] [seed] [anchor]
import { statSync } from 'node:fs';
import { generateFeeds } from './generate';

const [outDir, customers = '10000', purchases, seed = '1', anchor = '2026-11-01'] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: run-ts.mjs src-main/seed/cli.ts OUTDIR [customers] [purchases] [seed] [anchor]');
  process.exit(2);
}
const t0 = performance.now();
const res = await generateFeeds({
  outDir,
  customers: Number(customers),
  purchases: purchases === undefined || purchases === '' ? undefined : Number(purchases),
  seed: Number(seed),
  anchor,
  log: (line) => console.log(line),
});
const secs = (performance.now() - t0) / 1000;
for (const [kind, file] of Object.entries(res.files)) {
  const n = res.counts[kind as keyof typeof res.counts];
  console.log(`${kind.padEnd(10)} ${String(n).padStart(10)} rows ${(statSync(file).size / 1e6).toFixed(1).padStart(8)} MB  ${file}`);
}
console.log(`done in ${secs.toFixed(1)} s`);
