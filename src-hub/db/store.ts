// One small interface over the two stores the hub runs on: real PostgreSQL (node-postgres pool)
// and embedded PGlite (single process, single connection). Everything above this file speaks
// parameterised SQL through `query` / `tx`, and drizzle migrations are applied at open.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { defaultPoolSize } from '../config';

/** drizzle over either driver (outside transactions; used for the small admin tables). */
export type Orm = PgDatabase<PgQueryResultHKT>;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations/hub', import.meta.url));

export type Row = Record<string, unknown>;

export interface QueryOptions {
  /** Hot path: keep it as a prepared statement on the connection (PostgreSQL; PGlite ignores it). */
  prepare?: boolean;
}

export interface TxOptions {
  /**
   * A parameter-free statement to run first, sent together with BEGIN in one round trip
   * (e.g. taking an advisory lock). Constants only — never interpolate input here.
   */
  lead?: string;
}

export interface Queryable {
  /** Rows as objects keyed by column name. */
  query<R = Row>(text: string, params?: readonly unknown[], opts?: QueryOptions): Promise<R[]>;
  /** Rows as arrays (cheaper for big result sets). */
  rows(text: string, params?: readonly unknown[], opts?: QueryOptions): Promise<unknown[][]>;
}

export interface Store extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Human description without secrets ("PostgreSQL 127.0.0.1:5432/pronto", "PGlite /data/hub"). */
  readonly label: string;
  readonly orm: Orm;
  /** Runs `fn` in one transaction (READ COMMITTED); rolls back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>, opts?: TxOptions): Promise<T>;
  /** LISTEN on a channel; returns the unsubscribe function. */
  listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** Feed imports print each statement slower than 20 ms (PRONTO_HUB_TRACE). */
  trace?: boolean;
}

export interface OpenStoreOptions {
  /** postgres://… — when given, PostgreSQL is used. */
  databaseUrl?: string;
  /** Folder for the embedded PGlite database (created when missing). Neither given: in memory. */
  dataDir?: string;
  /** Apply migrations (default true). */
  migrate?: boolean;
  /** Pool size for PostgreSQL (default: 2 × CPU cores + 1; the CLI passes PRONTO_HUB_POOL_SIZE). */
  poolSize?: number;
  /** Feed imports print each statement slower than 20 ms (PRONTO_HUB_TRACE). */
  trace?: boolean;
  /** Hold a lock file in dataDir so two processes never open the same PGlite files (default true). */
  lockDataDir?: boolean;
}

// int8 → number: change numbers and money minor units stay far below 2^53.
const INT8 = 20;
const toNumber = (v: string): number => Number(v);

export class DataDirBusyError extends Error {}

function lockDataDir(dir: string): () => void {
  const file = join(dir, 'hub.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) rmSync(file);
        } catch { /* already gone */ }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8'));
      let alive = false;
      try {
        if (pid > 0 && pid !== process.pid) { process.kill(pid, 0); alive = true; }
      } catch (err) {
        alive = (err as NodeJS.ErrnoException).code === 'EPERM';
      }
      if (alive || pid === process.pid) {
        throw new DataDirBusyError(`data dir ${dir} is in use by process ${pid} (is \`pronto-hub serve\` running? use its HTTP API, or stop it first)`);
      }
      rmSync(file, { force: true }); // stale lock of a dead process
    }
  }
  throw new DataDirBusyError(`cannot lock data dir ${dir}`);
}

export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const store = opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize ?? defaultPoolSize()) : await openPglite(opts);
  if (opts.trace) store.trace = true;
  if (opts.migrate !== false) {
    try {
      await applyMigrations(store);
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  return store;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

interface PgStore extends Store {
  pool: pg.Pool;
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL ${u.hostname}${u.port ? ':' + u.port : ''}${u.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

function openPostgres(url: string, poolSize: number): PgStore {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8 ? toNumber : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  // temp_buffers: feed imports stage whole files in temp tables (default 8 MB spills at once).
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types, application_name: 'pronto-hub', options: '-c temp_buffers=64MB' });
  pool.on('error', () => { /* idle client died; the pool replaces it */ });
  const names = new Map<string, string>();
  const nameOf = (text: string, opts?: QueryOptions) => {
    if (!opts?.prepare) return undefined;
    let n = names.get(text);
    if (!n) names.set(text, (n = `hub_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
    return n;
  };
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(text: string, params?: readonly unknown[], opts?: QueryOptions) {
      return (await c.query({ text, values: params as unknown[], name: nameOf(text, opts) })).rows as R[];
    },
    async rows(text: string, params?: readonly unknown[], opts?: QueryOptions) {
      return (await c.query({ text, values: params as unknown[], rowMode: 'array', name: nameOf(text, opts) })).rows as unknown[][];
    },
  });
  const base = wrap(pool);
  const listeners = new Map<string, Set<(p: string) => void>>();
  let listenClient: pg.Client | null = null;
  let listenConnecting: Promise<pg.Client> | null = null;
  let closed = false;
  let everConnected = false;

  const connectListener = async (): Promise<pg.Client> => {
    const c = new pg.Client({ connectionString: url, application_name: 'pronto-hub-listen' });
    c.on('notification', (msg) => {
      for (const fn of listeners.get(msg.channel) ?? []) fn(msg.payload ?? '');
    });
    const reconnect = () => {
      if (listenClient === c) listenClient = null;
      if (closed || listeners.size === 0) return;
      setTimeout(() => {
        if (!closed && !listenClient) void ensureListener().catch(() => reconnect());
      }, 1000).unref();
    };
    c.on('error', () => reconnect());
    c.on('end', () => reconnect());
    await c.connect();
    for (const ch of listeners.keys()) await c.query(`LISTEN ${c.escapeIdentifier(ch)}`);
    // Wake everybody after a reconnect: notifications sent while we were away are lost.
    if (everConnected) for (const fns of listeners.values()) for (const fn of fns) fn('');
    everConnected = true;
    return c;
  };
  const ensureListener = async (): Promise<pg.Client> => {
    if (listenClient) return listenClient;
    listenConnecting ??= connectListener().then((c) => { listenClient = c; return c; }).finally(() => { listenConnecting = null; });
    return listenConnecting;
  };

  return {
    kind: 'postgres',
    label: describeUrl(url),
    orm: drizzlePg(pool) as unknown as Orm,
    pool,
    query: base.query,
    rows: base.rows,
    async tx<T>(fn: (q: Queryable) => Promise<T>, opts?: TxOptions): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query(opts?.lead ? `BEGIN; ${opts.lead}` : 'BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw e;
      } finally {
        client.release(broken);
      }
    },
    async listen(channel, fn) {
      const fresh = !listeners.has(channel);
      if (fresh) listeners.set(channel, new Set());
      listeners.get(channel)!.add(fn);
      const c = await ensureListener();
      if (fresh) await c.query(`LISTEN ${c.escapeIdentifier(channel)}`);
      return async () => {
        const set = listeners.get(channel);
        set?.delete(fn);
        if (set && set.size === 0) {
          listeners.delete(channel);
          await listenClient?.query(`UNLISTEN ${listenClient.escapeIdentifier(channel)}`).catch(() => {});
        }
      };
    },
    async close() {
      closed = true;
      const c = listenClient;
      listenClient = null;
      await c?.end().catch(() => {});
      await pool.end();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// PGlite

interface PgliteStore extends Store {
  db: PGlite;
}

async function openPglite(opts: OpenStoreOptions): Promise<PgliteStore> {
  let unlock = () => {};
  let dataPath: string | undefined;
  if (opts.dataDir) {
    const dir = resolve(opts.dataDir);
    mkdirSync(dir, { recursive: true });
    if (opts.lockDataDir !== false) unlock = lockDataDir(dir);
    dataPath = join(dir, 'pgdata');
  }
  let db: PGlite;
  try {
    db = await PGlite.create({ ...(dataPath ? { dataDir: dataPath } : {}), parsers: { [INT8]: toNumber } });
  } catch (e) {
    unlock();
    throw e;
  }
  const wrap = (c: Pick<PGlite, 'query'>): Queryable => ({
    async query<R>(text: string, params?: readonly unknown[]) {
      return (await c.query<R>(text, params as unknown[])).rows;
    },
    async rows(text: string, params?: readonly unknown[]) {
      return (await c.query<unknown[]>(text, params as unknown[], { rowMode: 'array' })).rows;
    },
  });
  const base = wrap(db);
  return {
    kind: 'pglite',
    label: dataPath ? `PGlite ${resolve(opts.dataDir!)}` : 'PGlite (in memory)',
    orm: drizzlePglite(db) as unknown as Orm,
    db,
    query: base.query,
    rows: base.rows,
    tx: (fn, opts) => db.transaction(async (t) => {
      if (opts?.lead) await t.query(opts.lead);
      return fn(wrap(t));
    }),
    async listen(channel, fn) {
      const off = await db.listen(channel, fn);
      return async () => {
        if (!db.closed) await off();
      };
    },
    async close() {
      try {
        if (!db.closed) await db.close();
      } finally {
        unlock();
      }
    },
  };
}

/** The PGlite handle of a PGlite store (tests, tools); null for PostgreSQL. */
export function pgliteOf(store: Store): PGlite | null {
  return store.kind === 'pglite' ? (store as PgliteStore).db : null;
}

// ---------------------------------------------------------------------------------------------
// Migrations

const MIGRATION_LOCK = 0x70726f6d; // 'prom': one migrator at a time when several hubs start together

export async function applyMigrations(store: Store, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  if (!existsSync(join(migrationsFolder, 'meta', '_journal.json'))) {
    throw new Error(`hub migrations not found in ${migrationsFolder}`);
  }
  if (store.kind === 'pglite') {
    await migratePglite(drizzlePglite((store as PgliteStore).db), { migrationsFolder });
  } else {
    const client = await (store as PgStore).pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await migratePg(drizzlePg(client), { migrationsFolder });
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
    } finally {
      client.release();
    }
  }
  // A per-database identity: desktops remember it (through the scope fingerprint), so a
  // replaced or restored hub database makes them resync instead of trusting stale cursors.
  await store.query(`INSERT INTO hub_meta (key, value) VALUES ('hub_id', gen_random_uuid()::text) ON CONFLICT (key) DO NOTHING`);
}
