// The day's raw events (GET /v1/events) read as calls: a queue's calls for the tile's list, the
// callers who gave up for the call-back list, and how many calls waited at once per quarter hour
// for the chart. Pure functions over events sorted oldest first (the hub's order).
import type { AbandonedCaller, HubEvent, QueueCall, QueueDayRow, QueueReportRow } from '../../../src-shared/supervisor/stats';

interface CallFacts {
  callId: string;
  queue: string | null;
  caller: string | null;
  entered: number | null;
  answered: number | null;
  agent: string | null;
  left: number | null;
  outcome: 'abandoned' | 'timedOut' | null;
  ended: number | null;
  waitMs: number | null;
  transferred: boolean;
}

const waitOf = (e: HubEvent): number | null => (typeof e.data.waitMs === 'number' && e.data.waitMs >= 0 ? e.data.waitMs : null);

/** Per call id, the queue facts of its events (entered, answered by, gave up, ended, transferred). */
export function callsOf(events: readonly HubEvent[]): Map<string, CallFacts> {
  const calls = new Map<string, CallFacts>();
  for (const e of events) {
    if (!e.callId || !/^(queue|call)\./.test(e.kind)) continue;
    const at = Date.parse(e.at);
    const c = calls.get(e.callId) ?? {
      callId: e.callId, queue: null, caller: null, entered: null, answered: null, agent: null, left: null, outcome: null, ended: null, waitMs: null, transferred: false,
    };
    c.queue ??= e.queue;
    c.caller ??= e.caller;
    switch (e.kind) {
      case 'queue.entered':
        c.entered ??= at;
        break;
      case 'queue.answered':
        c.answered ??= at;
        c.agent ??= e.agent;
        c.waitMs = waitOf(e) ?? c.waitMs;
        break;
      case 'queue.abandoned':
      case 'queue.timed_out':
        c.outcome = e.kind === 'queue.abandoned' ? 'abandoned' : 'timedOut';
        c.left ??= at;
        c.waitMs = waitOf(e) ?? c.waitMs;
        break;
      case 'call.ended':
        c.ended ??= at;
        break;
      case 'call.transferred':
        c.transferred = true;
        break;
    }
    calls.set(e.callId, c);
  }
  return calls;
}

const secs = (ms: number) => Math.round(ms / 100) / 10;

/** The calls that entered `queue`, newest first. */
export function queueCalls(events: readonly HubEvent[], queue: string, now: number, limit = 500): QueueCall[] {
  const out: QueueCall[] = [];
  for (const c of callsOf(events).values()) {
    if (c.queue !== queue || c.entered === null) continue;
    const outcome = c.answered !== null ? 'answered' : c.outcome ?? (c.ended !== null ? 'ended' : 'waiting');
    const until = c.answered ?? c.left ?? c.ended ?? now;
    out.push({
      callId: c.callId,
      caller: c.caller,
      entered: new Date(c.entered).toISOString(),
      answeredBy: c.agent,
      waitedS: c.waitMs !== null ? secs(c.waitMs) : secs(Math.max(0, until - c.entered)),
      outcome,
      transferred: c.transferred,
    });
  }
  out.sort((a, b) => (a.entered < b.entered ? 1 : a.entered > b.entered ? -1 : 0));
  return out.slice(0, limit);
}

/**
 * Callers whose call was abandoned or timed out, newest first, one line per number. A caller who
 * called again later and was answered is left out (they reached someone); the desktop's own
 * call-backs are not in the hub's record, so a called-back caller stays until they call in again.
 */
export function abandonedCallers(events: readonly HubEvent[], limit = 200): AbandonedCaller[] {
  const byCaller = new Map<string, AbandonedCaller & { atMs: number }>();
  const answeredAt = new Map<string, number>();
  for (const c of callsOf(events).values()) {
    if (!c.caller) continue;
    if (c.answered !== null) answeredAt.set(c.caller, Math.max(answeredAt.get(c.caller) ?? 0, c.entered ?? c.answered));
    if (!c.outcome || c.answered !== null) continue;
    const atMs = c.left ?? c.entered ?? 0;
    const prev = byCaller.get(c.caller);
    const waitedS = c.waitMs !== null ? secs(c.waitMs) : c.entered !== null && c.left !== null ? secs(c.left - c.entered) : null;
    if (!prev || atMs > prev.atMs) {
      byCaller.set(c.caller, { caller: c.caller, at: new Date(atMs).toISOString(), atMs, queue: c.queue, outcome: c.outcome, waitedS, attempts: (prev?.attempts ?? 0) + 1 });
    } else {
      prev.attempts++;
    }
  }
  return [...byCaller.values()]
    .filter((a) => !((answeredAt.get(a.caller) ?? -1) > a.atMs))
    .sort((a, b) => b.atMs - a.atMs)
    .slice(0, limit)
    .map(({ atMs: _a, ...rest }) => rest);
}

/**
 * Each report row with the most calls waiting at once in its interval: a call waits from entering
 * its queue until answered, gone or ended (a call still waiting counts up to `now`).
 */
export function withPeakWaiting(rows: readonly QueueReportRow[], events: readonly HubEvent[], now: number): QueueDayRow[] {
  // change points per queue: +1 at entry, -1 at leaving
  const points = new Map<string, { at: number; d: number }[]>();
  for (const c of callsOf(events).values()) {
    if (!c.queue || c.entered === null) continue;
    const leave = c.answered ?? c.left ?? c.ended ?? null;
    const list = points.get(c.queue) ?? [];
    list.push({ at: c.entered, d: 1 });
    if (leave !== null) list.push({ at: Math.max(leave, c.entered), d: -1 });
    points.set(c.queue, list);
  }
  for (const list of points.values()) list.sort((a, b) => a.at - b.at || a.d - b.d);
  return rows.map((r) => {
    const from = Date.parse(r.from);
    const to = Math.min(Date.parse(r.to), Math.max(now, from));
    let n = 0;
    let peak = 0;
    for (const p of points.get(r.queue) ?? []) {
      if (p.at >= to) break;
      n += p.d;
      if (p.at >= from) peak = Math.max(peak, n);
      else peak = n; // the count at the interval's start
    }
    return { ...r, peakWaiting: Math.max(0, peak) };
  });
}
