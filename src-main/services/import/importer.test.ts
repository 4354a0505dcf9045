import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, openConnection, type Store } from '../../db/store';
import { Importer } from './importer';
import { formatProblem } from '../../../src-shared/feeds/node/csv';
import { writeFixtures, tempDir } from '../../../test-support/desktop/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** `workerMinBytes: 1`: every file is parsed on the parse worker. */
function setup(parse?: { worker: boolean; workerMinBytes: number }) {
  const fx = writeFixtures();
  const t = tempDir();
  const store = openStore(t.dir);
  const conn = openConnection(store);
  cleanups.push(fx.cleanup, t.cleanup, () => store.close(), () => conn.close());
  return { fx, store, importer: new Importer(conn, parse) };
}
const ON_WORKER = { worker: true, workerMinBytes: 1 };

function dump(store: Store): string {
  const tables = ['customers', 'customer_phones', 'products', 'purchases', 'accounts', 'credit_terms'];
  return JSON.stringify(tables.map((t) => store.sqlite.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()));
}

async function run(importer: Importer, files: string[]) {
  const problems: string[] = [];
  const results = await importer.importFiles(files, { onProblem: (f, p) => problems.push(formatProblem(f, p)) });
  return { results, problems };
}

describe('feed import', () => {
  it('imports all five feeds in dependency order, whatever the argument order', async () => {
    const { fx, store, importer } = setup();
    const { results, problems } = await run(importer, [fx.files.credit, fx.files.purchases, fx.files.accounts, fx.files.customers, fx.files.products]);
    expect(problems).toEqual([]);
    expect(results.map((r) => r.kind)).toEqual(['products', 'customers', 'purchases', 'accounts', 'credit']);
    expect(results.every((r) => r.applied)).toBe(true);
    const q = (sql: string) => store.sqlite.prepare(sql).pluck().get();
    expect(q('SELECT count(*) FROM customers')).toBe(5);
    expect(q("SELECT group_concat(e164, ' ') FROM (SELECT e164 FROM customer_phones WHERE customer_id = 'C1' ORDER BY position)")).toBe('+393471234567 +390287654321');
    expect(q("SELECT e164 FROM customer_phones WHERE customer_id = 'C3'")).toBe('+49301234567');
    expect(q("SELECT e164 FROM customer_phones WHERE customer_id = 'C4'")).toBe('+12125550147');
    // money in minor units, instants normalised to UTC
    expect(q("SELECT balance_minor FROM accounts WHERE customer_id = 'C1'")).toBe(125050);
    expect(q("SELECT purchased_at FROM purchases WHERE order_id = 'O2'")).toBe('2024-05-01T06:30:00.000Z');
    expect(q("SELECT name FROM products WHERE sku = 'CAP-50'")).toBe('Capsules, 50 pack');
    expect(q("SELECT name FROM customers WHERE customer_id = 'C5'")).toBe('<img src=x onerror=alert(1)>');
  });

  it('is idempotent: re-importing the same files changes nothing', async () => {
    const { fx, store, importer } = setup();
    const all = Object.values(fx.files);
    await run(importer, all);
    const before = dump(store);
    const again = await run(importer, all);
    expect(again.problems).toEqual([]);
    expect(dump(store)).toBe(before);
    // one search row per customer: a re-imported customer's old row is replaced, not doubled
    expect(store.sqlite.prepare('SELECT count(*) FROM customer_search').pluck().get()).toBe(5);
  });

  it('upserts: a changed row replaces the old one, phones included', async () => {
    const { fx, store, importer } = setup();
    await run(importer, Object.values(fx.files));
    const f = join(fx.dir, 'customers-update.csv');
    writeFileSync(f, 'customer_id,name,company,email,segment,region,country,phones,created_at\nC3,Hans Müller,Müller Logistik GmbH,hans@mueller.de,enterprise,DACH,DE,mobile=0171 2345678,2019-06-01\n');
    const r = await run(importer, [f]);
    expect(r.problems).toEqual([]);
    expect(store.sqlite.prepare("SELECT e164, label FROM customer_phones WHERE customer_id = 'C3'").all()).toEqual([{ e164: '+491712345678', label: 'mobile' }]);
    const found = (q: string) => store.sqlite.prepare('SELECT customer_id FROM customer_search WHERE customer_search MATCH ?').pluck().all(q);
    expect(found('"491712345678"')).toEqual(['C3']);
    expect(found('"49301234567"')).toEqual([]);
  });

  it('rejects a whole file for one bad row, reports every problem as FILE:LINE: column: reason, and leaves the store unchanged', async () => {
    const { fx, store, importer } = setup();
    await run(importer, Object.values(fx.files));
    const before = dump(store);
    const bad = join(fx.dir, 'purchases.csv');
    writeFileSync(bad, `order_id,customer_id,sku,quantity,amount,currency,purchased_at
O10,C1,ESP-1,1,299.00,EUR,2026-01-01
O11,C99,ESP-1,1,299.00,EUR,2026-01-01
O12,C1,NOPE,1,1.00,EUR,2026-01-01
O13,C1,ESP-1,one,12.3.4,EUR,2026-02-30
O14,C1,ESP-1,1,299.00,EUR
"O15",C1,"ESP-1",1,299.00,EURO,2026-01-01
`);
    const { results, problems } = await run(importer, [bad]);
    expect(results[0]!.applied).toBe(false);
    expect(problems).toEqual([
      `${bad}:3: customer_id: unknown customer "C99"`,
      `${bad}:4: sku: unknown product "NOPE"`,
      `${bad}:5: quantity: "one" is not a whole number from 1 to 1000000`,
      `${bad}:5: amount: "12.3.4" is not a decimal amount (use 1234.56)`,
      `${bad}:5: purchased_at: "2026-02-30" is not an ISO 8601 date or date-time`,
      `${bad}:6: *: has 6 columns, the header has 7`,
      `${bad}:7: currency: "EURO" is not an ISO 4217 currency code`,
    ]);
    expect(dump(store)).toBe(before);
    expect(store.sqlite.prepare("SELECT count(*) FROM purchases WHERE order_id = 'O10'").pluck().get()).toBe(0);
  });

  it('a bulk load into empty tables rebuilds the deferred indexes; a rejected one restores them', async () => {
    const { fx, store, importer } = setup();
    const indexes = () => store.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('purchases_customer_time', 'customer_phones_e164') ORDER BY name").pluck().all();
    const bad = join(fx.dir, 'purchases-bad.csv');
    writeFileSync(bad, 'order_id,customer_id,sku,quantity,amount,currency,purchased_at\nO1,C404,ESP-1,1,1.00,EUR,2026-01-01\n');
    await run(importer, [fx.files.products, fx.files.customers, bad]);
    expect(indexes()).toEqual(['customer_phones_e164', 'purchases_customer_time']);
    expect(store.sqlite.prepare('SELECT count(*) FROM purchases').pluck().get()).toBe(0);
    await run(importer, [fx.files.purchases]);
    expect(indexes()).toEqual(['customer_phones_e164', 'purchases_customer_time']);
    const plan = store.sqlite.prepare("EXPLAIN QUERY PLAN SELECT * FROM purchases WHERE customer_id = 'C1' ORDER BY purchased_at DESC").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/purchases_customer_time/);
  });

  it('parses in a worker thread for big files, with the same result and the same problems in line order', async () => {
    const { fx, store, importer } = setup(ON_WORKER);
    const bad = join(fx.dir, 'purchases-w.csv');
    const lines = ['order_id,customer_id,sku,quantity,amount,currency,purchased_at'];
    for (let i = 0; i < 12000; i++) lines.push(`W${i},C${(i % 3) + 1},ESP-1,1,299.00,EUR,2026-01-01T00:00:00Z`);
    lines[7001] = 'W7000,C404,ESP-1,1,299.00,EUR,2026-01-01';
    lines[7002] = 'W7001,C1,ESP-1,x,299.00,EUR,2026-01-01';
    writeFileSync(bad, lines.join('\n') + '\n');
    await run(importer, [fx.files.products, fx.files.customers]);
    const r1 = await run(importer, [bad]);
    expect(r1.problems).toEqual([
      `${bad}:7002: customer_id: unknown customer "C404"`,
      `${bad}:7003: quantity: "x" is not a whole number from 1 to 1000000`,
    ]);
    expect(store.sqlite.prepare('SELECT count(*) FROM purchases').pluck().get()).toBe(0);
    lines[7001] = 'W7000,C1,ESP-1,1,299.00,EUR,2026-01-01';
    lines[7002] = 'W7001,C1,ESP-1,1,299.00,EUR,2026-01-01';
    writeFileSync(bad, lines.join('\n') + '\n');
    const r2 = await run(importer, [bad]);
    expect(r2.problems).toEqual([]);
    expect(r2.results[0]).toMatchObject({ applied: true, rows: 12000 });
    expect(store.sqlite.prepare('SELECT count(*) FROM purchases').pluck().get()).toBe(12000);
  });

  it('indexes the phones of customers parsed in a worker thread for search, as in-thread', async () => {
    const searchPhones = (store: Store): unknown[] =>
      store.sqlite.prepare('SELECT rowid, phones FROM customer_search ORDER BY rowid').all();
    const inThread = setup();
    await run(inThread.importer, [inThread.fx.files.customers]);
    const worker = setup(ON_WORKER);
    const { results, problems } = await run(worker.importer, [worker.fx.files.customers]);
    expect(problems).toEqual([]);
    expect(results[0]).toMatchObject({ applied: true });
    expect(searchPhones(worker.store)).toEqual(searchPhones(inThread.store));
    // National digits as an agent types them find the customer.
    const hit = worker.store.sqlite.prepare(`SELECT c.customer_id FROM customer_search s JOIN customers c ON c.id = s.rowid
      WHERE customer_search MATCH '"3471234567"'`).pluck().all();
    expect(hit).toEqual(['C1']);
  });

  it('reports bad customers: unparseable number, bad country, duplicate id, with correct lines across quoted newlines', async () => {
    const { fx, store, importer } = setup();
    const before = dump(store);
    const f = join(fx.dir, 'customers.csv');
    writeFileSync(f, `customer_id,name,company,email,segment,region,country,phones,created_at
C1,"Mario
Rossi",,m@x.it,smb,Nord-Ovest,IT,02 8765 4321,2020-01-01
C2,Anna,,not-an-email,smb,Centro,IT,call me,2020-01-01
C3,Otto,,o@x.de,smb,DACH,XX,030 1234567,2020-01-01
C1,Again,,a@x.it,smb,Centro,IT,06 1234 5678,2020-01-01
`);
    const { problems } = await run(importer, [f]);
    expect(problems).toEqual([
      `${f}:4: email: "not-an-email" is not an e-mail address`,
      `${f}:4: phones: "call me" is not a valid phone number for IT`,
      `${f}:5: country: "XX" is not an ISO 3166 alpha-2 country`,
      `${f}:6: customer_id: "C1" appears again (first on line 2)`,
    ]);
    expect(dump(store)).toBe(before);
  });

  it('rejects a file with a missing header column and an unknown file kind', async () => {
    const { fx, importer } = setup();
    const f = join(fx.dir, 'accounts.csv');
    writeFileSync(f, 'customer_id,balance,currency\nC1,1,EUR\n');
    const g = join(fx.dir, 'orders.csv');
    writeFileSync(g, 'x\n1\n');
    const { results, problems } = await run(importer, [f, g]);
    expect(results.every((r) => !r.applied)).toBe(true);
    expect(problems[0]).toMatch(/orders\.csv:0: \*: cannot tell the feed/);
    expect(problems[1]).toBe(`${f}:1: overdue_amount,oldest_due_date,last_payment_at,last_payment_amount: missing from the header (expected customer_id,balance,currency,overdue_amount,oldest_due_date,last_payment_at,last_payment_amount)`);
  });

  it('requires a due date when something is overdue, and a known credit status', async () => {
    const { fx, importer } = setup();
    await run(importer, [fx.files.products, fx.files.customers]);
    const a = join(fx.dir, 'accounts.csv');
    writeFileSync(a, 'customer_id,balance,currency,overdue_amount,oldest_due_date,last_payment_at,last_payment_amount\nC1,10,EUR,5,,,\n');
    const c = join(fx.dir, 'credit.csv');
    writeFileSync(c, 'customer_id,credit_limit,currency,payment_terms,status,risk_class,reviewed_at\nC1,10,EUR,30 days,frozen,A,\n');
    const { problems } = await run(importer, [a, c]);
    expect(problems).toEqual([
      `${a}:2: oldest_due_date: is empty but overdue_amount is above zero`,
      `${c}:2: status: "frozen" is not one of ok|watch|hold|blocked`,
    ]);
  });
});
