// The desktop side of sync: pull the hub's changes into the local store, push the outbox.
// Nothing on the pop path waits for any of this; the store is always usable offline.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { Sqlite } from '../../db/store';
import { getMeta, setMeta } from '../../db/queries/meta';
import { computed, pluckStatement } from '../../db/queries/typed';
import { Outbox } from './outbox';
import { makeApplier, clearSynced } from './apply';
import { ENTITIES, LiveMessage, PushResponse, PUSH_MAX_MUTATIONS, type Entity } from '../../../src-shared/sync/protocol';
import type { AgentStatePoke } from '../../../src-shared/agent-state/states';
import { SnapshotError, dropUnfinishedSnapshot, holdsNothingSynced, snapshotUnfinished, syncFromSnapshot } from './snapshot';
import { DESKTOP_DEFAULTS, syncTuningOf, type SyncTuning } from '../../config';
import { fetchPage, hubFetch, safeJson, SyncError, type PageRequest } from './page';
import { inThreadPages, threadPage, workerPages, type AppliedPage, type PageStream } from './pages';
import { deferIndexes, finishDeferredIndexes, pendingIndexes } from '../../db/queries/indexes';
import type { SyncStatus } from '../../../src-shared/sync/status';
import type { SyncHandle, SyncLiveState, SyncRound } from './handle';

export interface SyncOptions {
  hubUrl: string;
  token: string;
  pageSize?: number;
  /** Safety-net poll while the live socket is up, and the poll period while it is down. */
  pollMs?: number;
  downPollMs?: number;
  onStatus?: (s: SyncStatus) => void;
  /** After a page commits: how many rows and of which entities (e.g. reload offers on 'offerModel'). */
  onChanged?: (rows: number, entities: ReadonlySet<Entity>) => void;
  log?: (line: string) => void;
  /** The live socket said a supervisor changed this agent's state (applied by the host, never pushed back). */
  onAgentState?: (poke: AgentStatePoke) => void;
  /** The pull worker's file where a bundler made one (Electron); found beside pages.ts otherwise. */
  pullWorkerEntry?: string;
  /** The configuration's sync settings (PRONTO_SYNC_*, PRONTO_SNAPSHOT_CHUNK_ROWS); defaults where absent. */
  tuning?: Partial<SyncTuning>;
}

const META = { cursor: 'sync_cursor', scope: 'sync_scope', at: 'sync_at', client: 'client_id' } as const;

export function clientId(sqlite: Sqlite): string {
  let id = getMeta(sqlite, META.client);
  if (!id) {
    id = `desk-${randomUUID()}`;
    setMeta(sqlite, META.client, id);
  }
  return id;
}

/**
 * What the store says about sync, read on any connection: the host reads it on its own while the
 * client writes on another (a sync thread), so pending writes show the moment the agent makes them.
 */
export function storedSyncStatus(sqlite: Sqlite, outbox: Outbox): Pick<SyncStatus, 'lastSyncedAt' | 'cursor' | 'pending' | 'rejected' | 'rejectedItems'> {
  const { pending, rejected } = outbox.counts();
  return {
    lastSyncedAt: getMeta(sqlite, META.at),
    cursor: Number(getMeta(sqlite, META.cursor) ?? 0),
    pending,
    rejected,
    rejectedItems: outbox.rejected(10).map(({ id, kind, reason, rejectedAt }) => ({ id, kind, reason, rejectedAt })),
  };
}

export class SyncClient implements SyncHandle {
  readonly outbox: Outbox;
  private apply;
  private base: string;
  private state: { online: boolean; live: boolean; error: string | null; progress: SyncStatus['progress'] } = { online: false, live: false, error: null, progress: null };
  private ws: WebSocket | null = null;
  private timers = new Set<NodeJS.Timeout>();
  private running = false;
  /** Set by stop(): a pull in progress ends at its next page boundary. */
  private stopping = false;
  private busy: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private tuning: SyncTuning;

  constructor(private sqlite: Sqlite, private opts: SyncOptions) {
    this.tuning = { ...syncTuningOf(DESKTOP_DEFAULTS), ...opts.tuning };
    this.outbox = new Outbox(sqlite);
    this.apply = makeApplier(sqlite, { warn: (m) => opts.log?.(`sync: ${m}`) });
    this.base = opts.hubUrl.replace(/\/+$/, '');
    clientId(sqlite);
  }

  get cursor(): number {
    return Number(getMeta(this.sqlite, META.cursor) ?? 0);
  }

  status(): SyncStatus {
    return { configured: true, hubUrl: this.base, ...this.liveState(), ...storedSyncStatus(this.sqlite, this.outbox) };
  }

  liveState(): SyncLiveState {
    const { online, live, error, progress } = this.state;
    return { online, live, error, progress };
  }

  private emit(): void {
    this.opts.onStatus?.(this.status());
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${this.opts.token}`, ...extra };
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    return this.online(hubFetch(this.base + path, this.opts.token, init));
  }

  /** Tracks reachability from the outcome of any hub call. */
  private async online<T>(p: Promise<T>): Promise<T> {
    try {
      const v = await p;
      this.state.online = true;
      return v;
    } catch (err) {
      if (err instanceof SyncError) this.state.online = !err.offline;
      throw err;
    }
  }

  private pageRequest(total: boolean): PageRequest {
    return {
      base: this.base, token: this.opts.token, after: this.cursor, scope: getMeta(this.sqlite, META.scope),
      limit: this.opts.pageSize ?? 50_000, total,
    };
  }

  /**
   * Applies a page with its checkpoint in ONE transaction.
   * Why one transaction: the page's rows and the cursor that says "I have them" must land
   * together. Killed before COMMIT, we pull this page again; after, we never pull it twice.
   */
  private applyPage(page: AppliedPage): void {
    const cp = page.checkpoint;
    this.sqlite.transaction(() => {
      if (page.reset) clearSynced(this.sqlite);
      this.apply(page.items);
      setMeta(this.sqlite, META.cursor, String(cp.checkpoint));
      setMeta(this.sqlite, META.scope, cp.scope);
      setMeta(this.sqlite, META.at, new Date().toISOString());
    }).immediate();
    if (page.count) this.opts.onChanged?.(page.count, page.entities);
  }

  /** Pulls one page and applies it (a malformed or cut-short page: nothing applied, cursor unchanged). */
  async pullPage(): Promise<{ count: number; more: boolean; checkpoint: number; totalAfter: number | null }> {
    const page = threadPage(await this.online(fetchPage(this.pageRequest(this.state.progress !== null))));
    this.applyPage(page);
    const cp = page.checkpoint;
    return { count: page.count, more: cp.more, checkpoint: cp.checkpoint, totalAfter: cp.total_after ?? null };
  }

  /**
   * Pulls until the hub has nothing more, reporting progress (rows, percent, ETA). The first
   * page says how much is coming; a long pull (initial sync) then fetches the rest in a worker.
   */
  async pullAll(): Promise<number> {
    const t0 = Date.now();
    let rows = 0;
    // Never synced (no cursor stored yet, not even 0): a snapshot may give the start.
    if (getMeta(this.sqlite, META.cursor) === null) {
      if (this.tuning.syncSnapshot && (snapshotUnfinished(this.sqlite) || holdsNothingSynced(this.sqlite))) rows += await this.pullSnapshot();
      else dropUnfinishedSnapshot(this.sqlite);
    }
    let total: number | null = null;
    let stream: PageStream | null = null;
    let page: AppliedPage | null = threadPage(await this.online(fetchPage(this.pageRequest(true))));
    const after = page.checkpoint.total_after;
    if (after !== undefined) total = page.count + after;
    this.beginBulk(total ?? 0);
    try {
      while (page) {
        this.applyPage(page);
        rows += page.count;
        if (!page.checkpoint.more) break;
        const rate = rows / Math.max(0.001, (Date.now() - t0) / 1000);
        this.state.progress = {
          rows, total, percent: total ? Math.min(100, (rows / total) * 100) : null,
          etaS: total ? Math.max(0, (total - rows) / rate) : null,
        };
        this.emit();
        if (!stream) {
          const rest = this.pageRequest(false);
          stream = this.tuning.syncWorker && (after ?? 0) >= this.tuning.syncWorkerMinRows
            ? workerPages(rest, { aheadMb: this.tuning.syncAheadMb, entry: this.opts.pullWorkerEntry })
            : inThreadPages(rest);
          if (stream.via === 'worker') this.opts.log?.(`sync: ${after} changes to pull, fetched and checked in a worker thread`);
        }
        page = await this.online(stream.next());
        // Pages the worker fetched ahead come back as settled promises: without a turn of the
        // event loop here, a host running this on its own thread answers nothing (no pop)
        // until the whole backlog is written.
        await new Promise<void>((r) => setImmediate(r));
        if (this.stopping) throw new SyncError('sync stopped', false);
      }
    } finally {
      stream?.close();
      // Also after an error: the pop must not stay without its indexes while we are offline.
      // Not when stopping (the app is closing): the next start builds them (openStore).
      if (!this.stopping) this.endBulk();
      this.state.progress = null;
    }
    return rows;
  }

  /**
   * An empty store starts from the hub's snapshot of its scope when there is one (many times
   * faster than the stream: see src-shared/sync/snapshot.ts); the stream then brings what changed
   * since. No snapshot, or a bad one: the stream does it all, as before.
   */
  private async pullSnapshot(): Promise<number> {
    const t0 = Date.now();
    try {
      const r = await this.online(syncFromSnapshot(this.sqlite, {
        base: this.base,
        token: this.opts.token,
        log: this.opts.log,
        stopping: () => this.stopping,
        chunkRows: this.tuning.snapshotChunkRows,
        apply: (lines) => this.apply(lines),
        commitCursor: (checkpoint, scope) => {
          setMeta(this.sqlite, META.cursor, String(checkpoint));
          setMeta(this.sqlite, META.scope, scope);
          setMeta(this.sqlite, META.at, new Date().toISOString());
        },
        onProgress: ({ phase, done, total }) => {
          // One bar for the agent: the download is about a fifth of a snapshot sync's time here.
          const share = phase === 'download' ? (done / total) * 0.2 : 0.2 + (done / total) * 0.8;
          const elapsed = Math.max(0.001, (Date.now() - t0) / 1000);
          this.state.progress = {
            rows: phase === 'copy' ? done : 0, total: phase === 'copy' ? total : null, percent: Math.min(100, share * 100),
            etaS: share > 0.02 ? (elapsed / share) * (1 - share) : null, phase: 'snapshot',
          };
          this.emit();
        },
      }));
      if (!r) {
        // No snapshot (any more): a copy killed midway goes, the stream from 0 has no tombstones for it.
        dropUnfinishedSnapshot(this.sqlite);
        return 0;
      }
      this.opts.log?.(`sync: snapshot of ${r.rows} rows (${(r.bytes / 1e6).toFixed(1)} MB) applied in ${((Date.now() - t0) / 1000).toFixed(1)} s, at change ${r.checkpoint}`);
      this.opts.onChanged?.(r.rows, new Set(ENTITIES));
      return r.rows;
    } catch (err) {
      if (!(err instanceof SnapshotError)) throw err;
      this.opts.log?.(`sync: the hub's snapshot was not used (${err.message}); pulling the change stream instead`);
      dropUnfinishedSnapshot(this.sqlite);
      return 0;
    } finally {
      this.state.progress = null;
    }
  }

  /**
   * A pull at least as large as what the store holds (an initial sync, a resync after a scope
   * change) builds the purchase-history index once at its end instead of row by row. Pops during
   * the load still work, reading purchases without that index.
   */
  private beginBulk(incoming: number): void {
    if (pendingIndexes(this.sqlite).length) return; // resuming a bulk load that was killed
    if (incoming < this.tuning.syncBulkMinRows) return;
    const held = pluckStatement(this.sqlite, 'SELECT coalesce(max(rowid), 0) FROM purchases', computed<number>()).get()!;
    if (incoming < held) return;
    const set = deferIndexes(this.sqlite, SYNC_BULK_INDEXES);
    if (set.length) this.opts.log?.(`sync: ${incoming} changes to pull: building ${SYNC_BULK_INDEXES.join(', ')} at the end`);
  }

  private endBulk(): void {
    const t = performance.now();
    const n = finishDeferredIndexes(this.sqlite);
    if (n) this.opts.log?.(`sync: ${n} deferred index(es) built in ${Math.round(performance.now() - t)} ms`);
  }

  /** Sends the outbox in order, in batches; transient errors leave it for the next attempt. */
  async pushAll(): Promise<{ applied: number; rejected: number }> {
    let applied = 0, rejected = 0;
    for (;;) {
      const batch = this.outbox.pending(Math.min(PUSH_MAX_MUTATIONS, 500));
      if (!batch.length) break;
      const body = JSON.stringify({ clientId: clientId(this.sqlite), mutations: batch.map((m) => ({ id: m.id, seq: m.seq, kind: m.kind, payload: m.payload })) });
      let res: Response;
      try {
        res = await this.request('/v1/sync/push', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      } catch (err) {
        this.outbox.failed(batch.map((m) => m.id), (err as Error).message);
        throw err;
      }
      const parsed = PushResponse.safeParse(await res.json().catch(() => null));
      if (!parsed.success) throw new SyncError('hub sent a malformed push response', true);
      const known = new Set(batch.map((m) => m.id));
      const ok = parsed.data.applied.filter((id) => known.has(id));
      const bad = parsed.data.rejected.filter((r) => known.has(r.id));
      this.outbox.settle(ok, bad);
      applied += ok.length;
      rejected += bad.length;
      if (ok.length + bad.length === 0) throw new SyncError('hub acknowledged nothing of the batch', true);
    }
    return { applied, rejected };
  }

  /** One full round: push what we have, then pull until up to date. */
  async syncOnce(): Promise<SyncRound> {
    try {
      const p = await this.pushAll();
      const pulled = await this.pullAll();
      this.state.error = null;
      this.failures = 0;
      return { pushed: p.applied, rejected: p.rejected, pulled };
    } catch (err) {
      this.state.error = (err as Error).message;
      throw err;
    } finally {
      this.emit();
    }
  }

  /** Runs a round now, or right after the current one (coalescing pokes). */
  kick(): void {
    if (!this.running) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = this.syncOnce()
      .then(() => undefined, (err: unknown) => {
        this.failures++;
        this.opts.log?.(`sync: ${(err as Error).message}`);
        if (!(err instanceof SyncError) || err.transient) this.later(backoff(this.failures), () => this.kick());
      })
      .finally(() => {
        this.busy = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private later(ms: number, f: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      f();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  /** Live mode: WebSocket pokes, a slow safety-net poll, a faster poll while the socket is down. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.connect(0);
    const poll = (): void => {
      this.kick();
      this.later(this.state.live ? this.opts.pollMs ?? 60_000 : this.opts.downPollMs ?? 10_000, poll);
    };
    poll();
  }

  private connect(attempt: number): void {
    if (!this.running) return;
    const url = this.base.replace(/^http/, 'ws') + '/v1/sync/live';
    const ws = new WebSocket(url, { headers: this.headers() });
    this.ws = ws;
    ws.on('open', () => {
      attempt = 0;
      this.state.live = true;
      this.emit();
    });
    ws.on('message', (data) => {
      const msg = LiveMessage.safeParse(safeJson(data.toString()));
      if (!msg.success) return;
      if (msg.data.type === 'agentState') this.opts.onAgentState?.(msg.data);
      else if (msg.data.seq > this.cursor) this.kick();
    });
    ws.on('error', () => { /* close follows */ });
    ws.on('close', () => {
      if (this.ws === ws) this.ws = null;
      const was = this.state.live;
      this.state.live = false;
      if (was) this.emit();
      if (this.running) this.later(backoff(attempt + 1), () => this.connect(attempt + 1));
    });
  }

  /** The network came back or the machine woke up: try at once instead of waiting for backoff. */
  wake(): void {
    if (!this.running) return;
    if (!this.ws) this.connect(0);
    this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.ws?.terminate();
    this.ws = null;
    await this.busy;
  }
}

/** Exponential backoff with full jitter, capped: 0.5 s, 1 s, 2 s … 30 s. */
export function backoff(attempt: number): number {
  const cap = Math.min(30_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + Math.random() * (cap / 2));
}

/** Indexes an initial sync builds at its end (see db/queries/indexes.ts for the measured gain). */
const SYNC_BULK_INDEXES = ['purchases_customer_time'];


