// Deterministic, realistic demo feeds: customers, products, purchases, accounts, credit (CSV).
// Same options ⇒ byte-identical files. 1M customers / 5M purchases take 20–36 s on 2 cores:
// per-customer state lives in typed arrays (tables.ts) handed from one feed to the next, in this
// order, because each feed draws from what the previous ones wrote. One file per feed; each has
// its own Rng stream, so a change in one feed leaves the others' bytes alone.
// CLI: node bin/run-ts.mjs src-main/seed/cli.ts OUTDIR [customers] [purchases] [seed] [anchor]
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeClock } from './clock';
import { writeCustomers } from './customers';
import { writeProducts } from './products';
import { writePurchases } from './purchases';
import { writeAccounts } from './accounts';
import { writeCredit } from './credit';

export { money } from './format';
export { csvField } from '../../src-shared/feeds/csv-quote';
export { customerId } from './customers';

export interface SeedOptions {
  outDir: string; // created if missing
  customers: number; // e.g. 10_000 or 1_000_000
  purchases?: number; // total purchase rows; default 5 * customers
  seed?: number; // default 1
  anchor?: string; // ISO date 'YYYY-MM-DD' = "today" of the data; default '2026-11-01'
  /** Optional progress lines ("purchases: 5000000 rows in 12.3 s"). */
  log?: (line: string) => void;
}
export interface SeedResult {
  files: { customers: string; products: string; purchases: string; accounts: string; credit: string };
  counts: { customers: number; products: number; purchases: number; accounts: number; credit: number };
}

export async function generateFeeds(opts: SeedOptions): Promise<SeedResult> {
  const customers = opts.customers;
  const purchases = opts.purchases ?? 5 * customers;
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(customers) || customers < 0) throw new Error(`customers must be a whole number ≥ 0, got ${customers}`);
  if (customers > 9_999_999) throw new Error('customers must be at most 9,999,999 (C0000001 ids)');
  if (!Number.isInteger(purchases) || purchases < 0) throw new Error(`purchases must be a whole number ≥ 0, got ${purchases}`);
  if (purchases > 999_999_999) throw new Error('purchases must be at most 999,999,999 (O000000001 ids)');
  if (!Number.isFinite(seed)) throw new Error(`seed must be a number, got ${seed}`);
  const clock = makeClock(opts.anchor ?? '2026-11-01');

  const outDir = resolve(opts.outDir);
  mkdirSync(outDir, { recursive: true });
  const files = {
    customers: join(outDir, 'customers.csv'),
    products: join(outDir, 'products.csv'),
    purchases: join(outDir, 'purchases.csv'),
    accounts: join(outDir, 'accounts.csv'),
    credit: join(outDir, 'credit.csv'),
  };
  const log = opts.log ?? ((): void => undefined);
  let t = performance.now();
  const lap = (what: string, rows: number): void => {
    const now = performance.now();
    log(`${what}: ${rows} rows in ${((now - t) / 1000).toFixed(1)} s`);
    t = now;
  };
  const products = await writeProducts(files.products);
  lap('products', products);
  const cust = await writeCustomers(files.customers, customers, seed, clock);
  lap('customers', customers);
  const pur = await writePurchases(files.purchases, cust, purchases, seed, clock, log);
  lap('purchases', purchases);
  const acc = await writeAccounts(files.accounts, cust, pur, seed, clock);
  lap('accounts', acc.rows);
  const credit = await writeCredit(files.credit, cust, pur, acc, seed, clock);
  lap('credit', credit);
  return { files, counts: { customers, products, purchases, accounts: acc.rows, credit } };
}
