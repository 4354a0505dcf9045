// Live statistics at the hub: today's StatsModel kept up to date from the events every hub
// instance hears (EVENT_CHANNEL, delivered on commit: a supervisor on any instance sees every
// event) and the agents' current states (AGENT_CHANNEL). Built from the database at start and at
// midnight, so a restart loses nothing. Pushed to WebSocket subscribers at most every `pushMs`
// (100 ms: event → screen well inside the 250 ms target; a TV needs no more than 10 frames a second)
// while something changed, and every `heartbeatMs` anyway (the wallboard shows the data's age).
import type { WebSocket } from 'ws';
import type { Store } from '../db/store';
import type { AgentStatus } from '../../src-shared/agent-state/states';
import { EVENT_CHANNEL } from '../agents/events';
import { AGENT_CHANNEL, listAgents, type AgentNotice } from '../agents/states';
import { dayOf } from './day';
import { modelOf, queueInfos, statEvent } from './load';
import type { StatsModel, QueueInfo } from './model';
import { figuresOf, snapshot, type Figures, type StatsSnapshot } from './snapshot';

export interface LiveStatsOptions {
  timeZone?: string;
  pushMs?: number;
  heartbeatMs?: number;
}

interface Sub {
  ws: WebSocket;
  /** null: every team (admin, a team-less supervisor or display) */
  team: string | null;
}

export class LiveStats {
  private model: StatsModel | null = null;
  private queues = new Map<string, QueueInfo>();
  private agents = new Map<string, AgentStatus>();
  private subs = new Set<Sub>();
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private lastPush = 0;
  private unlisten: (() => Promise<void>)[] = [];
  private building: Promise<void> | null = null;
  private pending: unknown[] = [];
  private dayFrom: number | null = null;
  private readonly tz: string;
  private readonly pushMs: number;
  private readonly heartbeatMs: number;

  constructor(private readonly store: Store, opts: LiveStatsOptions = {}) {
    this.tz = opts.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.pushMs = opts.pushMs ?? 100;
    this.heartbeatMs = opts.heartbeatMs ?? 5000;
  }

  async start(): Promise<void> {
    this.unlisten.push(await this.store.listen(EVENT_CHANNEL, (p) => this.onEvent(p)));
    this.unlisten.push(await this.store.listen(AGENT_CHANNEL, (p) => this.onAgent(p)));
    this.unlisten.push(await this.store.listen('pronto_pbx_config', () => void this.rebuild()));
    await this.rebuild();
    this.timer = setInterval(() => this.tick(), Math.max(20, Math.floor(this.pushMs / 2)));
    this.timer.unref();
  }

  /** (Re)reads today from the database; events heard meanwhile are applied after. */
  rebuild(): Promise<void> {
    this.building ??= (async () => {
      try {
        const { from, to } = dayOf(Date.now(), this.tz);
        this.dayFrom = from;
        this.queues = await queueInfos(this.store);
        const model = await modelOf(this.store, from, to, this.queues);
        this.agents = new Map((await listAgents(this.store)).map((a) => [a.name, a]));
        this.model = model;
        for (const p of this.pending.splice(0)) this.applyPayload(p);
        this.dirty = true;
      } finally {
        this.building = null;
      }
    })();
    return this.building;
  }

  private onEvent(payload: string): void {
    if (!payload) {
      void this.rebuild(); // the LISTEN connection came back: notices may be lost
      return;
    }
    let v: unknown;
    try {
      v = JSON.parse(payload);
    } catch {
      return;
    }
    if (this.building || !this.model) this.pending.push(v);
    else this.applyPayload(v);
  }

  private applyPayload(v: unknown): void {
    const e = v as Parameters<typeof statEvent>[0];
    if (!e || typeof e.id !== 'string') return;
    this.model?.apply(statEvent(e));
    this.dirty = true;
  }

  private onAgent(payload: string): void {
    try {
      const n = JSON.parse(payload) as AgentNotice;
      if (!n?.name) return;
      const { routeState: _r, ...status } = n;
      this.agents.set(n.name, status);
      this.dirty = true;
    } catch {
      /* '' after a reconnect: the rebuild from onEvent covers it */
    }
  }

  private tick(): void {
    const now = Date.now();
    if (this.model && now >= this.model.to) {
      void this.rebuild();
      return;
    }
    if (!this.subs.size) return;
    if ((this.dirty && now - this.lastPush >= this.pushMs) || now - this.lastPush >= this.heartbeatMs) this.push(now);
  }

  private push(now: number): void {
    this.dirty = false;
    this.lastPush = now;
    const byTeam = new Map<string | null, string>();
    const figs = this.model ? figuresOf(this.model, now, this.agents.values()) : null;
    for (const s of this.subs) {
      if (s.ws.readyState !== s.ws.OPEN) continue;
      let msg = byTeam.get(s.team);
      if (msg === undefined) {
        msg = JSON.stringify({ type: 'stats', ...this.figures(s.team, now, figs) });
        byTeam.set(s.team, msg);
      }
      s.ws.send(msg);
    }
  }

  /** The live picture (GET /v1/stats/queues; each WebSocket message). */
  figures(team: string | null, now = Date.now(), figs: Figures | null = null): StatsSnapshot {
    if (!this.model) return { at: new Date(now).toISOString(), queues: [], agents: [] };
    const snap = snapshot(figs ?? figuresOf(this.model, now, this.agents.values()), this.queues, [...this.agents.values()], team);
    return this.dayFrom === null ? snap : { ...snap, dayFrom: new Date(this.dayFrom).toISOString() };
  }

  async ready(): Promise<void> {
    await this.building;
  }

  add(ws: WebSocket, team: string | null): void {
    const sub: Sub = { ws, team };
    this.subs.add(sub);
    const drop = () => this.subs.delete(sub);
    ws.on('close', drop);
    ws.on('error', drop);
    ws.on('message', () => { /* nothing to say */ });
    void this.ready().then(() => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'stats', ...this.figures(team) }));
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const s of this.subs) s.ws.close(1001, 'hub shutting down');
    this.subs.clear();
    for (const u of this.unlisten) await u().catch(() => {});
    this.unlisten = [];
  }
}
