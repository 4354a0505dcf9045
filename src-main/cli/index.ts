// `pronto` — the agent desktop's command line: import feeds, make demo feeds, look a caller up,
// run the web host. Every command works on a data dir (--data-dir, PRONTO_DATA_DIR, or userData).
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, openConnection } from '../db/store';
import { dataDirOf, loadDesktopConfig } from '../config';
import { ConfigError } from '../../src-shared/config/define';
import { Importer } from '../services/import/importer';
import { formatProblem } from '../../src-shared/feeds/node/csv';
import { parse, intFlag, UsageError } from './args';
import { formatLookup } from './format';

const USAGE = `usage:
  pronto import --data-dir D FILE...                      import department feeds (kind from file name)
  pronto seed --out DIR [--customers N] [--purchases N] [--seed S] [--anchor YYYY-MM-DD]
  pronto lookup --data-dir D [--region XX] [--json] IDENTITY
  pronto serve --data-dir D [--port P] [--region XX]      web host on 127.0.0.1
  pronto sync --data-dir D --hub URL --token-file F [--once]   sync with the hub (env PRONTO_HUB_URL, PRONTO_HUB_TOKEN);
                                                          F: a file holding the token ("-": stdin); --token T
                                                          still works but shows the token in ps
  pronto calls --data-dir D [--json] [--limit N]          call history, newest first
  pronto cases --data-dir D [--json] [--limit N]          logged cases, newest first`;

const here = dirname(fileURLToPath(import.meta.url));
export const PACKAGE_ROOT = resolve(here, '../..');

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'import':
        return await importCmd(rest);
      case 'seed':
        return await seedCmd(rest);
      case 'lookup':
        return await lookupCmd(rest);
      case 'serve':
        return await serveCmd(rest);
      case 'calls':
        return await callsCmd(rest);
      case 'sync':
        return await syncCmd(rest);
      case 'cases':
        return await casesCmd(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        console.log(USAGE);
        return cmd ? 0 : 2;
      default:
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`pronto: ${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      console.error(`pronto ${cmd}: ${err.message}`);
      return 2;
    }
    console.error(`pronto ${cmd}: ${(err as Error).message}`);
    return 1;
  }
}

async function importCmd(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { 'data-dir': { type: 'string' } });
  if (!positionals.length) throw new UsageError('import: give at least one feed file');
  const config = loadDesktopConfig(values);
  const store = openStore(dataDirOf(config), { migrationsDir: config.migrationsDir });
  const conn = openConnection(store);
  try {
    const importer = new Importer(conn, { worker: config.importWorker, workerMinBytes: config.importWorkerMinBytes });
    const results = await importer.importFiles(positionals, {
      onProblem: (file, p) => console.error(formatProblem(file, p)),
    });
    for (const r of results) {
      const rate = r.ms > 0 ? Math.round(r.rows / (r.ms / 1000)) : 0;
      console.log(r.applied
        ? `${r.file}: ${r.kind}: ${r.rows} rows imported in ${(r.ms / 1000).toFixed(1)} s (${rate} rows/s)`
        : `${r.file}: rejected, nothing imported (${r.problems} problem${r.problems === 1 ? '' : 's'})`);
    }
    // Standalone: the next-best-offer model is trained here from the imported purchases (with a
    // hub configured, the hub trains it and sync delivers it).
    if (!config.hubUrl && results.some((r) => r.applied && (r.kind === 'purchases' || r.kind === 'products'))) {
      const { trainAndStore } = await import('../services/offers/train-local');
      const t0 = performance.now();
      const model = trainAndStore(conn);
      console.log(`offers model v${model.version} trained on ${model.purchases} purchases of ${model.customers} customers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    return results.every((r) => r.applied) ? 0 : 1;
  } finally {
    conn.close();
    store.close();
  }
}

async function seedCmd(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    out: { type: 'string' },
    customers: { type: 'string' },
    purchases: { type: 'string' },
    seed: { type: 'string' },
    anchor: { type: 'string' },
  });
  if (!values.out) throw new UsageError('seed: --out DIR is required');
  if (values.anchor && !/^\d{4}-\d{2}-\d{2}$/.test(values.anchor)) throw new UsageError(`--anchor: "${values.anchor}" is not YYYY-MM-DD`);
  const customers = intFlag(values.customers, 'customers', 10_000);
  const { generateFeeds } = await import('../seed/generate');
  const t0 = performance.now();
  const r = await generateFeeds({
    outDir: resolve(values.out),
    customers,
    purchases: values.purchases === undefined ? undefined : intFlag(values.purchases, 'purchases', customers * 5),
    seed: intFlag(values.seed, 'seed', 1),
    anchor: values.anchor,
  });
  for (const [kind, file] of Object.entries(r.files)) {
    console.log(`${file}: ${r.counts[kind as keyof typeof r.counts]} rows`);
  }
  console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return 0;
}

async function lookupCmd(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    'data-dir': { type: 'string' },
    region: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('lookup: give exactly one IDENTITY (quote it if it has spaces)');
  const config = loadDesktopConfig(values);
  const store = openStore(dataDirOf(config), { migrationsDir: config.migrationsDir });
  try {
    const { DesktopApi } = await import('../api/desktop-api');
    const app = new DesktopApi({ store, region: config.region, host: 'web' });
    const result = app.lookup.lookup(positionals[0]!);
    console.log(values.json ? JSON.stringify(result) : formatLookup(result));
    return 0;
  } finally {
    store.close();
  }
}

async function serveCmd(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    region: { type: 'string' },
    host: { type: 'string' },
  });
  if (values.host && values.host !== '127.0.0.1' && values.host !== 'localhost') {
    throw new UsageError('--host: the web host only binds to 127.0.0.1');
  }
  // an installer's pronto.conf (beside the app, in the data dir) presets the hub address (issue 20)
  const config = (await import('../config')).loadDesktopConfigWithPresets(values, process.env, PACKAGE_ROOT);
  const port = intFlag(values.port, 'port', 5178);
  const { startDesktop } = await import('../desktop');
  const { startWebHost } = await import('../web/server');
  const { cspFor } = await import('../../src-shared/api/csp');
  const dataDir = dataDirOf(config);
  const log = (l: string): void => console.error(l);
  const desktop = await startDesktop({ config, dataDir, host: 'web', log });
  if (desktop.demo) console.log(`demo data: ${desktop.demo.customers} customers (loaded ${desktop.demo.loadedAt})`);
  const host = await startWebHost({
    app: desktop.api,
    rendererDir: resolve(PACKAGE_ROOT, 'out/renderer'),
    port,
    log,
    slowApiMs: config.slowApiMs,
    launchKey: config.webKey,
    csp: () => cspFor({ sipServer: desktop.api.sipServer(), hubUrl: config.hubUrl }),
  });
  console.log(`data dir: ${dataDir}`);
  console.log(`Pronto web host: ${host.url}`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      Promise.all([host.close(), desktop.stop()]).finally(() => done());
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

async function callsCmd(argv: string[]): Promise<number> {
  const { values } = parse(argv, { 'data-dir': { type: 'string' }, json: { type: 'boolean' }, limit: { type: 'string' } });
  const { CallService } = await import('../services/calls');
  const config = loadDesktopConfig(values);
  const store = openStore(dataDirOf(config), { migrationsDir: config.migrationsDir });
  try {
    const calls = new CallService(store.sqlite).recent(intFlag(values.limit, 'limit', 1000));
    if (values.json) console.log(JSON.stringify(calls));
    else for (const c of calls) {
      // a failed call says why at the end of its line (one line of text, recorded so)
      console.log(`${c.offeredAt}  ${c.direction.padEnd(8)} ${(c.remoteE164 ?? c.remoteRaw).padEnd(16)} ${(c.outcome ?? 'ringing').padEnd(9)} ${c.customerId ?? '-'}  line ${c.line || '-'}${c.failureReason ? `  (${c.failureReason})` : ''}`);
    }
    return 0;
  } finally {
    store.close();
  }
}

async function casesCmd(argv: string[]): Promise<number> {
  const { values } = parse(argv, { 'data-dir': { type: 'string' }, json: { type: 'boolean' }, limit: { type: 'string' } });
  const { CaseService } = await import('../services/cases/service');
  const config = loadDesktopConfig(values);
  const store = openStore(dataDirOf(config), { migrationsDir: config.migrationsDir });
  try {
    const cases = new CaseService(store.sqlite).list(intFlag(values.limit, 'limit', 1000));
    if (values.json) console.log(JSON.stringify(cases));
    else for (const c of cases) {
      console.log(`${c.createdAt}  ${c.status.padEnd(9)} ${(c.disposition ?? '-').padEnd(10)} ${c.customerId ?? '-'}${c.pending ? '  (pending sync)' : ''}  ${c.notes.replace(/\s+/g, ' ').slice(0, 60)}`);
    }
    return 0;
  } finally {
    store.close();
  }
}

async function syncCmd(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    'data-dir': { type: 'string' }, hub: { type: 'string' }, token: { type: 'string' }, 'token-file': { type: 'string' },
    once: { type: 'boolean' }, 'page-size': { type: 'string' }, json: { type: 'boolean' },
  });
  // Issue 20: a token on the command line is visible to every user of the machine (ps): read it
  // from a file or stdin instead; --token stays for old scripts, with a warning.
  if (values.token !== undefined && values['token-file'] !== undefined) throw new UsageError('sync: give --token-file or --token, not both');
  if (values.token !== undefined) console.error('warning: --token puts the token on the command line, where other users of this machine can see it (ps, /proc); use --token-file FILE (or - for stdin) instead');
  if (values['token-file'] !== undefined) {
    const { readFileSync } = await import('node:fs');
    const file = values['token-file'];
    const token = (file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8')).split(/\r?\n/, 1)[0]?.trim();
    if (!token) throw new UsageError(`sync: ${file === '-' ? 'standard input' : file} holds no token (first line empty)`);
    values.token = token;
  }
  const { hubConfigOf } = await import('../services/sync/runtime');
  const { SyncClient } = await import('../services/sync/client');
  const config = loadDesktopConfig(values);
  const cfg = hubConfigOf(config);
  if (!cfg) throw new UsageError('sync: --hub URL (or PRONTO_HUB_URL) is required');
  const store = openStore(dataDirOf(config), { migrationsDir: config.migrationsDir });
  const conn = openConnection(store);
  let lastPct = -1;
  const client = new SyncClient(conn, {
    ...cfg,
    pageSize: values['page-size'] ? intFlag(values['page-size'], 'page-size', 50_000) : undefined,
    log: (l) => console.error(l),
    onStatus: (s) => {
      if (s.progress?.percent != null && Math.floor(s.progress.percent) !== lastPct) {
        lastPct = Math.floor(s.progress.percent);
        console.error(`sync: ${s.progress.phase === 'snapshot' ? 'from snapshot' : `${s.progress.rows} rows`} (${lastPct}%)${s.progress.etaS != null ? `, ETA ${Math.ceil(s.progress.etaS)} s` : ''}`);
      }
    },
  });
  try {
    if (values.once) {
      const t0 = performance.now();
      const r = await client.syncOnce();
      const s = client.status();
      const out = { ...r, cursor: s.cursor, pending: s.pending, rejectedTotal: s.rejected, seconds: Math.round((performance.now() - t0) / 100) / 10 };
      console.log(values.json ? JSON.stringify(out) : `pushed ${r.pushed} (rejected ${r.rejected}), pulled ${r.pulled} changes; cursor ${s.cursor}, pending ${s.pending}`);
      return 0;
    }
    client.start();
    console.log(`syncing with ${cfg.hubUrl} (Ctrl+C to stop)`);
    await new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
    return 0;
  } finally {
    await client.stop();
    conn.close();
    store.close();
  }
}
