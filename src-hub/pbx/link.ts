// The hub's side of the PBX event link: a TCP connection to Kamailio's evapi module
// (deploy/kamailio/queue.cfg), netstring-framed JSON both ways.
//
//   hub → PBX   the queues, each team's extensions and every agent's state (all of it at each
//               connect, then each change as it commits: AGENT_CHANNEL / 'pronto_pbx_config')
//   PBX → hub   queue events and registrations, each with a sequence number. evapi buffers
//               nothing, so the PBX keeps a day of events and the hub asks for a replay after the
//               last sequence it stored (`pbx_cursor` in hub_meta, written in the same transaction
//               as the events: an atomic cursor). Events are de-duplicated by id, so a replay, a
//               reconnect or a second hub instance on the same PBX never double-counts.
// Reconnects by itself (1 s, then up to 5 s apart). Several hub instances may each hold a link: the
// PBX relays every event to all of them and applies the newest agent state it is told.
import { connect, type Socket } from 'node:net';
import type { Store, Queryable } from '../db/store';
import { encodeNetstring, NetstringDecoder } from './netstring';
import { AGENT_CHANNEL, applyStateChange, setRegistered, type AgentNotice } from '../agents/states';
import { recordEvents, type RawEvent } from '../agents/events';
import { listQueues, teamExtensions } from '../agents/queues';
import { PbxEvent, pbxInstant } from './events';

export interface PbxLinkOptions {
  host: string;
  port: number;
  log?: (line: string) => void;
  /** Called after each batch of new PBX events is committed (bench and tests time it). */
  onStored?: (events: RawEvent[]) => void;
}

const CURSOR_KEY = 'pbx_cursor';

interface Cursor {
  boot: string;
  seq: number;
}

export class PbxLink {
  private sock: Socket | null = null;
  private stopped = false;
  private retryMs = 1000;
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>)[] = [];
  private queue: PbxEvent[] = [];
  private draining: Promise<void> | null = null;
  private cursor: Cursor = { boot: '', seq: 0 };
  /** sequences stored above the contiguous cursor (live events overtaking a replay) */
  private above = new Set<number>();
  /** extension → user name (reloaded when users change, or an extension is not in it) */
  private names: Map<string, string> | null = null;
  connected = false;

  constructor(private readonly store: Store, private readonly opts: PbxLinkOptions) {}

  async start(): Promise<void> {
    this.unlisten.push(await this.store.listen(AGENT_CHANNEL, (p) => this.onAgentNotice(p)));
    this.unlisten.push(await this.store.listen('pronto_pbx_config', () => {
      this.names = null;
      void this.sendConfig().catch(() => {});
    }));
    this.cursor = await readCursor(this.store);
    this.connect();
  }

  private log(line: string): void {
    this.opts.log?.(`pbx link: ${line}`);
  }

  private connect(): void {
    if (this.stopped) return;
    const sock = connect({ host: this.opts.host, port: this.opts.port });
    this.sock = sock;
    const dec = new NetstringDecoder();
    sock.setNoDelay(true);
    sock.on('connect', () => {
      this.connected = true;
      this.retryMs = 1000;
      this.log(`connected to ${this.opts.host}:${this.opts.port}`);
      void this.hello().catch((e: Error) => this.log(`hello failed: ${e.message}`));
    });
    sock.on('data', (chunk) => {
      let msgs: string[];
      try {
        msgs = dec.push(chunk);
      } catch (e) {
        this.log((e as Error).message);
        sock.destroy();
        return;
      }
      for (const m of msgs) this.onMessage(m);
    });
    sock.on('error', () => { /* 'close' follows */ });
    sock.on('close', () => {
      if (this.sock === sock) this.sock = null;
      if (this.connected) this.log('disconnected');
      this.connected = false;
      if (this.stopped) return;
      this.timer = setTimeout(() => this.connect(), this.retryMs);
      this.timer.unref();
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    });
  }

  private send(cmd: Record<string, unknown>): void {
    if (this.sock && this.connected) this.sock.write(encodeNetstring(JSON.stringify(cmd)));
  }

  /** At each connect: the configuration and every state, then the events we missed. */
  private async hello(): Promise<void> {
    await this.sendConfig();
    for (const a of await this.store.query<{ extension: string; state: string | null; since: Date | null }>(
      `SELECT u.extension, s.state, s.since FROM users u LEFT JOIN agent_states s ON s.user_id = u.id WHERE u.extension IS NOT NULL`)) {
      this.sendState(a.extension, (a.state ?? 'offline') as AgentNotice['routeState'], a.since ? new Date(a.since) : new Date(0));
    }
    this.send({ cmd: 'replay', boot: this.cursor.boot, after: this.cursor.seq });
  }

  private async sendConfig(): Promise<void> {
    const teams = await teamExtensions(this.store);
    for (const q of await listQueues(this.store)) {
      this.send({
        cmd: 'queue', number: q.number, name: q.name, team: q.team, strategy: q.strategy, ring: q.ringSeconds, maxwait: q.maxWaitSeconds,
        wrapup: q.wrapUpSeconds, wpolicy: q.wrapUpPolicy, rna: q.ringNoAnswer,
      });
      if (!teams.has(q.team)) teams.set(q.team, []);
    }
    for (const [team, members] of teams) this.send({ cmd: 'team', team, members: members.join(',') });
  }

  private sendState(extension: string, state: string, since: Date): void {
    const ms = since.getTime();
    this.send({ cmd: 'agent', ext: extension, state, ss: Math.floor(ms / 1000), sm: ms % 1000 });
  }

  private onAgentNotice(payload: string): void {
    if (!payload) {
      // the LISTEN connection came back: notices may be lost, send everything again
      if (this.connected) void this.hello().catch(() => {});
      return;
    }
    try {
      const n = JSON.parse(payload) as AgentNotice;
      if (n.extension) this.sendState(n.extension, n.routeState, new Date(n.since));
    } catch {
      /* not ours */
    }
  }

  private onMessage(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.log(`not JSON: ${text.slice(0, 200)}`);
      return;
    }
    const p = PbxEvent.safeParse(raw);
    if (!p.success) {
      this.log(`unexpected message: ${text.slice(0, 200)}`);
      return;
    }
    this.queue.push(p.data);
    this.draining ??= this.drain().finally(() => { this.draining = null; });
  }

  /** Stores queued events in batches, one transaction each (events + side effects + cursor). */
  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, 500);
      try {
        const stored = await this.store.tx((q) => this.storeBatch(q, batch));
        if (stored.length) this.opts.onStored?.(stored);
      } catch (e) {
        // the database is away: keep the batch and try again (the PBX still holds the events too)
        this.log(`storing events failed (${(e as Error).message}); retrying`);
        this.queue.unshift(...batch);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async storeBatch(q: Queryable, batch: PbxEvent[]): Promise<RawEvent[]> {
    if (!this.names || batch.some((e) => e.kind !== 'pbx.replayed' && e.agent && !this.names!.has(e.agent))) {
      this.names = new Map();
      for (const r of await q.query<{ extension: string; name: string }>('SELECT extension, name FROM users WHERE extension IS NOT NULL')) this.names.set(r.extension, r.name);
    }
    const exts = this.names;
    const events: RawEvent[] = [];
    let cursor = { ...this.cursor };
    for (const e of batch) {
      if (e.kind === 'pbx.replayed') {
        if (e.boot !== cursor.boot) {
          cursor = { boot: e.boot, seq: 0 };
          this.above.clear();
        }
        // everything up to e.seq was sent before this marker (what the PBX no longer held is gone)
        cursor.seq = Math.max(cursor.seq, e.seq);
        continue;
      }
      if (e.boot !== cursor.boot) {
        // a restarted PBX (new boot): its sequence starts again
        cursor = { boot: e.boot, seq: 0 };
        this.above.clear();
      }
      if (e.seq === cursor.seq + 1) {
        cursor.seq = e.seq;
        while (this.above.delete(cursor.seq + 1)) cursor.seq++;
      } else if (e.seq > cursor.seq) this.above.add(e.seq);
      const agentName = e.agent ? exts.get(e.agent) ?? e.agent : null;
      events.push({
        id: e.id, at: pbxInstant(e.at), kind: e.kind, source: 'pbx', callId: e.callId ?? null, queue: e.queue ?? null, agent: agentName,
        caller: e.caller ?? null,
        data: { ...(e.number ? { number: e.number } : {}), ...(e.agent ? { extension: e.agent } : {}), ...(e.detail !== undefined ? { detail: e.detail } : {}), ...(e.waitMs !== undefined ? { waitMs: e.waitMs } : {}) },
      });
    }
    const fresh = await recordEvents(q, events);
    for (const e of events) {
      if (!fresh.has(e.id)) continue;
      const ext = (e.data as { extension?: string }).extension;
      if (ext && (e.kind === 'agent.registered' || e.kind === 'agent.unregistered')) await setRegistered(q, ext, e.kind === 'agent.registered', e.at);
      if (ext && e.kind === 'agent.state') {
        // the PBX put an agent on break (ring-no-answer policy): "break:missed-call"
        const [state, reason] = String((e.data as { detail?: string }).detail ?? '').split(':');
        const u = (await q.query<{ id: number }>('SELECT id FROM users WHERE extension = $1', [ext]))[0];
        if (u && state === 'break') {
          await applyStateChange(q, u.id, {
            state: 'break', reason: reason || 'missed-call', at: e.at, setBy: 'pbx',
            event: { id: `${e.id}:state`, at: e.at, kind: 'agent.state', source: 'pbx', agent: e.agent, data: { state: 'break', reason: reason || 'missed-call', setBy: 'pbx', cause: 'ring-no-answer' } },
          });
        }
      }
    }
    await q.query(
      `INSERT INTO hub_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [CURSOR_KEY, JSON.stringify(cursor)]);
    this.cursor = cursor;
    return events.filter((e) => fresh.has(e.id));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.sock?.destroy();
    for (const u of this.unlisten) await u().catch(() => {});
    await this.draining?.catch(() => {});
  }
}

async function readCursor(store: Store): Promise<Cursor> {
  const r = await store.query<{ value: string }>('SELECT value FROM hub_meta WHERE key = $1', [CURSOR_KEY]);
  if (!r.length) return { boot: '', seq: 0 };
  try {
    const v = JSON.parse(r[0]!.value) as Cursor;
    return { boot: String(v.boot ?? ''), seq: Number(v.seq ?? 0) };
  } catch {
    return { boot: '', seq: 0 };
  }
}
