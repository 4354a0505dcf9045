// The desktop side of sync: pull the hub's changes into the local store, push the outbox.
// Nothing on the pop path waits for any of this; the store is always usable offline.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { Sqlite } from '../../db/store';
import { getMeta, setMeta } from '../../db/queries/meta';
import { Outbox } from './outbox';
import { makeApplier, clearSynced } from './apply';
import {
  parsePullLine, PushResponse, PokeMessage, PUSH_MAX_MUTATIONS, EntityData,
  type ChangeLine, type CheckpointLine, type Entity,
} from '../../../src-shared/sync/protocol';
import type { SyncStatus } from '../../../src-shared/sync/status';

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
}

export class SyncError extends Error {
  constructor(message: string, public transient: boolean) {
    super(message);
  }
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

export class SyncClient {
  readonly outbox: Outbox;
  private apply;
  private base: string;
  private state: { online: boolean; live: boolean; error: string | null; progress: SyncStatus['progress'] } = { online: false, live: false, error: null, progress: null };
  private ws: WebSocket | null = null;
  private timers = new Set<NodeJS.Timeout>();
  private running = false;
  private busy: Promise<void> | null = null;
  private again = false;
  private failures = 0;

  constructor(private sqlite: Sqlite, private opts: SyncOptions) {
    this.outbox = new Outbox(sqlite);
    this.apply = makeApplier(sqlite, { warn: (m) => opts.log?.(`sync: ${m}`) });
    this.base = opts.hubUrl.replace(/\/+$/, '');
    clientId(sqlite);
  }

  get cursor(): number {
    return Number(getMeta(this.sqlite, META.cursor) ?? 0);
  }

  status(): SyncStatus {
    const { pending, rejected } = this.outbox.counts();
    return {
      configured: true,
      hubUrl: this.base,
      online: this.state.online,
      live: this.state.live,
      lastSyncedAt: getMeta(this.sqlite, META.at),
      cursor: this.cursor,
      pending,
      rejected,
      rejectedItems: this.outbox.rejected(10).map(({ id, kind, reason, rejectedAt }) => ({ id, kind, reason, rejectedAt })),
      error: this.state.error,
      progress: this.state.progress,
    };
  }

  private emit(): void {
    this.opts.onStatus?.(this.status());
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${this.opts.token}`, ...extra };
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.base + path, { ...init, headers: { ...this.headers(), ...(init.headers as Record<string, string> | undefined) } });
    } catch (err) {
      this.state.online = false;
      throw new SyncError(`hub unreachable: ${(err as Error).cause ? String((err as { cause: unknown }).cause) : (err as Error).message}`, true);
    }
    this.state.online = true;
    if (res.ok) return res;
    const body = await res.text().catch(() => '');
    let message = body.slice(0, 300);
    try {
      const j = JSON.parse(body) as { message?: string; issues?: { path: string; message: string }[] };
      message = [j.message, ...(j.issues ?? []).map((i) => `${i.path}: ${i.message}`)].filter(Boolean).join('; ');
    } catch { /* not JSON */ }
    throw new SyncError(`hub ${res.status} on ${path.split('?')[0]}: ${message}`, res.status >= 500 || res.status === 429);
  }

  /**
   * Pulls one page and applies it with its checkpoint in ONE transaction. A page that is cut
   * short (no checkpoint line) or has any malformed line is rejected whole: nothing applied,
   * cursor unchanged.
   */
  async pullPage(): Promise<{ count: number; more: boolean; checkpoint: number; totalAfter: number | null }> {
    const after = this.cursor;
    const scope = getMeta(this.sqlite, META.scope);
    const q = new URLSearchParams({ after: String(after), limit: String(this.opts.pageSize ?? 50_000) });
    if (scope) q.set('scope', scope);
    if (after === 0 || this.state.progress) q.set('total', '1');
    const res = await this.request(`/v1/sync/pull?${q}`, { headers: { 'Accept-Encoding': 'gzip' } });
    if (!res.body) throw new SyncError('hub sent an empty pull response', true);
    const changes: ChangeLine[] = [];
    let checkpoint: CheckpointLine | null = null;
    let reset = false;
    let lineNo = 0;
    const decoder = new TextDecoder();
    let buf = '';
    const take = (line: string): void => {
      lineNo++;
      if (!line.trim()) return;
      if (checkpoint) throw new SyncError(`pull page: line ${lineNo}: data after the checkpoint line`, false);
      let parsed;
      try {
        parsed = parsePullLine(line);
      } catch (err) {
        throw new SyncError(`pull page rejected: line ${lineNo}: ${describeBadLine(line, err)}`, false);
      }
      if ('checkpoint' in parsed) checkpoint = parsed;
      else if ('reset' in parsed) {
        if (lineNo !== 1) throw new SyncError(`pull page rejected: line ${lineNo}: reset must be the first line`, false);
        reset = true;
      } else changes.push(parsed);
    };
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          take(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      }
    } catch (err) {
      if (err instanceof SyncError) throw err;
      throw new SyncError(`pull interrupted: ${(err as Error).message}`, true);
    }
    if (buf.trim()) take(buf);
    const cp = checkpoint as CheckpointLine | null;
    if (!cp) throw new SyncError('pull page cut short (no checkpoint line): discarded', true);
    for (let i = 1; i < changes.length; i++) {
      if (changes[i]!.seq <= changes[i - 1]!.seq) throw new SyncError(`pull page rejected: change seq ${changes[i]!.seq} out of order`, false);
    }
    // Why one transaction: the page's rows and the cursor that says "I have them" must land
    // together. Killed before COMMIT, we pull this page again; after, we never pull it twice.
    this.sqlite.transaction(() => {
      if (reset) clearSynced(this.sqlite);
      this.apply(changes);
      setMeta(this.sqlite, META.cursor, String(cp.checkpoint));
      setMeta(this.sqlite, META.scope, cp.scope);
      setMeta(this.sqlite, META.at, new Date().toISOString());
    }).immediate();
    if (changes.length) this.opts.onChanged?.(changes.length, new Set(changes.map((c) => c.entity)));
    return { count: changes.length, more: cp.more, checkpoint: cp.checkpoint, totalAfter: cp.total_after ?? null };
  }

  /** Pulls until the hub has nothing more, reporting progress (rows, percent, ETA). */
  async pullAll(): Promise<number> {
    let rows = 0;
    let total: number | null = null;
    const t0 = Date.now();
    try {
      for (;;) {
        const p = await this.pullPage();
        rows += p.count;
        if (p.totalAfter !== null) total = rows + p.totalAfter;
        if (p.more) {
          const percent = total ? Math.min(100, (rows / total) * 100) : null;
          const rate = rows / Math.max(0.001, (Date.now() - t0) / 1000);
          this.state.progress = { rows, total, percent, etaS: total ? Math.max(0, (total - rows) / rate) : null };
          this.emit();
        } else break;
      }
    } finally {
      this.state.progress = null;
    }
    return rows;
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
  async syncOnce(): Promise<{ pushed: number; rejected: number; pulled: number }> {
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
      const msg = PokeMessage.safeParse(safeJson(data.toString()));
      if (msg.success && msg.data.seq > this.cursor) this.kick();
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

/** Names the field that is wrong, not just "invalid input" (the union hides which member failed). */
function describeBadLine(line: string, err: unknown): string {
  const v = safeJson(line) as { entity?: string; op?: string; data?: unknown } | null;
  if (v === null) return `not valid JSON: ${line.slice(0, 80)}`;
  if (v.op === 'upsert' && typeof v.entity === 'string' && v.entity in EntityData) {
    const r = EntityData[v.entity as keyof typeof EntityData].safeParse(v.data);
    if (!r.success) {
      const i = r.error.issues[0]!;
      return `data.${i.path.join('.')}: ${i.message} (${v.entity})`;
    }
  }
  const i = (err as { issues?: { path: (string | number)[]; message: string }[] }).issues?.[0];
  return i ? `${i.path.join('.') || 'line'}: ${i.message}` : (err as Error).message;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
