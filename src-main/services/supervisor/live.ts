// ONE WebSocket to the hub's live statistics (GET /v1/stats/live) while some renderer has the
// Queues view open. A view holds a lease (queueStatsWatch {on:true}) and renews it while open; the
// socket closes when the last lease is dropped or runs out (a tab closed without saying so).
// Each message is checked with zod and relayed; a malformed one is logged and skipped. A socket
// that drops reconnects with a growing delay while a lease holds.
import WebSocket from 'ws';
import { LiveStatsMessage, type QueueStats } from '../../../src-shared/supervisor/stats';
import type { HubLink } from '../agent-state/hub';
import { hubBase } from './hub';

/** A view renews every 20 s (see the renderer's store); three missed renewals end its lease. */
export const LEASE_MS = 60_000;
const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

export interface LiveStatsOptions {
  link: HubLink;
  emit: (stats: QueueStats) => void;
  log: (line: string) => void;
  now?: () => number;
}

export class LiveStatsWatch {
  private leases = new Map<string, number>();
  private socket: WebSocket | null = null;
  private retry: NodeJS.Timeout | null = null;
  private expiry: NodeJS.Timeout | null = null;
  private failures = 0;
  private open = false;
  private lastBadShape = '';

  constructor(private readonly o: LiveStatsOptions) {}

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** A view's lease on (renewed) or off; answers whether the socket is open now. */
  watch(id: string, on: boolean): { watching: boolean; connected: boolean } {
    if (on) this.leases.set(id, this.now() + LEASE_MS);
    else this.leases.delete(id);
    this.sweep();
    return { watching: this.leases.size > 0, connected: this.open };
  }

  close(): void {
    this.leases.clear();
    this.sweep();
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, until] of this.leases) if (until <= now) this.leases.delete(id);
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    if (this.leases.size === 0) {
      this.disconnect();
      return;
    }
    const next = Math.min(...this.leases.values()) - now;
    this.expiry = setTimeout(() => this.sweep(), Math.max(10, next));
    this.expiry.unref?.();
    if (!this.socket && !this.retry) this.connect();
  }

  private disconnect(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const s = this.socket;
    this.socket = null;
    this.open = false;
    this.failures = 0;
    if (s) {
      s.removeAllListeners();
      s.on('error', () => {}); // a close before the handshake ends emits one
      s.terminate();
    }
  }

  private connect(): void {
    const url = `${hubBase(this.o.link).replace(/^http/, 'ws')}/v1/stats/live`;
    const s = new WebSocket(url, { headers: { Authorization: `Bearer ${this.o.link.token}` }, handshakeTimeout: 10_000 });
    this.socket = s;
    s.on('open', () => {
      this.open = true;
      this.failures = 0;
    });
    s.on('message', (data) => this.relay(String(data)));
    s.on('error', (err) => this.o.log(`supervisor: live statistics: ${err.message}`));
    s.on('close', () => {
      if (this.socket !== s) return;
      this.socket = null;
      this.open = false;
      if (this.leases.size === 0) return;
      const wait = RETRY_MS[Math.min(this.failures++, RETRY_MS.length - 1)]!;
      this.retry = setTimeout(() => {
        this.retry = null;
        if (this.leases.size > 0 && !this.socket) this.connect();
      }, wait);
      this.retry.unref?.();
    });
  }

  private relay(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = null;
    }
    const parsed = LiveStatsMessage.safeParse(raw);
    if (!parsed.success) {
      const what = parsed.error.issues[0]?.path.join('.') || 'message';
      if (what !== this.lastBadShape) this.o.log(`supervisor: a live statistics message with an unexpected shape (${what}) was skipped`);
      this.lastBadShape = what;
      return;
    }
    const { type: _t, ...stats } = parsed.data;
    this.o.emit(stats);
  }
}
