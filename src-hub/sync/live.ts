// Live pokes over WebSocket. Writers NOTIFY on the change channel inside their transaction
// (PostgreSQL delivers it on COMMIT, to every hub instance LISTENing — also under PGlite, which
// implements LISTEN/NOTIFY within the process). Each instance coalesces notices for a short
// window and pokes the sockets whose scope was touched. A poke carries no data: clients pull.
import type { WebSocket } from 'ws';
import type { PokeMessage } from '../../src-shared/sync/protocol';
import type { AgentStatePoke } from '../../src-shared/agent-state/states';
import { AGENT_CHANNEL, type AgentNotice } from '../agents/states';
import type { Store } from '../db/store';
import { CHANGE_CHANNEL, highWater, type ChangeNotice } from '../changes';
import type { Scope } from '../scope';

interface Conn {
  ws: WebSocket;
  scope: Scope;
  alive: boolean;
  /** The signed-in user: told when someone else changes their agent state. */
  user: string | null;
}

export interface LiveOptions {
  /** Coalescing window for pokes (ms). */
  coalesceMs?: number;
  /** WebSocket ping interval (ms); dead peers are dropped after one missed pong. */
  pingMs?: number;
}

export class LiveHub {
  private conns = new Set<Conn>();
  private pendingSeq = 0;
  private pendingBuckets: Set<string> | null = null; // null = everyone
  private pending = false;
  private timer: NodeJS.Timeout | null = null;
  private pinger: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private readonly coalesceMs: number;
  private readonly pingMs: number;

  constructor(private readonly store: Store, opts: LiveOptions = {}) {
    this.coalesceMs = opts.coalesceMs ?? 50;
    this.pingMs = opts.pingMs ?? 30_000;
  }

  async start(): Promise<void> {
    const a = await this.store.listen(CHANGE_CHANNEL, (payload) => void this.onNotice(payload));
    const b = await this.store.listen(AGENT_CHANNEL, (payload) => this.onAgent(payload));
    this.unlisten = async () => {
      await a();
      await b();
    };
    this.pinger = setInterval(() => {
      for (const c of this.conns) {
        if (!c.alive) {
          c.ws.terminate();
          continue;
        }
        c.alive = false;
        c.ws.ping();
      }
    }, this.pingMs);
    this.pinger.unref();
  }

  get size(): number {
    return this.conns.size;
  }

  /** Registers a socket and pokes it with the current high-water mark. */
  async add(ws: WebSocket, scope: Scope, user: string | null = null): Promise<void> {
    const conn: Conn = { ws, scope, alive: true, user };
    this.conns.add(conn);
    ws.on('pong', () => { conn.alive = true; });
    ws.on('close', () => this.conns.delete(conn));
    ws.on('error', () => this.conns.delete(conn));
    ws.on('message', () => { /* clients have nothing to say; ignore */ });
    const seq = await highWater(this.store);
    send(ws, { type: 'poke', seq });
  }

  /** A state set by a supervisor or the PBX reaches the agent's desktops; their own changes do not echo. */
  private onAgent(payload: string): void {
    let n: AgentNotice;
    try {
      n = JSON.parse(payload) as AgentNotice;
    } catch {
      return;
    }
    if (!n?.name || n.setBy === n.name) return;
    const msg = JSON.stringify({ type: 'agentState', state: n.desktopState, reason: n.desktopReason ?? null, since: n.since, setBy: n.setBy } satisfies AgentStatePoke);
    for (const c of this.conns) if (c.user === n.name && c.ws.readyState === c.ws.OPEN) c.ws.send(msg);
  }

  private async onNotice(payload: string): Promise<void> {
    let notice: ChangeNotice | null = null;
    try {
      const v = JSON.parse(payload) as ChangeNotice;
      if (typeof v.seq === 'number') notice = v;
    } catch { /* '' after a LISTEN reconnect, or garbage: poke everyone */ }
    if (!notice) notice = { seq: await highWater(this.store).catch(() => 0) };
    this.pendingSeq = Math.max(this.pendingSeq, notice.seq);
    if (!this.pending) {
      this.pending = true;
      this.pendingBuckets = notice.buckets ? new Set(notice.buckets) : null;
    } else if (this.pendingBuckets) {
      if (!notice.buckets) this.pendingBuckets = null;
      else for (const b of notice.buckets) this.pendingBuckets.add(b);
    }
    this.timer ??= setTimeout(() => this.flush(), this.coalesceMs);
  }

  private flush(): void {
    this.timer = null;
    const buckets = this.pendingBuckets;
    const msg = JSON.stringify({ type: 'poke', seq: this.pendingSeq } satisfies PokeMessage);
    this.pending = false;
    this.pendingBuckets = null;
    this.pendingSeq = 0;
    for (const c of this.conns) {
      if (buckets && !c.scope.all && !c.scope.buckets.some((b) => buckets.has(b))) continue;
      if (c.ws.readyState === c.ws.OPEN) c.ws.send(msg);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    if (this.pinger) clearInterval(this.pinger);
    this.timer = this.pinger = null;
    for (const c of this.conns) c.ws.close(1001, 'hub shutting down');
    this.conns.clear();
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
  }
}

function send(ws: WebSocket, msg: PokeMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}
