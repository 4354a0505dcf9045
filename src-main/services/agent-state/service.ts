// The agent's state on the desktop: one machine (src-shared/agent-state/machine.ts) fed by the
// one call path: the softphone's calls (incomingCall, outgoingCall, callProgress), the case
// submit, the renderer's registration report, the agent's choice, a supervisor at the hub (the
// live socket, or GET on connect) and the wrap-up timer.
//
// Each change is recorded in ONE local transaction: the state (meta, so a restart returns to the
// last chosen state) and, with a hub, the outbox row `agentState.set` with its original time and a
// fresh event id; then sync is kicked. The outbox and push deliver it exactly once, in order,
// live when online and later when not. A change a supervisor made at the hub is applied and never
// sent back. Without a hub the states are kept here only.
//
// The machine moves at once (microseconds); the record is written just after the current call
// returns (setImmediate), so incomingCall's pop never waits on it.
import { randomUUID } from 'node:crypto';
import type { Sqlite } from '../../db/store';
import { getMeta, setMeta } from '../../db/queries/meta';
import { Outbox } from '../sync/outbox';
import {
  BreakReason, ChosenState, DEFAULT_BREAK_REASONS, needsReason, type AgentStatePoke, type AgentStateSetPayload,
} from '../../../src-shared/agent-state/states';
import {
  initialMachine, nextDeadline, OFFLINE_NOT_REGISTERED, parseWrapUpHeader, step,
  type AgentMachine, type MachineEvent,
} from '../../../src-shared/agent-state/machine';
import type { AgentStateView } from '../../../src-shared/agent-state/view';
import type { CallEvent } from '../../../src-shared/telephony/calls';
import { fetchHubAgentState, hubStateToAdopt, type HubLink } from './hub';
import type { CallEventPayload } from '../../../src-shared/agent-state/call-events';
import { z } from 'zod';

export class AgentStateError extends Error {}

export interface AgentStateOptions {
  sqlite: Sqlite;
  /** Runs `fn` in one transaction once the store's write lock is free (the host's WriteQueue). */
  write: <T>(fn: () => T) => Promise<T>;
  /** Present when a hub is configured: changes go through the outbox, then sync is kicked. */
  hub: { link: HubLink; kick(): void } | null;
  /** The desktop's wrap-up seconds (a queue's X-Pronto-Wrapup wins for its calls). */
  wrapUpSeconds: () => number;
  /** Every visible change, for the contract's `agentState` event. */
  emit: (view: AgentStateView) => void;
  /** A new list of break reasons from the hub (the contract's `breakReasons` event). */
  emitReasons?: (reasons: BreakReason[]) => void;
  log: (line: string) => void;
  now?: () => Date;
  uuid?: () => string;
}

export const AGENT_META = {
  chosen: 'agent_state_chosen',
  last: 'agent_state_last',
  reasons: 'agent_break_reasons',
  me: 'agent_name',
} as const;

/** The chosen state, and when it was chosen (a hub's change older than that is not adopted). */
const Chosen = z.object({ state: ChosenState, reason: z.string().nullable(), at: z.string().optional() });
const EPOCH = new Date(0).toISOString();
const Last = z.object({ state: z.string(), reason: z.string().nullable(), since: z.string() });

function readJson<T>(sqlite: Sqlite, key: string, schema: z.ZodType<T>): T | null {
  const raw = getMeta(sqlite, key);
  if (!raw) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

interface Pending {
  machine: AgentMachine;
  /** The effective state changed: remember it as the last one (and send it, unless the hub set it). */
  changed: boolean;
  send: boolean;
  chosen: boolean;
  chosenAt: string;
}

export class AgentStateService {
  private m: AgentMachine;
  private readonly outbox: Outbox | null;
  private readonly now: () => Date;
  private readonly uuid: () => string;
  private pending: Pending[] = [];
  private dirty = false;
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reasons: BreakReason[];
  private me: string | null;
  /** When the chosen state was last set (by the agent here, or a supervisor: their time). */
  private chosenAt: string;
  private wasLive = false;
  private refreshing: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly opts: AgentStateOptions) {
    this.now = opts.now ?? (() => new Date());
    this.uuid = opts.uuid ?? randomUUID;
    this.outbox = opts.hub ? new Outbox(opts.sqlite) : null;
    this.reasons = readJson(opts.sqlite, AGENT_META.reasons, z.array(BreakReason).min(1)) ?? [...DEFAULT_BREAK_REASONS];
    this.me = getMeta(opts.sqlite, AGENT_META.me);
    const chosen = readJson(opts.sqlite, AGENT_META.chosen, Chosen);
    this.chosenAt = chosen?.at ?? EPOCH;
    this.m = initialMachine(chosen ? { state: chosen.state, reason: chosen.reason } : null, this.iso());
    // Offline until the softphone reports: recorded when the last run ended in another state.
    const last = readJson(opts.sqlite, AGENT_META.last, Last);
    if (!last || last.state !== this.m.state || last.reason !== this.m.reason) this.record({ machine: this.m, changed: true, send: true, chosen: false, chosenAt: this.chosenAt });
  }

  private iso(): string {
    return this.now().toISOString();
  }

  view(): AgentStateView {
    const m = this.m;
    const w = m.wrapUps[m.wrapUps.length - 1];
    return {
      state: m.state, reason: m.reason, since: m.since, cause: m.cause, setBy: m.setBy, callId: m.callId,
      chosen: m.chosen, registered: m.registered, wrapUp: w ? { callId: w.callId, until: w.until } : null, hub: this.outbox !== null,
    };
  }

  breakReasons(): BreakReason[] {
    return this.reasons;
  }

  /**
   * Hold or resume of a call: only this desktop knows it. With a hub it goes into the outbox as
   * `callEvent.record` (call.hold / call.resume, its time now, exactly once); false without a hub.
   */
  callHeld(callId: string, held: boolean): boolean {
    if (!this.outbox) return false;
    const eventId = this.uuid();
    const payload: CallEventPayload = { eventId, kind: held ? 'call.hold' : 'call.resume', callId, at: this.iso() };
    try {
      this.opts.sqlite.transaction(() => this.outbox!.enqueue('callEvent.record', payload, eventId))();
    } catch (err) {
      this.opts.log(`agent state: hold not recorded: ${(err as Error).message}`);
      return false;
    }
    this.opts.hub?.kick();
    return true;
  }

  /** The agent's choice: Available, Break with a reason from the list, Offline (signing out). */
  choose(state: ChosenState, reason: string | null): AgentStateView {
    if (needsReason(state)) {
      if (!reason) throw new AgentStateError('reason: Break needs a reason');
      if (!this.reasons.some((r) => r.code === reason)) throw new AgentStateError(`reason: "${reason}" is not a break reason`);
    }
    return this.apply({ type: 'choose', state, reason: state === 'break' ? reason : null, by: this.me });
  }

  /** The renderer's softphone: registered, not registered, or none configured (null). */
  registration(registered: boolean | null): AgentStateView {
    return this.apply({ type: 'registration', registered });
  }

  /** An incoming call rings (incomingCall); a queue's offer carries its wrap-up rule (X-Pronto-Wrapup). */
  callOffered(callId: string, headers: { wrapUp?: string } = {}): void {
    this.apply({ type: 'offered', callId, wrapUp: parseWrapUpHeader(headers.wrapUp) });
  }

  /** An outgoing call was placed (it counts once answered). */
  callDialled(callId: string): void {
    this.apply({ type: 'dialled', callId });
  }

  /** The softphone's callProgress: answered, or how the call ended. */
  callProgress(callId: string, event: CallEvent): void {
    this.apply(event === 'answered' ? { type: 'answered', callId } : { type: 'ended', callId });
  }

  /** A case was submitted: the wrap-up of its call ends. */
  caseSubmitted(callId: string | null): void {
    if (callId) this.apply({ type: 'submitted', callId });
  }

  /** The hub's live socket: a supervisor set this agent's state. Applied, never sent back. */
  fromHub(poke: AgentStatePoke): void {
    const chosen = ChosenState.safeParse(poke.state);
    if (!chosen.success) return; // ringing / oncall / wrapup are this desktop's to say
    if (poke.state === 'offline' && poke.reason === OFFLINE_NOT_REGISTERED) return; // the registration check, not a choice
    if (poke.setBy && poke.setBy === this.me) return; // our own change, echoed
    this.apply({ type: 'supervisor', state: chosen.data, reason: poke.reason, setBy: poke.setBy, since: poke.since });
  }

  /** Sync's live socket went up or down: on each (re)connect, read what the hub knows. */
  hubLive(live: boolean): void {
    if (live && !this.wasLive) void this.refreshFromHub();
    this.wasLive = live;
  }

  /** GET me, my state and the break reasons; adopts the hub's state when a supervisor set it since. */
  refreshFromHub(): Promise<void> {
    const hub = this.opts.hub;
    if (!hub || this.closed) return Promise.resolve();
    this.refreshing ??= (async () => {
      try {
        const r = await fetchHubAgentState(hub.link, { knownMe: this.me });
        if (this.closed) return;
        const keep: [string, string][] = [];
        if (r.me && r.me !== this.me) {
          this.me = r.me;
          keep.push([AGENT_META.me, r.me]);
        }
        if (r.reasons && JSON.stringify(r.reasons) !== JSON.stringify(this.reasons)) {
          this.reasons = r.reasons;
          keep.push([AGENT_META.reasons, JSON.stringify(r.reasons)]);
          this.opts.emitReasons?.(r.reasons);
        }
        if (keep.length) await this.opts.write(() => keep.forEach(([k, v]) => setMeta(this.opts.sqlite, k, v)));
        const adopt = hubStateToAdopt(r.status, this.me, this.chosenAt);
        if (adopt) this.fromHub({ type: 'agentState', state: adopt.state, reason: adopt.reason, since: adopt.since, setBy: adopt.setBy });
      } catch (err) {
        this.opts.log(`agent state: reading the hub failed: ${(err as Error).message}`);
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private apply(e: MachineEvent): AgentStateView {
    const before = this.m;
    const r = step(before, e, { now: this.iso(), wrapUpSeconds: this.opts.wrapUpSeconds() });
    this.m = r.machine;
    const chosen = r.machine.chosen.state !== before.chosen.state || r.machine.chosen.reason !== before.chosen.reason;
    if (chosen) this.chosenAt = e.type === 'supervisor' ? e.since : this.iso();
    if (r.changed || chosen) this.record({ machine: r.machine, changed: r.changed, send: r.changed && e.type !== 'supervisor', chosen, chosenAt: this.chosenAt });
    else if (r.machine !== before) this.markDirty();
    this.arm();
    return this.view();
  }

  private record(rec: Pending): void {
    this.pending.push(rec);
    this.markDirty();
  }

  private markDirty(): void {
    this.dirty = true;
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
  }

  /** Written in order, each change with its outbox row in one transaction; then the UI and sync hear of it. */
  private async flush(): Promise<void> {
    try {
      while (this.pending.length || this.dirty) {
        const batch = this.pending;
        this.pending = [];
        this.dirty = false;
        this.opts.emit(this.view());
        if (!batch.length) continue;
        if (!this.opts.sqlite.open) return; // the store closed meanwhile (a test, a shutdown without close())
        let sent = 0;
        try {
          await this.opts.write(() => {
            for (const rec of batch) {
              const m = rec.machine;
              if (rec.chosen) setMeta(this.opts.sqlite, AGENT_META.chosen, JSON.stringify({ ...m.chosen, at: rec.chosenAt }));
              if (!rec.changed) continue;
              setMeta(this.opts.sqlite, AGENT_META.last, JSON.stringify({ state: m.state, reason: m.reason, since: m.since }));
              if (!rec.send || !this.outbox) continue;
              const eventId = this.uuid();
              const payload: AgentStateSetPayload = { eventId, state: m.state, reason: m.reason, at: m.since, cause: m.cause, callId: m.callId };
              this.outbox.enqueue('agentState.set', payload, eventId);
              sent++;
            }
          });
        } catch (err) {
          this.opts.log(`agent state: not recorded: ${(err as Error).message}`);
        }
        if (sent) this.opts.hub?.kick();
      }
    } finally {
      this.flushing = null;
    }
  }

  /** Resolves once every change so far is written (tests, shutdown). */
  async flushed(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /** The wrap-up limit: a timer for the earliest open wrap-up that ends by itself. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const at = nextDeadline(this.m);
    if (!at || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.apply({ type: 'tick' });
    }, Math.max(0, Date.parse(at) - this.now().getTime()) + 5);
    this.timer.unref?.();
  }

  /**
   * The desktop is closing: recorded as offline (the chosen state stays for the next start). Waits
   * for the record at most `waitMs`: another writer (a sync page, an import) may hold the store.
   */
  async close(waitMs = 5_000): Promise<void> {
    if (this.closed) return;
    if (this.m.registered !== false) this.apply({ type: 'registration', registered: false });
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.flushed(), new Promise<void>((r) => (t = setTimeout(r, waitMs)))]);
    clearTimeout(t);
  }
}
