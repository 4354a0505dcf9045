// Queue and agent statistics from the raw call events: ONE set of definitions for the live view
// and the historical reports (the same class fed with the same events gives the same figures).
// Events may arrive in any order and more than once (replays, desktops that were offline): each
// call's facts are kept, and a call's contribution to its queue is taken out and put back whenever
// one of its events arrives, so nothing re-scans the day per event.
//
// Definitions (per queue; a call belongs to the period in which it ENTERED the queue):
//   offered         calls that entered the queue. A ring-all call offered to three agents is one.
//   answered        calls an agent answered.
//   abandoned       the caller hung up before an answer, after the queue's short-abandon threshold
//                   (default 5 s); shortAbandoned: before it. Short abandons (wrong numbers, instant
//                   regrets) are left out of service level and abandon rate: they say nothing about
//                   how fast we answer. (Asterisk ignores them too; Genesys counts every abandon.)
//   timedOut        the queue's max wait ended the call.
//   serviceLevelPct answered within T ÷ (answered + abandoned + timedOut) × 100, T = the queue's
//                   slSeconds (default 20). An abandon after T is a miss; an abandon before T (but
//                   after the short threshold) is a miss too: the caller was not served (Genesys'
//                   choice; Amazon Connect counts it as met, which rewards letting callers give up).
//                   Live: a call still waiting past T already counts as a miss (Flex and Asterisk
//                   count waiting calls only once they leave: the wallboard would look best exactly
//                   when the queue is worst).
//   abandonRatePct  abandoned ÷ (offered − shortAbandoned) × 100.
//   asaS            mean wait of answered calls (entered → answered), seconds.
//   ahtS            mean handle time of handled (answered and ended) calls: talk (answered → ended,
//                   hold included: a held caller is still being handled) + the agent's wrap-up
//                   after it (their wrap-up state tagged with the call, until their next state).
//   waiting / longestWaitS  live only: calls in the queue now, and the oldest one's wait.
//   longestWaitS (period) the longest wait of any call of the period (answered, abandoned, timed
//                   out or still waiting).
// Per agent: handled (calls answered in the period), ahtS (their handled calls), time in each
// state, ring-no-answers, occupancy = (on call + wrap-up) ÷ (available + ringing + on call +
// wrap-up) × 100: the share of their ready time spent handling calls.
import type { AgentState } from '../../src-shared/agent-state/states';
import type { QueueStat } from '../../src-shared/supervisor/stats';

export interface StatEvent {
  id: string;
  /** epoch ms */
  at: number;
  kind: string;
  callId: string | null;
  queue: string | null;
  agent: string | null;
  caller: string | null;
  data: Record<string, unknown>;
}

export interface QueueInfo {
  name: string;
  label: string;
  team: string | null;
  slSeconds: number;
  shortAbandonSeconds: number;
}

interface Call {
  id: string;
  queue: string | null;
  caller: string | null;
  entered: number | null;
  answered: number | null;
  agent: string | null;
  ended: number | null;
  outcome: 'abandoned' | 'timedOut' | null;
  left: number | null;
  waitMs: number | null;
}

interface Contribution {
  offered: number;
  answered: number;
  answeredInT: number;
  abandoned: number;
  shortAbandoned: number;
  timedOut: number;
  waitSumMs: number;
  longestWaitMs: number;
  handled: number;
  handleSumMs: number;
}

const ZERO: Contribution = { offered: 0, answered: 0, answeredInT: 0, abandoned: 0, shortAbandoned: 0, timedOut: 0, waitSumMs: 0, longestWaitMs: 0, handled: 0, handleSumMs: 0 };

interface StateSpan {
  at: number;
  state: AgentState;
  reason: string | null;
  callId: string | null;
}

/** A queue's figures: the shape the hub sends (src-shared/supervisor/stats.ts) without the agent counts, plus the period's longest wait. */
export type QueueFigures = Omit<QueueStat, 'agents'> & {
  /** the longest wait of any call of the period (s) */
  maxWaitS: number;
};

export interface AgentFigures {
  name: string;
  handled: number;
  ahtS: number | null;
  ringNoAnswers: number;
  /** seconds per state over the period */
  timeInState: Record<AgentState, number>;
  occupancyPct: number | null;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export class StatsModel {
  private calls = new Map<string, Call>();
  private contrib = new Map<string, Contribution>();
  private perQueue = new Map<string, Contribution>();
  private seen = new Set<string>();
  /** agent → their state changes, sorted by time */
  private spans = new Map<string, StateSpan[]>();
  private rna = new Map<string, number>();
  private handledBy = new Map<string, { n: number; sumMs: number }>();
  /** queue → the calls waiting in it now (kept as events arrive, so the live view scans no day) */
  private waiting = new Map<string, Set<Call>>();

  constructor(private readonly queues: Map<string, QueueInfo>, readonly from: number, readonly to: number) {}

  queueInfo(name: string): QueueInfo {
    return this.queues.get(name) ?? { name, label: name, team: null, slSeconds: 20, shortAbandonSeconds: 5 };
  }

  /** Applies one event (again: ignored). */
  apply(e: StatEvent): void {
    if (this.seen.has(e.id)) return;
    this.seen.add(e.id);
    if (e.kind === 'agent.state' && e.agent) {
      this.addSpan(e.agent, { at: e.at, state: String(e.data.state ?? 'offline') as AgentState, reason: (e.data.reason as string | null) ?? null, callId: e.callId });
      return;
    }
    if (e.kind === 'queue.ring_no_answer' && e.agent) {
      if (e.at >= this.from && e.at < this.to) this.rna.set(e.agent, (this.rna.get(e.agent) ?? 0) + 1);
      return;
    }
    if (!e.callId || !/^(queue|call)\./.test(e.kind)) return;
    const c = this.calls.get(e.callId) ?? { id: e.callId, queue: null, caller: null, entered: null, answered: null, agent: null, ended: null, outcome: null, left: null, waitMs: null };
    const before = this.contributionOf(c);
    switch (e.kind) {
      case 'queue.entered':
        c.entered = e.at;
        c.queue = e.queue ?? c.queue;
        c.caller = e.caller ?? c.caller;
        break;
      case 'queue.answered':
        c.answered = e.at;
        c.agent = e.agent;
        c.queue ??= e.queue;
        if (typeof e.data.waitMs === 'number') c.waitMs = e.data.waitMs;
        break;
      case 'queue.abandoned':
      case 'queue.timed_out':
        c.outcome = e.kind === 'queue.abandoned' ? 'abandoned' : 'timedOut';
        c.left = e.at;
        c.queue ??= e.queue;
        if (typeof e.data.waitMs === 'number') c.waitMs = e.data.waitMs;
        break;
      case 'call.ended':
        c.ended = e.at;
        break;
      default:
        return;
    }
    this.calls.set(c.id, c);
    this.replace(c, before);
  }

  private addSpan(agent: string, s: StateSpan): void {
    const list = this.spans.get(agent) ?? [];
    // keep sorted: a late event (a desktop that was offline) slots in where it happened
    let i = list.length;
    while (i > 0 && list[i - 1]!.at > s.at) i--;
    list.splice(i, 0, s);
    this.spans.set(agent, list);
    // its wrap-up may change the handle time of a call already counted
    const touched = new Set<string>();
    for (const x of [list[i - 1], list[i], list[i + 1]]) if (x?.callId) touched.add(x.callId);
    for (const id of touched) {
      const c = this.calls.get(id);
      if (c) this.replace(c, this.contrib.get(id) ?? ZERO);
    }
  }

  private wrapUpMs(c: Call): number {
    if (!c.agent) return 0;
    const list = this.spans.get(c.agent) ?? [];
    const i = list.findIndex((s) => s.state === 'wrapup' && s.callId === c.id);
    if (i < 0) return 0;
    const next = list[i + 1];
    return next ? Math.max(0, next.at - list[i]!.at) : 0;
  }

  private contributionOf(c: Call): Contribution {
    if (c.entered === null || c.entered < this.from || c.entered >= this.to || !c.queue) return ZERO;
    const q = this.queueInfo(c.queue);
    const wait = c.waitMs ?? (c.answered !== null ? c.answered - c.entered : c.left !== null ? c.left - c.entered : 0);
    const out: Contribution = { ...ZERO, offered: 1, longestWaitMs: c.answered !== null || c.outcome ? wait : 0 };
    if (c.answered !== null) {
      out.answered = 1;
      out.waitSumMs = wait;
      if (wait <= q.slSeconds * 1000) out.answeredInT = 1;
      if (c.ended !== null) {
        out.handled = 1;
        out.handleSumMs = Math.max(0, c.ended - c.answered) + this.wrapUpMs(c);
      }
    } else if (c.outcome === 'abandoned') {
      if (wait < q.shortAbandonSeconds * 1000) out.shortAbandoned = 1;
      else out.abandoned = 1;
    } else if (c.outcome === 'timedOut') out.timedOut = 1;
    return out;
  }

  private replace(c: Call, before: Contribution): void {
    for (const set of this.waiting.values()) set.delete(c);
    if (c.queue && c.entered !== null && c.answered === null && c.outcome === null && c.ended === null) {
      const set = this.waiting.get(c.queue) ?? new Set();
      set.add(c);
      this.waiting.set(c.queue, set);
    }
    const after = this.contributionOf(c);
    this.contrib.set(c.id, after);
    if (c.queue) {
      const agg = this.perQueue.get(c.queue) ?? { ...ZERO };
      for (const k of Object.keys(ZERO) as (keyof Contribution)[]) {
        if (k === 'longestWaitMs') continue;
        agg[k] += after[k] - before[k];
      }
      agg.longestWaitMs = Math.max(agg.longestWaitMs, after.longestWaitMs);
      this.perQueue.set(c.queue, agg);
    }
    if (c.agent) {
      const h = this.handledBy.get(c.agent) ?? { n: 0, sumMs: 0 };
      h.n += after.handled - before.handled;
      h.sumMs += after.handleSumMs - before.handleSumMs;
      this.handledBy.set(c.agent, h);
    }
  }

  /** Calls in the queue right now (entered, not answered, not gone). */
  waitingNow(queue: string): Call[] {
    return [...(this.waiting.get(queue) ?? [])];
  }

  /** The figures of every queue (configured ones, and any that had calls). `now`: live (waiting calls count). */
  queueFigures(now: number | null): QueueFigures[] {
    const names = new Set([...this.queues.keys(), ...this.perQueue.keys()]);
    return [...names].sort().map((name) => {
      const q = this.queueInfo(name);
      const a = this.perQueue.get(name) ?? ZERO;
      const waiting = now === null ? [] : this.waitingNow(name).filter((c) => c.entered! >= this.from && c.entered! < this.to);
      const waits = waiting.map((c) => now! - c.entered!);
      const longestNow = waits.length ? Math.max(...waits) : 0;
      const liveMisses = waits.filter((w) => w > q.slSeconds * 1000).length;
      const slDen = a.answered + a.abandoned + a.timedOut + liveMisses;
      const abDen = a.offered - a.shortAbandoned;
      return {
        queue: name,
        label: q.label,
        waiting: waiting.length,
        longestWaitS: Math.floor(longestNow / 1000),
        offered: a.offered,
        answered: a.answered,
        abandoned: a.abandoned,
        shortAbandoned: a.shortAbandoned,
        timedOut: a.timedOut,
        serviceLevelPct: slDen ? round1((a.answeredInT / slDen) * 100) : null,
        abandonRatePct: abDen > 0 ? round1((a.abandoned / abDen) * 100) : null,
        asaS: a.answered ? round1(a.waitSumMs / a.answered / 1000) : null,
        ahtS: a.handled ? round1(a.handleSumMs / a.handled / 1000) : null,
        slSeconds: q.slSeconds,
        maxWaitS: Math.floor(Math.max(a.longestWaitMs, longestNow) / 1000),
      };
    });
  }

  /** Calls handled and their mean handle time, per agent (what the live view shows; no state timeline). */
  agentHandled(): Map<string, { handled: number; ahtS: number | null }> {
    const out = new Map<string, { handled: number; ahtS: number | null }>();
    for (const [name, h] of this.handledBy) out.set(name, { handled: h.n, ahtS: h.n ? round1(h.sumMs / h.n / 1000) : null });
    return out;
  }

  /** Per agent over [from, min(to, now)). */
  agentFigures(now: number): AgentFigures[] {
    const end = Math.min(this.to, now);
    const names = new Set([...this.spans.keys(), ...this.handledBy.keys(), ...this.rna.keys()]);
    return [...names].sort().map((name) => {
      const t: Record<AgentState, number> = { available: 0, ringing: 0, oncall: 0, wrapup: 0, break: 0, offline: 0 };
      const list = this.spans.get(name) ?? [];
      for (let i = 0; i < list.length; i++) {
        const s = list[i]!;
        const a = Math.max(s.at, this.from);
        const b = Math.min(list[i + 1]?.at ?? end, end);
        if (b > a) t[s.state] += (b - a) / 1000;
      }
      for (const k of Object.keys(t) as AgentState[]) t[k] = Math.round(t[k]);
      const h = this.handledBy.get(name) ?? { n: 0, sumMs: 0 };
      const ready = t.available + t.ringing + t.oncall + t.wrapup;
      return {
        name,
        handled: h.n,
        ahtS: h.n ? round1(h.sumMs / h.n / 1000) : null,
        ringNoAnswers: this.rna.get(name) ?? 0,
        timeInState: t,
        occupancyPct: ready > 0 ? round1(((t.oncall + t.wrapup) / ready) * 100) : null,
      };
    });
  }
}
