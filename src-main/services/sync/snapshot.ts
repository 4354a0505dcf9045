// Initial sync from the hub's snapshot file (format and why: src-shared/sync/snapshot.ts).
//
// Used only when the store holds nothing from the hub yet (never synced, no synced rows, or only
// a copy of a snapshot that was killed midway): the file's rows are copied in as they are, with
// their ids. Steps, and what a failure leaves:
//   1. download to DATA/sync-snapshot.download, hashing as it arrives — killed: a stray file,
//      overwritten next time; a bad hash: nothing applied, the stream is used instead;
//   2. ATTACH it and check it: format, scope, checkpoint, then every column of every table
//      (one SQL scan per table) — a bad value is named (table, row, column), nothing applied;
//   3. the tables, each (or each chunk of rows) committed with a mark of how far the copy got —
//      killed: the next start downloads again and, the same file, resumes at the mark (another
//      file: the partial copy is cleared first);
//   4. ONE transaction: the other change lines through the usual applier, the cursor, scope and
//      time, and the mark removed — until then the cursor stays 0.
// After it, the caller pulls what changed since the checkpoint, as after any page.
import { createHash } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import type { Sqlite } from '../../db/store';
import { SNAPSHOT_APPLY_KEY, deleteMeta, getMeta, setMeta } from '../../db/queries/meta';
import { clearSynced } from './apply';
import { parsePullLine, type ChangeLine } from '../../../src-shared/sync/protocol';
import {
  SNAPSHOT_FORMAT, SNAPSHOT_HEADERS, SNAPSHOT_META, SNAPSHOT_PATH, SNAPSHOT_TABLES, snapshotCheckSql, snapshotColumns, type SnapshotTable, type StoreTable,
} from '../../../src-shared/sync/snapshot';
import { SyncError, hubFetch } from './page';
import { computed, pluckStatement, rawStatement } from '../../db/queries/typed';
import { DESKTOP_DEFAULTS } from '../../config';

export interface SnapshotResult {
  rows: number;
  checkpoint: number;
  scope: string;
  bytes: number;
}

export interface SnapshotOptions {
  base: string;
  token: string;
  /** Applies change lines (the sync's applier), inside the caller's transaction. */
  apply: (lines: ChangeLine[]) => void;
  /** Writes the cursor, scope and sync time (inside the same transaction). */
  commitCursor: (checkpoint: number, scope: string) => void;
  /** Download (bytes), then copy (rows of the snapshot's tables, phones and search rows included). */
  onProgress?: (p: { phase: 'download' | 'copy'; done: number; total: number }) => void;
  log?: (m: string) => void;
  /** True once the sync is stopping (app closing): the copy ends at its next boundary, resumable from its mark. */
  stopping?: () => boolean;
  /** Rows per committed range of a column-by-column copy (PRONTO_SNAPSHOT_CHUNK_ROWS). */
  chunkRows?: number;
}

/** Tables the hub fills: a snapshot is only applied to a store where all are empty. */
const SYNCED = ['customers', 'customer_phones', 'products', 'purchases', 'accounts', 'credit_terms'];

export function holdsNothingSynced(sqlite: Sqlite): boolean {
  return SYNCED.every((t) => sqlite.prepare(`SELECT 1 FROM ${t} LIMIT 1`).get() === undefined);
}

/** The bad value of a snapshot, named like a feed problem. */
export class SnapshotError extends Error {}

/**
 * Fetches and applies the snapshot. Returns null when the hub has none for this scope (404);
 * throws SnapshotError for a bad file (the caller falls back to the stream), SyncError when the
 * hub cannot be reached.
 */
export async function syncFromSnapshot(sqlite: Sqlite, o: SnapshotOptions): Promise<SnapshotResult | null> {
  let res: Response;
  try {
    res = await hubFetch(o.base + SNAPSHOT_PATH, o.token);
  } catch (err) {
    if (err instanceof SyncError && err.status === 404) return null;
    throw err;
  }
  const h = (k: keyof typeof SNAPSHOT_HEADERS): string => res.headers.get(SNAPSHOT_HEADERS[k]) ?? '';
  const format = Number(h('format'));
  const checkpoint = Number(h('checkpoint'));
  const scope = h('scope');
  const sha256 = h('sha256');
  const bytes = Number(res.headers.get('content-length'));
  const bad = [
    format !== SNAPSHOT_FORMAT && `format ${h('format') || '(none)'} (this app reads ${SNAPSHOT_FORMAT})`,
    !(Number.isSafeInteger(checkpoint) && checkpoint >= 0) && `checkpoint "${h('checkpoint')}"`,
    !scope && 'no scope',
    !/^[0-9a-f]{64}$/.test(sha256) && `sha256 "${sha256}"`,
    !(Number.isSafeInteger(bytes) && bytes > 0) && 'no content-length',
  ].filter(Boolean);
  if (bad.length || !res.body) {
    await res.body?.cancel();
    throw new SnapshotError(`snapshot headers: ${bad.join(', ') || 'empty body'}`);
  }

  const file = join(dirname(sqlite.name), 'sync-snapshot.download');
  try {
    const t0 = performance.now();
    await download(res, file, bytes, sha256, o.onProgress);
    o.log?.(`sync: snapshot downloaded (${(bytes / 1e6).toFixed(1)} MB, change ${checkpoint}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; checking and applying it`);
    const rows = await applyFile(sqlite, file, { checkpoint, scope, sha256 }, o);
    return { rows, checkpoint, scope, bytes };
  } finally {
    rmSync(file, { force: true });
  }
}

async function download(res: Response, file: string, bytes: number, sha256: string, onProgress?: SnapshotOptions['onProgress']): Promise<void> {
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  let got = 0;
  let last = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      got += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
      if (onProgress && got - last >= 16 << 20) {
        last = got;
        onProgress({ phase: 'download', done: got, total: bytes });
      }
    }
  } catch (err) {
    out.destroy();
    throw new SyncError(`snapshot download cut short after ${got} of ${bytes} bytes: ${(err as Error).message}`, true, true);
  }
  out.end();
  await once(out, 'close');
  if (got !== bytes) throw new SnapshotError(`snapshot download: ${got} bytes, the hub announced ${bytes}`);
  const actual = hash.digest('hex');
  if (actual !== sha256) throw new SnapshotError(`snapshot download: sha256 ${actual} differs from the hub's ${sha256}`);
}

/** meta SNAPSHOT_APPLY_KEY: how far the copy of a snapshot got; gone once the cursor is stored. */
interface ApplyMark {
  sha256: string;
  step: number;
  /** Last rowid of the step's table copied. */
  upTo: number;
}

/** Rows per transaction where a table is copied in ranges: the write lock is held ≈ 0.1–0.5 s at a time (env: tests). */
interface Step {
  name: string;
  /** Copied in rowid ranges of this snapshot table (`?, ?` in the statements); null: in one statement. */
  rangeOf: SnapshotTable | null;
  sql: string[];
  /** Rows this step copies (progress). */
  size: string;
}

/**
 * The copy, in the order the pop can use it: products, customers, their search rows, phones,
 * accounts, credit, purchases. A table whose schema in the file is the store's own is copied in
 * one `INSERT INTO t SELECT * FROM snap.t`: into an empty table SQLite then moves records and
 * index entries as they are (≈ 5× faster; 5M purchases hold the write lock ≈ 5 s once). Any
 * other table goes column by column, in rowid ranges.
 */
function copySteps(sqlite: Sqlite): Step[] {
  const cols = (t: SnapshotTable) => snapshotColumns(t).join(', ');
  const range = 'WHERE rowid > ? AND rowid <= ? ORDER BY rowid';
  const count = (t: SnapshotTable) => `SELECT count(*) FROM snap.${t}`;
  const maxRowid = (t: SnapshotTable) => `SELECT coalesce(max(rowid), 0) FROM snap.${t}`;
  const store = (t: StoreTable, rowid: boolean): Step => {
    if (sameSchema(sqlite, t)) return { name: t, rangeOf: null, sql: [`INSERT INTO main.${t} SELECT * FROM snap.${t}`], size: count(t) };
    if (rowid) return { name: t, rangeOf: t, sql: [`INSERT INTO main.${t} (${cols(t)}) SELECT ${cols(t)} FROM snap.${t} ${range}`], size: maxRowid(t) };
    return { name: t, rangeOf: null, sql: [`INSERT INTO main.${t} (${cols(t)}) SELECT ${cols(t)} FROM snap.${t}`], size: count(t) };
  };
  return [
    // (products: a few rows, and triggers on the store's table rule out the transfer anyway)
    { name: 'products', rangeOf: null, sql: [`INSERT INTO main.products (${cols('products')}) SELECT ${cols('products')} FROM snap.products`], size: count('products') },
    store('customers', true),
    {
      name: 'customer_search',
      rangeOf: 'customers',
      sql: [`INSERT INTO main.customer_search (rowid, name, company, email, customer_id, phones)
        SELECT c.id, c.name, c.company, c.email, c.customer_id, p.phones
        FROM snap.customers c JOIN snap.customer_search_phones p ON p.id = c.id
        WHERE c.id > ? AND c.id <= ? ORDER BY c.id`],
      size: maxRowid('customers'),
    },
    store('customer_phones', true),
    store('accounts', false),
    store('credit_terms', false),
    store('purchases', true),
  ];
}

/** Is the file's table (and its indexes) the store's own, text for text? */
function sameSchema(sqlite: Sqlite, table: StoreTable): boolean {
  const of = (schema: string) => JSON.stringify(sqlite.prepare(
    `SELECT type, name, sql FROM ${schema}.sqlite_master WHERE tbl_name = ? AND type IN ('table', 'index') ORDER BY type, name`).raw().all(table));
  return of('main') === of('snap');
}

async function applyFile(sqlite: Sqlite, file: string, want: { checkpoint: number; scope: string; sha256: string }, o: SnapshotOptions): Promise<number> {
  try {
    sqlite.prepare('ATTACH DATABASE ? AS snap').run(file);
  } catch (err) {
    throw new SnapshotError(`snapshot file: ${(err as Error).message}`);
  }
  try {
    const meta = new Map<string, string>();
    try {
      for (const [k, v] of rawStatement(sqlite, 'SELECT key, value FROM snap.snapshot_meta', [computed<string>(), computed<string>()]).all()) meta.set(k, v);
    } catch (err) {
      throw new SnapshotError(`snapshot file: ${(err as Error).message}`);
    }
    const m = (k: keyof typeof SNAPSHOT_META) => meta.get(SNAPSHOT_META[k]);
    const rows = Number(m('rows'));
    if (m('format') !== String(SNAPSHOT_FORMAT) || m('scope') !== want.scope || m('checkpoint') !== String(want.checkpoint) || !Number.isSafeInteger(rows)) {
      throw new SnapshotError(`snapshot file: its meta (format ${m('format')}, scope ${m('scope')}, checkpoint ${m('checkpoint')}, rows ${m('rows')}) does not match the hub's headers`);
    }
    const t0 = performance.now();
    for (const t of Object.keys(SNAPSHOT_TABLES) as SnapshotTable[]) checkTable(sqlite, t);
    const lines = readLines(sqlite, want.checkpoint);
    const t1 = performance.now();

    // Where a copy killed midway got to: the same file resumes there; another one starts over.
    let mark = readMark(sqlite);
    if (mark && mark.sha256 !== want.sha256) {
      o.log?.('sync: a copy of an older snapshot was left unfinished; clearing it first');
      dropUnfinishedSnapshot(sqlite);
      mark = null;
    }
    if (!mark && !holdsNothingSynced(sqlite)) throw new SnapshotError('the store already holds synced rows; a snapshot only fills an empty one');
    mark ??= { sha256: want.sha256, step: 0, upTo: 0 };

    // Why a transaction per table (or per chunk of rows), each WITH the mark: one transaction for
    // everything would hold SQLite's only write lock for most of a minute, and the host's call
    // records would wait that long in memory. Each commits its rows and the mark together, so a
    // kill resumes at a boundary, never copying a row twice or skipping one.
    const steps = copySteps(sqlite);
    const chunk = o.chunkRows ?? DESKTOP_DEFAULTS.snapshotChunkRows;
    const took: string[] = [];
    const sizes = steps.map((st) => pluckStatement(sqlite, st.size, computed<number>()).get()!);
    const total = sizes.reduce((a, b) => a + b, 0);
    let done = sizes.slice(0, mark.step).reduce((a, b) => a + b, 0) + mark.upTo;
    const turn = async (): Promise<void> => {
      await new Promise<void>((r) => setImmediate(r)); // messages, and the host's writes, get their turn
      if (o.stopping?.()) throw new SyncError('sync stopped during the snapshot copy (it resumes from its mark)', false);
    };
    for (let step = mark.step; step < steps.length; step++) {
      const ts = performance.now();
      const st = steps[step]!;
      const stmts = st.sql.map((q) => sqlite.prepare(q));
      if (st.rangeOf) {
        const last = sizes[step]!;
        let upTo = step === mark.step ? mark.upTo : 0;
        while (upTo < last) {
          const to = Math.min(last, upTo + chunk);
          sqlite.transaction(() => {
            for (const s of stmts) s.run(upTo, to);
            writeMark(sqlite, { sha256: want.sha256, step, upTo: to });
          }).immediate();
          done += to - upTo;
          upTo = to;
          o.onProgress?.({ phase: 'copy', done, total });
          await turn();
        }
      } else {
        sqlite.transaction(() => {
          for (const s of stmts) s.run();
          writeMark(sqlite, { sha256: want.sha256, step: step + 1, upTo: 0 });
        }).immediate();
        done += sizes[step]!;
        o.onProgress?.({ phase: 'copy', done, total });
        await turn();
      }
      took.push(`${st.name}${st.rangeOf ? '' : ' (one statement)'} ${((performance.now() - ts) / 1000).toFixed(1)}`);
    }
    // The rest and the cursor that says "everything up to the checkpoint is here", together.
    sqlite.transaction(() => {
      o.apply(lines);
      o.commitCursor(want.checkpoint, want.scope);
      deleteMeta(sqlite, SNAPSHOT_APPLY_KEY);
    }).immediate();
    o.log?.(`sync: snapshot checked in ${((t1 - t0) / 1000).toFixed(1)} s, written in ${((performance.now() - t1) / 1000).toFixed(1)} s (${took.join(', ')})`);
    return rows;
  } finally {
    sqlite.prepare('DETACH DATABASE snap').run();
  }
}

/** The snapshot's other change lines, validated like a pull page's. */
function readLines(sqlite: Sqlite, checkpoint: number): ChangeLine[] {
  const lines: ChangeLine[] = [];
  for (const [seq, line] of rawStatement(sqlite, 'SELECT seq, line FROM snap.lines ORDER BY seq', [computed<number>(), computed<string>()]).iterate()) {
    let parsed;
    try {
      parsed = parsePullLine(line);
    } catch (err) {
      throw new SnapshotError(`snapshot lines seq ${seq}: ${(err as Error).message.slice(0, 300)}`);
    }
    if (!('entity' in parsed) || parsed.seq !== seq || parsed.seq > checkpoint) {
      throw new SnapshotError(`snapshot lines seq ${seq}: not a change line up to the checkpoint`);
    }
    lines.push(parsed);
  }
  return lines;
}

function readMark(sqlite: Sqlite): ApplyMark | null {
  const raw = getMeta(sqlite, SNAPSHOT_APPLY_KEY);
  return raw ? (JSON.parse(raw) as ApplyMark) : null;
}

function writeMark(sqlite: Sqlite, mark: ApplyMark): void {
  setMeta(sqlite, SNAPSHOT_APPLY_KEY, JSON.stringify(mark));
}

/** A copy was left unfinished (killed): the store holds part of a snapshot and cursor 0. */
export function snapshotUnfinished(sqlite: Sqlite): boolean {
  return readMark(sqlite) !== null;
}

/** Drops a partial copy, if any (before the stream from 0, which has no tombstones for what it holds). */
export function dropUnfinishedSnapshot(sqlite: Sqlite): void {
  if (!snapshotUnfinished(sqlite)) return;
  sqlite.transaction(() => {
    clearSynced(sqlite);
    deleteMeta(sqlite, SNAPSHOT_APPLY_KEY);
  }).immediate();
}

function checkTable(sqlite: Sqlite, t: SnapshotTable): void {
  let bad: [string, string] | undefined;
  try {
    bad = rawStatement(sqlite, snapshotCheckSql('snap', t), [computed<string>(), computed<string>()]).get();
  } catch (err) {
    throw new SnapshotError(`snapshot ${t}: ${(err as Error).message}`);
  }
  if (bad) throw new SnapshotError(`snapshot ${t} ${bad[0]}: ${bad[1]}`);
}

