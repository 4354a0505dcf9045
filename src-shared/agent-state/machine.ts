// The desktop's agent-state machine, pure: what the agent chose, the softphone's registration, the
// calls in progress and the wrap-ups still open go in; the one effective state comes out. Each
// event returns the next machine and whether the effective state (or its reason) changed: a change
// is what the desktop records and sends to the hub (src-main/services/agent-state/).
//
// Why derived rather than a transition table: a second call while on a call, a direct call that
// rings during Break, a registration lost during wrap-up all fall out of one priority order
//   not registered → offline  >  on a call  >  ringing  >  wrap-up  >  what the agent chose
// and "back to the previous state" is simply that order without the call that went away.
import type { AgentState, ChosenState, StateCause } from './states';

export const OFFLINE_NOT_REGISTERED = 'softphone not registered';
export const OFFLINE_SIGNED_OUT = 'signed out';

export type WrapUpPolicy = 'available' | 'stay';
/** A queue's wrap-up rule (X-Pronto-Wrapup on its offers); the desktop's setting otherwise. */
export interface WrapUpRule {
  seconds: number;
  policy: WrapUpPolicy;
}

export interface LiveCall {
  callId: string;
  /** dialling: our outbound call, not answered yet (it does not change the state). */
  phase: 'ringing' | 'dialling' | 'oncall';
  /** From the queue's offer; null: the desktop's default. */
  wrapUp: WrapUpRule | null;
}

export interface OpenWrapUp {
  callId: string;
  /** ISO instant the wrap-up ends by itself; null: it stays until the case is submitted. */
  until: string | null;
}

export interface AgentMachine {
  state: AgentState;
  reason: string | null;
  /** When the effective state began (ISO). */
  since: string;
  cause: StateCause;
  /** A supervisor's name when one set it; else the agent's own name when known (or null). */
  setBy: string | null;
  /** The call that drove ringing / oncall / wrapup. */
  callId: string | null;
  /** What the agent (or a supervisor) last chose: where the agent returns to. Persisted. */
  chosen: { state: ChosenState; reason: string | null };
  /** The softphone's registration; null: no softphone is configured (demo): no forced offline. */
  registered: boolean | null;
  calls: LiveCall[];
  wrapUps: OpenWrapUp[];
}

export type MachineEvent =
  | { type: 'choose'; state: ChosenState; reason: string | null; by: string | null }
  | { type: 'supervisor'; state: ChosenState; reason: string | null; setBy: string | null; since: string }
  | { type: 'registration'; registered: boolean | null }
  | { type: 'offered'; callId: string; wrapUp: WrapUpRule | null }
  | { type: 'dialled'; callId: string }
  | { type: 'answered'; callId: string }
  /** Any end of a call; one that was answered opens its wrap-up. */
  | { type: 'ended'; callId: string }
  /** The case of a call was submitted: its wrap-up ends. */
  | { type: 'submitted'; callId: string }
  /** Time passed: wrap-ups whose limit is reached end (policy available). */
  | { type: 'tick' };

export interface StepContext {
  /** ISO instant of the event. */
  now: string;
  /** The desktop's wrap-up seconds (PRONTO_WRAP_UP_SECONDS or the hub's setting). */
  wrapUpSeconds: number;
}

export interface Step {
  machine: AgentMachine;
  /** The effective state or its reason changed: record it. */
  changed: boolean;
}

/** The machine on a start: offline until the softphone reports, returning to `chosen` after. */
export function initialMachine(chosen: AgentMachine['chosen'] | null, now: string): AgentMachine {
  return {
    state: 'offline', reason: OFFLINE_NOT_REGISTERED, since: now, cause: 'registration', setBy: null, callId: null,
    chosen: chosen ?? { state: 'available', reason: null }, registered: false, calls: [], wrapUps: [],
  };
}

/** The effective state of a machine (the priority order above). */
export function effective(m: Pick<AgentMachine, 'chosen' | 'registered' | 'calls' | 'wrapUps'>): { state: AgentState; reason: string | null; callId: string | null } {
  if (m.registered === false) {
    return { state: 'offline', reason: m.chosen.state === 'offline' ? m.chosen.reason ?? OFFLINE_SIGNED_OUT : OFFLINE_NOT_REGISTERED, callId: null };
  }
  const oncall = lastOf(m.calls, (c) => c.phase === 'oncall');
  if (oncall) return { state: 'oncall', reason: null, callId: oncall.callId };
  const ringing = lastOf(m.calls, (c) => c.phase === 'ringing');
  if (ringing) return { state: 'ringing', reason: null, callId: ringing.callId };
  const wrap = m.wrapUps[m.wrapUps.length - 1];
  if (wrap) return { state: 'wrapup', reason: null, callId: wrap.callId };
  const { state, reason } = m.chosen;
  return { state, reason: state === 'offline' ? reason ?? OFFLINE_SIGNED_OUT : state === 'break' ? reason : null, callId: null };
}

function lastOf<T>(xs: readonly T[], f: (x: T) => boolean): T | undefined {
  for (let i = xs.length - 1; i >= 0; i--) if (f(xs[i]!)) return xs[i];
  return undefined;
}

const CAUSE: Record<MachineEvent['type'], StateCause> = {
  choose: 'agent', supervisor: 'supervisor', registration: 'registration', offered: 'call', dialled: 'call',
  answered: 'call', ended: 'call', submitted: 'agent', tick: 'timer',
};

function addSeconds(iso: string, s: number): string {
  return new Date(Date.parse(iso) + s * 1000).toISOString();
}

/** The earliest instant a wrap-up ends by itself (the service's timer), or null. */
export function nextDeadline(m: Pick<AgentMachine, 'wrapUps'>): string | null {
  let best: string | null = null;
  for (const w of m.wrapUps) if (w.until && (best === null || Date.parse(w.until) < Date.parse(best))) best = w.until;
  return best;
}

function chosenOf(state: ChosenState, reason: string | null): AgentMachine['chosen'] {
  return { state, reason: state === 'available' ? null : reason ?? (state === 'offline' ? OFFLINE_SIGNED_OUT : null) };
}

/** One event: the next machine, and whether its effective state changed. Never throws. */
export function step(m: AgentMachine, e: MachineEvent, ctx: StepContext): Step {
  let next: AgentMachine = m;
  const others = (callId: string) => m.calls.filter((c) => c.callId !== callId);
  switch (e.type) {
    case 'choose':
      next = { ...m, chosen: chosenOf(e.state, e.reason) };
      break;
    case 'supervisor':
      // A supervisor's word ends a wrap-up too (a call in progress goes on: it cannot be undone).
      next = { ...m, chosen: chosenOf(e.state, e.reason), wrapUps: [] };
      break;
    case 'registration':
      next = { ...m, registered: e.registered };
      break;
    case 'offered':
      if (m.calls.some((c) => c.callId === e.callId)) return { machine: m, changed: false };
      next = { ...m, calls: [...m.calls, { callId: e.callId, phase: 'ringing', wrapUp: e.wrapUp }] };
      break;
    case 'dialled':
      if (m.calls.some((c) => c.callId === e.callId)) return { machine: m, changed: false };
      next = { ...m, calls: [...m.calls, { callId: e.callId, phase: 'dialling', wrapUp: null }] };
      break;
    case 'answered': {
      const call = m.calls.find((c) => c.callId === e.callId);
      if (!call || call.phase === 'oncall') return { machine: m, changed: false };
      next = { ...m, calls: [...others(e.callId), { ...call, phase: 'oncall' }] };
      break;
    }
    case 'ended': {
      const call = m.calls.find((c) => c.callId === e.callId);
      if (!call) return { machine: m, changed: false };
      let wrapUps = m.wrapUps;
      if (call.phase === 'oncall') {
        const rule = call.wrapUp ?? { seconds: ctx.wrapUpSeconds, policy: 'available' as const };
        if (rule.policy === 'stay' || rule.seconds > 0) {
          wrapUps = [...m.wrapUps.filter((w) => w.callId !== e.callId), { callId: e.callId, until: rule.policy === 'stay' ? null : addSeconds(ctx.now, rule.seconds) }];
        }
      }
      next = { ...m, calls: others(e.callId), wrapUps };
      break;
    }
    case 'submitted':
      if (!m.wrapUps.some((w) => w.callId === e.callId)) return { machine: m, changed: false };
      next = { ...m, wrapUps: m.wrapUps.filter((w) => w.callId !== e.callId) };
      break;
    case 'tick': {
      const now = Date.parse(ctx.now);
      const wrapUps = m.wrapUps.filter((w) => w.until === null || Date.parse(w.until) > now);
      if (wrapUps.length === m.wrapUps.length) return { machine: m, changed: false };
      next = { ...m, wrapUps };
      break;
    }
  }
  const eff = effective(next);
  const changed = eff.state !== m.state || eff.reason !== m.reason;
  // unchanged: the same state, perhaps driven by another call now (a second call keeps oncall)
  if (!changed) return { machine: { ...next, callId: eff.callId }, changed: false };
  // who set it: the person who chose, or the supervisor; calls, timers and the softphone are no one
  const setBy = e.type === 'choose' ? e.by : e.type === 'supervisor' ? e.setBy : null;
  const since = e.type === 'supervisor' ? e.since : ctx.now;
  const cause = e.type === 'choose' && e.state === 'offline' ? 'signout' : CAUSE[e.type];
  return { machine: { ...next, ...eff, since, cause, setBy }, changed: true };
}

/** `X-Pronto-Wrapup: 30;policy=stay` → {seconds: 30, policy: 'stay'}; null when absent or malformed. */
export function parseWrapUpHeader(value: string | null | undefined): WrapUpRule | null {
  const m = /^\s*(\d{1,5})\s*(?:;\s*policy\s*=\s*(available|stay)\s*)?$/i.exec(value ?? '');
  if (!m) return null;
  const seconds = Number(m[1]);
  if (seconds > 86_400) return null;
  return { seconds, policy: (m[2]?.toLowerCase() as WrapUpPolicy | undefined) ?? 'available' };
}
