// The pronto-hub command line: in-process against PostgreSQL (fast), plus the real bin on a
// PGlite data dir.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './cli';
import { PRODUCTS, csv, customer, purchase, startPostgres } from '../test-support/hub/helpers';
import type { TestPostgres } from '../test-support/hub/postgres';

let pg: TestPostgres;
let url: string;
let dir: string;
beforeAll(async () => {
  pg = await startPostgres();
  url = await pg.createDatabase();
  dir = mkdtempSync(join(tmpdir(), 'pronto-hub-cli-'));
}, 120_000);
afterAll(async () => {
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out, err };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('pronto-hub (in process, PostgreSQL)', () => {
  it('team set, user add (generated password), token', async () => {
    const db = ['--database-url', url];
    expect(await run(['team', 'set', '--name', 'North', '--regions', 'Nord-Ovest, Nord-Est', ...db])).toMatchObject({ code: 0, out: ['team North: Nord-Ovest, Nord-Est'] });
    const add = await run(['user', 'add', '--name', 'nina', '--role', 'agent', '--team', 'North', ...db]);
    expect(add.code).toBe(0);
    expect(add.out[0]).toBe('user nina (agent, team North) added');
    expect(add.out[1]).toMatch(/^password: [A-Za-z0-9_-]{24}$/);
    const given = await run(['user', 'add', '--name', 'ada', '--role', 'admin', '--password', 'long enough pw', ...db]);
    expect(given.out).toEqual(['user ada (admin) added']); // not echoed when given
    expect(await run(['user', 'add', '--name', 'nina', '--role', 'agent', ...db])).toMatchObject({ code: 1, err: ['pronto-hub: user "nina" already exists'] });
    expect((await run(['user', 'add', '--name', 'x', '--role', 'agent', '--team', 'Nowhere', ...db])).err[0]).toMatch(/team "Nowhere" does not exist/);
    expect((await run(['user', 'add', '--name', 'x', '--role', 'boss', ...db])).err[0]).toMatch(/role "boss" must be/);
    const tok = await run(['token', 'nina', ...db]);
    expect(tok.code).toBe(0);
    expect(tok.out[0]).toMatch(/^pht_[A-Za-z0-9_-]{43}$/);
    expect((await run(['token', 'ghost', ...db])).code).toBe(1);
  });

  it('user add --extension, user set NAME --extension, queue set/list, break-reasons set/list', async () => {
    const db = ['--database-url', url];
    await run(['team', 'set', '--name', 'sales', '--regions', 'Nord-Ovest', ...db]);
    expect((await run(['user', 'add', '--name', 'ext1', '--role', 'agent', '--team', 'sales', '--extension', '1001', ...db])).out[0])
      .toBe('user ext1 (agent, team sales, extension 1001) added');
    expect((await run(['user', 'add', '--name', 'ext2', '--role', 'agent', '--extension', '1001', ...db])).err[0]).toMatch(/extension 1001 already belongs/);
    await run(['user', 'add', '--name', 'ext2', '--role', 'agent', ...db]);
    expect(await run(['user', 'set', 'ext2', '--extension', '1002', ...db])).toMatchObject({ code: 0, out: ['user ext2: extension 1002'] });
    expect((await run(['user', 'set', 'ext2', '--extension', '10a', ...db])).err[0]).toMatch(/must be 2 to 15 digits/);
    expect((await run(['user', 'set', 'ghost', '--extension', '1009', ...db])).err[0]).toMatch(/does not exist/);
    const q = await run(['queue', 'set', '--name', 'sales', '--number', '600', '--team', 'sales', '--strategy', 'longest-idle', '--ring-seconds', '20',
      '--max-wait-seconds', '90', '--sl-seconds', '30', '--short-abandon-seconds', '4', '--wrap-up-seconds', '45', ...db]);
    expect(q).toMatchObject({ code: 0, out: ['queue sales: number 600, team sales, longest-idle'] });
    expect((await run(['queue', 'set', '--name', 'x', '--number', '600', '--team', 'sales', ...db])).err[0]).toMatch(/600 already belongs to queue "sales"/);
    expect((await run(['queue', 'set', '--name', 'y', '--number', '601', '--team', 'sales', '--ring-seconds', 'soon', ...db])).err[0]).toMatch(/--ring-seconds: "soon"/);
    expect((await run(['queue', 'list', ...db])).out).toEqual([
      '600\tsales\tteam sales\tlongest-idle\tring 20s\tmax wait 90s\tSL 30s\tshort abandon 4s\twrap-up 45s (available)\tno answer: none',
    ]);
    const reasons = file('reasons.json', JSON.stringify([{ code: 'lunch', labelEn: 'Lunch', labelIt: 'Pranzo' }, { code: 'coaching', labelEn: 'Coaching', labelIt: 'Affiancamento' }]));
    expect((await run(['break-reasons', 'set', reasons, ...db])).out).toEqual(['break reasons: 2 active, 5 retired']);
    const list = (await run(['break-reasons', 'list', ...db])).out;
    expect(list.slice(0, 2)).toEqual(['lunch\tLunch\tPranzo', 'coaching\tCoaching\tAffiancamento']);
    expect(list).toContain('meeting\tMeeting\tRiunione\t(retired)');
    expect((await run(['break-reasons', 'set', file('bad.json', '[{"code":"X Y"}]'), ...db])).err[0]).toMatch(/break reasons: 0\.code/);
  });

  it('import: success summary; a bad file prints every problem as FILE:LINE: column: reason and exits non-zero', async () => {
    const env = { DATABASE_URL: url }; // the environment works too
    expect(await run(['import', 'products', file('products.csv', csv('products', PRODUCTS))], env)).toMatchObject({ code: 0 });
    const c = await run(['import', 'customers', file('customers.csv', csv('customers', [customer('C1', 'Nord-Ovest'), customer('C2', 'DACH')]))], env);
    expect(c).toMatchObject({ code: 0, out: [expect.stringMatching(/^customers: 2 rows, 2 changed, 0 deleted \(change log at \d+\)$/)] });
    const badPath = file('purchases.csv', csv('purchases', [purchase('O1', 'C1'), purchase('O2', 'C9'), { ...purchase('O3', 'C2'), quantity: '0' }]));
    const bad = await run(['import', 'purchases', badPath], env);
    expect(bad.code).toBe(1);
    expect(bad.err).toEqual([
      `${badPath}:3: customer_id: "C9" is not a known customer (import customers first)`,
      `${badPath}:4: quantity: "0" is not a whole number from 1 to 1000000`,
      `${badPath}: 2 problems; nothing imported`,
    ]);
    const again = await run(['import', 'customers', join(dir, 'customers.csv')], env);
    expect(again.out[0]).toMatch(/^customers: 2 rows, 0 changed/);
    expect((await run(['import', 'bananas', 'x.csv'], env)).code).toBe(2);
    expect((await run(['import', 'customers', join(dir, 'missing.csv')], env))).toMatchObject({ code: 1, err: [expect.stringMatching(/ENOENT/)] });
  });

  it('dispositions set FILE.json / list; train-offers prints a one-line summary', async () => {
    const db = ['--database-url', url];
    const list = file('dispositions.json', JSON.stringify([
      { code: 'SALE', category: 'sales', labelEn: 'Sale', labelIt: 'Vendita' },
      { code: 'INFO', category: 'service', labelEn: 'Information', labelIt: 'Informazioni' },
    ]));
    expect(await run(['dispositions', 'set', list, ...db])).toMatchObject({ code: 0, out: [expect.stringMatching(/^dispositions: 2 active, 8 retired, 10 published \(change log at \d+\)$/)] });
    const shown = await run(['dispositions', 'list', ...db]);
    expect(shown.out.slice(0, 2)).toEqual(['SALE\tsales\tSale\tVendita\t10', 'INFO\tservice\tInformation\tInformazioni\t20']);
    expect(shown.out[2]).toMatch(/\tretired$/);
    const bad = await run(['dispositions', 'set', file('bad.json', '[{"code":"x y"}]'), ...db]);
    expect(bad.code).toBe(1);
    expect(bad.err[0]).toMatch(/bad\.json: 0\.code: must be 1-32 characters/);
    expect((await run(['dispositions', 'set', file('nojson.json', '{'), ...db])).err[0]).toMatch(/not JSON/);
    expect((await run(['dispositions', 'frob', ...db])).code).toBe(2);
    await run(['import', 'products', file('ok-products.csv', csv('products', PRODUCTS)), ...db]);
    await run(['import', 'customers', file('ok-customers.csv', csv('customers', [customer('C1', 'Nord-Ovest'), customer('C2', 'DACH')])), ...db]);
    await run(['import', 'purchases', file('ok-purchases.csv', csv('purchases', [purchase('O1', 'C1'), purchase('O2', 'C2', 'P2', '49.90')])), ...db]);
    const t1 = await run(['train-offers', ...db]);
    expect(t1).toMatchObject({ code: 0, out: [expect.stringMatching(/^offers model v1 \(hub\): 2 products, 2 customers, 0 related pairs, 2 purchases, 0 outcomes in [\d.]+ s \(change log at \d+\)$/)] });
    expect((await run(['train-offers', ...db])).out[0]).toMatch(/^offers model v2 /);
  });

  it('serve prints the URL and answers; usage errors exit 2', async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => { stop = r; });
    let listening!: (u: string) => void;
    const ready = new Promise<string>((r) => { listening = r; });
    const out: string[] = [];
    const done = main(['serve', '--port', '0', '--database-url', url], { out: (l) => out.push(l), err: () => {}, env: {}, untilStopped: () => stopped, onListening: listening });
    const base = await ready;
    expect(out[0]).toMatch(/^Pronto hub: http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await (await fetch(`${base}v1/health`)).json()).toEqual({ ok: true });
    stop();
    expect(await done).toBe(0);
    expect((await run(['serve', '--port', 'x', '--database-url', url])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['serve', '--data-dir', dir, '--database-url', url])).code).toBe(2);
    expect((await run(['--help'])).code).toBe(0);
  });
});

describe('bin/pronto-hub.mjs (PGlite data dir)', () => {
  it('the real bin exits non-zero listing the problems; a running hub holds its data dir', async () => {
    const bin = fileURLToPath(new URL('../bin/pronto-hub.mjs', import.meta.url));
    const data = join(dir, 'hubdata');
    const exec = promisify(execFile);
    const bad = file('p2.csv', csv('products', [PRODUCTS[1]!, { ...PRODUCTS[0]!, price: '12.345' }]));
    // (the first start on a new data dir creates the PGlite cluster: slow, once)
    const err = await exec(process.execPath, [bin, 'import', 'products', bad, '--data-dir', data]).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(1);
    expect(err?.stderr).toContain(`${bad}:3: price: "12.345" has more decimals than EUR allows (2)`);
    // a running hub holds the data dir
    let stop!: () => void;
    const stopped = new Promise<void>((r) => { stop = r; });
    let listening!: (u: string) => void;
    const ready = new Promise<string>((r) => { listening = r; });
    const serving = main(['serve', '--port', '0', '--data-dir', data], { out: () => {}, err: () => {}, env: {}, untilStopped: () => stopped, onListening: listening });
    await ready;
    const busy = await run(['import', 'products', file('p.csv', csv('products', PRODUCTS)), '--data-dir', data]);
    expect(busy.code).toBe(1);
    expect(busy.err[0]).toMatch(/is in use by process \d+/);
    stop();
    expect(await serving).toBe(0);
  }, 120_000);
});
