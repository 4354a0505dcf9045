// Builds and finds initial-sync snapshots (format: src-shared/sync/snapshot.ts).
//
// A snapshot is made FROM the pull stream itself (pullBody from 0), so it holds exactly what an
// initial pull would have delivered up to its checkpoint: the same scope, the same consistency
// argument (rows up to a watermark read in one snapshot), nothing to keep in step by hand.
// Files: DIR/<scope>-<checkpoint>.sqlite and DIR/<scope>.json (the manifest, written last and
// atomically: a reader never sees a manifest whose file is incomplete). The previous file of the
// scope is removed after the new manifest is in place; a download already reading it keeps its
// open file.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { customerSearchPhones } from '../../src-shared/phone/normalize';
import { SNAPSHOT_FORMAT, SNAPSHOT_META, snapshotColumns, type SnapshotTable } from '../../src-shared/sync/snapshot';
import { snapshotDdl, storeDdl } from '../../src-shared/sync/node/store-ddl';
import type { Queryable, Store } from '../db/store';
import { scopeOf, type Scope } from '../scope';
import { AdminError, hubId, listTeams } from '../admin';
import { pullBody } from './pull';

export const SnapshotManifest = z.object({
  format: z.number().int(),
  scope: z.string(),
  checkpoint: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  builtAt: z.string(),
  file: z.string(),
  /** Team the snapshot was built for (null: the whole hub). */
  team: z.string().nullable(),
});
export type SnapshotManifest = z.infer<typeof SnapshotManifest>;

const manifestPath = (dir: string, scope: string): string => join(dir, `${scope}.json`);

/** The current snapshot of a scope, or null (none built, or its file is gone). */
export function findSnapshot(dir: string, scope: string): (SnapshotManifest & { path: string }) | null {
  let raw: string;
  try {
    raw = readFileSync(manifestPath(dir, scope), 'utf8');
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const m = SnapshotManifest.safeParse(json);
  if (!m.success || m.data.format !== SNAPSHOT_FORMAT || m.data.scope !== scope) return null;
  const path = join(dir, m.data.file);
  try {
    if (statSync(path).size !== m.data.bytes) return null;
  } catch {
    return null;
  }
  return { ...m.data, path };
}

type Line = { seq: number; entity: string; op: string; data?: Record<string, unknown> };

/** Builds the scope's snapshot from the pull stream and publishes it; returns its manifest. */
export async function buildSnapshot(db: Queryable, scope: Scope, dir: string, opts: { team?: string | null; log?: (m: string) => void; signal?: AbortSignal } = {}): Promise<SnapshotManifest> {
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const tmp = join(dir, `.${scope.hash}.${randomBytes(6).toString('hex')}.tmp`);
  const out = new Database(tmp);
  let published = false;
  try {
    // A scratch file until it is renamed into place: no journal, no fsync per commit (one at the end).
    out.pragma('journal_mode = OFF');
    out.pragma('synchronous = OFF');
    out.pragma('cache_size = -262144');
    out.pragma('temp_store = FILE');
    out.exec(snapshotDdl());
    const insert = (t: SnapshotTable) => {
      const cols = snapshotColumns(t);
      return out.prepare(`INSERT INTO ${t} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    };
    // Purchases are staged and written sorted by customer at the end. A desktop that cannot use
    // SQLite's transfer (its schema moved on) copies them in rowid order, and its purchase-history
    // index (customer first) then grows by appending (bench:sync, 1M purchases: 6.0 → 4.6 s).
    out.exec(`CREATE TEMP TABLE purchases_in AS SELECT * FROM main.purchases WHERE 0`);
    const purchaseCols = snapshotColumns('purchases').join(', ');
    const ins = {
      customer: insert('customers'), searchPhones: insert('customer_search_phones'), phone: insert('customer_phones'), product: insert('products'),
      purchase: out.prepare(`INSERT INTO temp.purchases_in (${purchaseCols}) VALUES (${snapshotColumns('purchases').map(() => '?').join(', ')})`),
      account: insert('accounts'), credit: insert('credit_terms'), line: insert('lines'),
    };
    let id = 0;
    let rows = 0;
    let checkpoint: number | null = null;
    const applyChunk = out.transaction((text: string) => {
      let at = 0;
      while (at < text.length) {
        let nl = text.indexOf('\n', at);
        if (nl < 0) nl = text.length;
        const raw = text.slice(at, nl);
        at = nl + 1;
        if (!raw) continue;
        const l = JSON.parse(raw) as Line & { checkpoint?: number; reset?: boolean };
        if (l.checkpoint !== undefined) {
          checkpoint = l.checkpoint;
          continue;
        }
        if (l.reset) continue;
        rows++;
        // A pull from 0 carries live rows only (no tombstones), each key once.
        // (any: the hub's own wire rows, already validated at import; the desktop checks every column again)
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const d = l.data as Record<string, any>;
        switch (l.entity) {
          case 'customer': {
            id++;
            const phones = d.phones as { e164: string; label: string; raw: string }[];
            ins.customer.run(id, d.customerId, d.name, d.company, d.email, d.segment, d.region, d.country, d.createdAt);
            ins.searchPhones.run(id, customerSearchPhones({ country: d.country, phones }));
            for (let i = 0; i < phones.length; i++) {
              const p = phones[i]!;
              ins.phone.run(d.customerId, p.e164, p.label, p.raw, i);
            }
            break;
          }
          case 'product':
            ins.product.run(d.sku, d.name, d.category, d.family, d.tier, d.priceMinor, d.currency, d.margin);
            break;
          case 'purchase':
            ins.purchase.run(d.orderId, d.sku, d.customerId, d.quantity, d.amountMinor, d.currency, d.purchasedAt);
            break;
          case 'account':
            ins.account.run(d.customerId, d.balanceMinor, d.currency, d.overdueMinor, d.oldestDueDate, d.lastPaymentAt, d.lastPaymentMinor);
            break;
          case 'credit':
            ins.credit.run(d.customerId, d.creditLimitMinor, d.currency, d.paymentTerms, d.status, d.riskClass, d.reviewedAt);
            break;
          default:
            ins.line.run(l.seq, raw);
        }
      }
    });
    for await (const chunk of pullBody(db, scope, { after: 0, limit: Number.MAX_SAFE_INTEGER })) {
      opts.signal?.throwIfAborted();
      applyChunk(chunk);
    }
    if (checkpoint === null) throw new Error('the pull stream ended without its checkpoint');
    out.exec(`INSERT INTO main.purchases (${purchaseCols}) SELECT ${purchaseCols} FROM temp.purchases_in ORDER BY customer_id, purchased_at, order_id, sku;
      DROP TABLE temp.purchases_in;`);
    // The store's secondary indexes, built once over the loaded rows (a sort, not row by row).
    for (const d of Object.values(storeDdl())) for (const ix of d.indexes) out.exec(ix);
    const builtAt = new Date().toISOString();
    const meta = out.prepare('INSERT INTO snapshot_meta (key, value) VALUES (?, ?)');
    meta.run(SNAPSHOT_META.format, String(SNAPSHOT_FORMAT));
    meta.run(SNAPSHOT_META.scope, scope.hash);
    meta.run(SNAPSHOT_META.checkpoint, String(checkpoint));
    meta.run(SNAPSHOT_META.rows, String(rows));
    meta.run(SNAPSHOT_META.builtAt, builtAt);
    out.close();
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    const sha256 = await fileSha256(tmp);
    const file = `${scope.hash}-${checkpoint}.sqlite`;
    renameSync(tmp, join(dir, file));
    const manifest: SnapshotManifest = {
      format: SNAPSHOT_FORMAT, scope: scope.hash, checkpoint, rows, bytes: statSync(join(dir, file)).size, sha256, builtAt, file, team: opts.team ?? null,
    };
    const mtmp = `${manifestPath(dir, scope.hash)}.tmp`;
    writeFileSync(mtmp, JSON.stringify(manifest, null, 2));
    const mfd = openSync(mtmp, 'r');
    fsyncSync(mfd);
    closeSync(mfd);
    renameSync(mtmp, manifestPath(dir, scope.hash));
    published = true;
    for (const f of readdirSync(dir)) {
      if (f.startsWith(`${scope.hash}-`) && f.endsWith('.sqlite') && f !== file) rmSync(join(dir, f), { force: true });
    }
    opts.log?.(`snapshot ${scope.hash}${opts.team ? ` (team ${opts.team})` : ''}: ${rows} rows at checkpoint ${checkpoint}, ${(manifest.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return manifest;
  } finally {
    if (out.open) out.close();
    if (!published) rmSync(tmp, { force: true });
  }
}

async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const b of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(b as Buffer);
  return h.digest('hex');
}

type BuildOptions = { team?: string; all?: boolean; log?: (m: string) => void; signal?: AbortSignal };

/** What an agent of the team sees (its supervisors see the same). */
function teamScope(team: { name: string; regions: string[] }, hid: string): Scope {
  return scopeOf({ id: 0, name: '', role: 'agent', team: team.name, regions: team.regions }, hid);
}

/**
 * Builds the snapshots agents will ask for: one per team and, with `all`, the whole hub (admins,
 * supervisors without a team). Users without a team have a scope of their own and sync from the
 * stream.
 */
export function buildSnapshots(store: Store, dir: string, opts: BuildOptions = {}): Promise<SnapshotManifest[]> {
  return oneAtATime(dir, () => buildNow(store, dir, opts));
}

/** Builds in one directory run one at a time: each reads a whole scope and writes a file of its size. */
const queues = new Map<string, Promise<unknown>>();
function oneAtATime<T>(dir: string, f: () => Promise<T>): Promise<T> {
  const run = (queues.get(dir) ?? Promise.resolve()).then(f);
  const tail = run.catch(() => {});
  queues.set(dir, tail);
  void tail.then(() => {
    if (queues.get(dir) === tail) queues.delete(dir);
  });
  return run;
}

async function buildNow(store: Store, dir: string, opts: BuildOptions): Promise<SnapshotManifest[]> {
  const hid = await hubId(store);
  const teams = (await listTeams(store)).filter((t) => opts.team === undefined || t.name === opts.team);
  if (opts.team !== undefined && !teams.length) throw new AdminError(`team "${opts.team}" does not exist`, 404);
  const out: SnapshotManifest[] = [];
  for (const t of teams) {
    out.push(await buildSnapshot(store, teamScope(t, hid), dir, { team: t.name, log: opts.log, signal: opts.signal }));
  }
  if (opts.all ?? opts.team === undefined) {
    out.push(await buildSnapshot(store, scopeOf({ id: 0, name: '', role: 'admin', team: null, regions: [] }, hid), dir, { team: null, log: opts.log, signal: opts.signal }));
  }
  return out;
}

export interface RefreshOptions {
  /** How often to look (default 10 min; the first look is `firstMs` after start, default 60 s). */
  everyMs?: number;
  firstMs?: number;
  /** A team whose scope holds fewer live rows syncs fast enough from the stream (default 100,000). */
  minRows?: number;
  /** Rebuild when the changes since the snapshot reach this share of its rows (default 0.1). */
  staleShare?: number;
  log?: (m: string) => void;
}

/**
 * Keeps every team's snapshot fresh without a cron: builds a large team's first one, and a new
 * one once enough has changed since (the desktop pulls those changes after the snapshot, so a
 * stale snapshot is still correct, only slower). `pronto-hub serve` runs this.
 */
export function startSnapshotRefresher(store: Store, dir: string, o: RefreshOptions = {}): { refresh(): Promise<SnapshotManifest[]>; stop(): Promise<void> } {
  const minRows = o.minRows ?? 100_000;
  const staleShare = o.staleShare ?? 0.1;
  let stopped = false;
  const abort = new AbortController();
  let current: Promise<SnapshotManifest[]> | null = null;
  const refresh = async (): Promise<SnapshotManifest[]> => {
    const hid = await hubId(store);
    const built: SnapshotManifest[] = [];
    for (const t of await listTeams(store)) {
      if (stopped) break;
      const scope = teamScope(t, hid);
      const have = findSnapshot(dir, scope.hash);
      const since = Number((await store.rows(
        `SELECT count(*) FROM changes WHERE bucket = ANY($1::text[]) AND seq > $2${have ? '' : " AND op = 'u'"}`, [scope.buckets, have?.checkpoint ?? 0]))[0]?.[0] ?? 0);
      const due = have ? since > 0 && since >= Math.max(1, have.rows * staleShare) : since >= minRows;
      if (!due) continue;
      o.log?.(`snapshot of team ${t.name}: ${have ? `${since} changes since the last one` : `none yet, ${since} rows`}; building`);
      built.push(...(await buildSnapshots(store, dir, { team: t.name, all: false, log: o.log, signal: abort.signal })));
    }
    return built;
  };
  const tick = (): void => {
    if (stopped) return;
    current = refresh().catch((err: unknown) => {
      if (!stopped) o.log?.(`snapshot refresh failed: ${(err as Error).message}`);
      return [];
    });
    void current.finally(() => {
      current = null;
      if (!stopped) timer = setTimeout(tick, o.everyMs ?? 600_000).unref(); // never what keeps a process alive
    });
  };
  let timer: NodeJS.Timeout = setTimeout(tick, o.firstMs ?? 60_000).unref();
  return {
    refresh: () => refresh(),
    async stop() {
      stopped = true;
      abort.abort(); // a build under way stops at its next chunk; its scratch file goes
      clearTimeout(timer);
      await current;
    },
  };
}
