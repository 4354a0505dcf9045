// The pull stream: "everything in your scope after N", in change-number order, as NDJSON.
//
// Fast path by construction: the change log stores each row's wire JSON; rows are read in
// keyset chunks (seq > cursor ORDER BY seq LIMIT k) straight off an index, one bucket per UNION
// branch, so every chunk costs O(k) however far into the log it is; PostgreSQL concatenates a
// chunk's lines into one text value (no per-row work in Node, no JSON.stringify of rows); the
// HTTP layer streams each chunk as soon as it is read (gzip level 1 when accepted).
//
// Consistency: the watermark W = max committed seq is read in the same snapshot as (or before)
// the rows, and rows are read with seq <= W. Writers take numbers in commit order (src-hub/changes.ts), so every seq <= W
// is already committed and visible; the checkpoint never passes a row we did not read.
import type { CheckpointLine, ResetLine } from '../../src-shared/sync/protocol';
import type { Queryable } from '../db/store';
import type { Scope } from '../scope';

export interface PullParams {
  after: number;
  limit: number;
  /** The scope fingerprint the client got last time (absent on a first pull). */
  scope?: string;
  /** Also count what remains after this page. */
  total?: boolean;
}

/**
 * How a chunk finds its rows:
 *  - 'all'    everything: the primary key in seq order;
 *  - 'wide'   the scope holds a large share of the log: the primary key in seq order, skipping
 *             other buckets (sequential heap reads; a few skipped rows per hit);
 *  - 'narrow' one ordered index range per bucket (bucket, seq), merged: reads only the scope's
 *             rows, however small it is.
 * Both scoped plans cost O(chunk) per chunk wherever the cursor is.
 */
export type Plan = 'all' | 'wide' | 'narrow';

function rowsSql(scope: Scope, liveOnly: boolean, plan: Plan): string {
  const live = liveOnly ? ` AND op = 'u'` : '';
  const upTo = '(SELECT w FROM w)';
  if (plan === 'all') {
    return `SELECT seq, entity, key, op, data FROM changes WHERE seq > $1 AND seq <= ${upTo}${live} ORDER BY seq LIMIT $3`;
  }
  if (plan === 'wide') {
    return `SELECT seq, entity, key, op, data FROM changes WHERE seq > $1 AND seq <= ${upTo} AND bucket = ANY($4::text[])${live} ORDER BY seq LIMIT $3`;
  }
  const branches = scope.buckets.map(
    (_, i) => `(SELECT seq, entity, key, op, data FROM changes WHERE bucket = ($4::text[])[${i + 1}] AND seq > $1 AND seq <= ${upTo}${live} ORDER BY seq LIMIT $3)`,
  );
  return `SELECT seq, entity, key, op, data FROM (${branches.join(' UNION ALL ')}) u ORDER BY seq LIMIT $3`;
}

interface BucketStats {
  at: number;
  /** false until PostgreSQL has statistics for changes.bucket (fresh database). */
  known: boolean;
  freq: Map<string, number>;
  /** Share of each bucket that is not among the most common values. */
  rest: number;
}
const stats = new WeakMap<object, BucketStats | Promise<BucketStats>>();
const STATS_TTL_MS = 30_000;

async function loadStats(db: Queryable): Promise<BucketStats> {
  const r = await db.rows(
    `SELECT most_common_vals::text::text[], most_common_freqs, n_distinct FROM pg_stats
     WHERE schemaname = current_schema() AND tablename = 'changes' AND attname = 'bucket'`);
  const row = r[0];
  if (!row) return { at: Date.now(), known: false, freq: new Map(), rest: 0 };
  const vals = (row[0] as string[] | null) ?? [];
  const freqs = ((row[1] as number[] | null) ?? []).map(Number);
  const nDistinct = Number(row[2]);
  const distinct = nDistinct > 0 ? nDistinct : vals.length;
  const covered = freqs.reduce((a, b) => a + b, 0);
  const rest = distinct > vals.length ? Math.max(0, 1 - covered) / (distinct - vals.length) : 0;
  return { at: Date.now(), known: true, freq: new Map(vals.map((v, i) => [v, freqs[i] ?? 0])), rest };
}

/** Share of the change log in these buckets, from PostgreSQL's statistics (null: unknown). */
async function scopeShare(db: Queryable, buckets: string[]): Promise<number | null> {
  let entry = stats.get(db);
  if (!entry || (!(entry instanceof Promise) && Date.now() - entry.at > STATS_TTL_MS)) {
    const p = loadStats(db);
    stats.set(db, p);
    p.then((v) => stats.set(db, v), () => stats.delete(db));
    entry = p;
  }
  const st = await entry;
  if (!st.known) return null;
  return buckets.reduce((sum, b) => sum + (st.freq.get(b) ?? st.rest), 0);
}

/** Forgets cached statistics (tests; after a big import the next refresh happens within 30 s). */
export function forgetPullStats(db: Queryable): void {
  stats.delete(db);
}

export async function choosePlan(db: Queryable, scope: Scope): Promise<Plan> {
  if (scope.all) return 'all';
  const share = await scopeShare(db, scope.buckets);
  return share !== null && share >= 0.3 ? 'wide' : 'narrow';
}

/**
 * One chunk as ONE row: (watermark, count, last seq, the NDJSON lines joined by newlines).
 * PostgreSQL builds the lines in C from the stored wire JSON, so the hub does no per-row work
 * at all: it receives one string per chunk and writes it to the socket. The first chunk also
 * reads the watermark ($2 null), in the same snapshot as its rows — one round trip per poll.
 */
function chunkSql(scope: Scope, liveOnly: boolean, plan: Plan): string {
  return `WITH w AS MATERIALIZED (SELECT coalesce($2::bigint, (SELECT coalesce(max(seq), 0) FROM changes)) AS w)
    SELECT (SELECT w FROM w), count(*)::int, max(seq), string_agg(CASE WHEN op = 'u'
      THEN '{"seq":' || seq || ',"entity":"' || entity || '","op":"upsert","key":' || to_json(key)::text || ',"data":' || data || '}'
      ELSE '{"seq":' || seq || ',"entity":"' || entity || '","op":"delete","key":' || to_json(key)::text || '}' END, E'\n' ORDER BY seq)
    FROM (${rowsSql(scope, liveOnly, plan)}) c`;
}

function countSql(scope: Scope): string {
  return scope.all
    ? `SELECT count(*) FROM changes WHERE seq > $1`
    : `SELECT count(*) FROM changes WHERE bucket = ANY($2::text[]) AND seq > $1`;
}

/**
 * Yields the response body in pieces: [reset line], chunks of change lines, checkpoint line.
 * A fresh client (after=0) gets live rows only: tombstones concern rows it never had.
 */
export async function* pullBody(db: Queryable, scope: Scope, p: PullParams, chunkSize = 10_000): AsyncGenerator<string> {
  let reset: ResetLine | null = p.scope !== undefined && p.scope !== scope.hash ? { reset: true, reason: 'scope-changed', scope: scope.hash } : null;
  const extra = scope.all ? [] : [scope.buckets];
  const plan = await choosePlan(db, scope);
  // The 'wide' plan is planned per call: a generic plan could not see how large the scope is.
  const prepare = plan !== 'wide';
  const chunk = (after: number, W: number | null, want: number) =>
    db.rows(chunkSql(scope, after === 0, plan), [after, W, want, ...extra], { prepare }).then((r) => r[0]!);
  let after = reset ? 0 : p.after;
  let want = Math.min(chunkSize, p.limit);
  let first = await chunk(after, null, want);
  const W = Number(first[0]);
  if (!reset && after > W) {
    // A cursor beyond anything committed here: the client synced with another (or a restored) database.
    reset = { reset: true, reason: 'cursor-ahead', scope: scope.hash };
    after = 0;
    first = await chunk(0, W, want);
  }
  if (reset) yield JSON.stringify(reset) + '\n';
  const liveOnly = after === 0;
  const sql = chunkSql(scope, liveOnly, plan);
  let cursor = after;
  let count = 0;
  let more = false;
  // Read-ahead: the next chunk is requested before this one is handed to the socket, so
  // PostgreSQL builds chunk N+1 while Node writes (and gzips) chunk N.
  let next: Promise<unknown[]> | null = Promise.resolve(first);
  while (next) {
    const r = await next;
    next = null;
    const n = Number(r[1]);
    if (n > 0) {
      cursor = Number(r[2]);
      count += n;
    }
    const full = n === want;
    if (full && count < p.limit) {
      want = Math.min(chunkSize, p.limit - count);
      next = db.rows(sql, [cursor, W, want, ...extra], { prepare }).then((x) => x[0]!);
      next.catch(() => {}); // surfaced by the await above; no unhandled rejection if we stop early
    } else if (full) {
      // Page full: is there anything left up to W? (saves the client an empty round trip)
      more = (await db.rows(`WITH w AS (SELECT $2::bigint AS w) SELECT 1 FROM (${rowsSql(scope, liveOnly, plan)}) x`, [cursor, W, 1, ...extra])).length > 0;
    }
    if (n > 0) yield `${String(r[3])}\n`;
  }
  const checkpoint = more ? cursor : Math.max(W, after);
  const line: CheckpointLine = { checkpoint, more, count, scope: scope.hash, at: new Date().toISOString() };
  if (p.total || p.after === 0 || reset) {
    const c = await db.rows(countSql(scope), scope.all ? [checkpoint] : [checkpoint, scope.buckets]);
    line.total_after = Number(c[0]?.[0] ?? 0);
  }
  yield JSON.stringify(line) + '\n';
}
