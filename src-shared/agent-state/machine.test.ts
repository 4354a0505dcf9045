import { describe, expect, it } from 'vitest';
import {
  effective, initialMachine, nextDeadline, OFFLINE_NOT_REGISTERED, OFFLINE_SIGNED_OUT, parseWrapUpHeader, step,
  type AgentMachine, type MachineEvent,
} from './machine';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** Runs events at the given second offsets; returns the machines and which steps changed. */
function run(m: AgentMachine, events: [number, MachineEvent][], wrapUpSeconds = 60) {
  const changes: { s: number; state: string; reason: string | null; cause: string }[] = [];
  for (const [s, e] of events) {
    const r = step(m, e, { now: at(s), wrapUpSeconds });
    m = r.machine;
    if (r.changed) changes.push({ s, state: m.state, reason: m.reason, cause: m.cause });
  }
  return { m, changes };
}

const ready = (): AgentMachine => step(initialMachine(null, at(0)), { type: 'registration', registered: true }, { now: at(0), wrapUpSeconds: 60 }).machine;

describe('agent-state machine', () => {
  it('starts offline (not registered), then the last chosen state, available on a first start', () => {
    const first = initialMachine(null, at(0));
    expect(first).toMatchObject({ state: 'offline', reason: OFFLINE_NOT_REGISTERED, cause: 'registration' });
    expect(ready()).toMatchObject({ state: 'available', reason: null, cause: 'registration', since: at(0) });
    const restarted = step(initialMachine({ state: 'break', reason: 'lunch' }, at(0)), { type: 'registration', registered: true }, { now: at(3), wrapUpSeconds: 60 });
    expect(restarted.changed).toBe(true);
    expect(restarted.machine).toMatchObject({ state: 'break', reason: 'lunch', since: at(3) });
  });

  it('the agent chooses break with a reason and available again; offline is signing out', () => {
    const { m, changes } = run(ready(), [
      [5, { type: 'choose', state: 'break', reason: 'lunch', by: 'nina' }],
      [9, { type: 'choose', state: 'break', reason: 'meeting', by: 'nina' }],
      [20, { type: 'choose', state: 'available', reason: 'ignored', by: 'nina' }],
      [30, { type: 'choose', state: 'offline', reason: null, by: 'nina' }],
    ]);
    expect(changes).toEqual([
      { s: 5, state: 'break', reason: 'lunch', cause: 'agent' },
      { s: 9, state: 'break', reason: 'meeting', cause: 'agent' },
      { s: 20, state: 'available', reason: null, cause: 'agent' },
      { s: 30, state: 'offline', reason: OFFLINE_SIGNED_OUT, cause: 'signout' },
    ]);
    expect(m.setBy).toBe('nina');
  });

  it('ringing → oncall → wrapup → back when the case is submitted', () => {
    const { m, changes } = run(ready(), [
      [1, { type: 'offered', callId: 'c1', wrapUp: null }],
      [3, { type: 'answered', callId: 'c1' }],
      [40, { type: 'ended', callId: 'c1' }],
      [55, { type: 'submitted', callId: 'c1' }],
    ]);
    expect(changes.map((c) => [c.s, c.state, c.cause])).toEqual([
      [1, 'ringing', 'call'], [3, 'oncall', 'call'], [40, 'wrapup', 'call'], [55, 'available', 'agent'],
    ]);
    expect(m.wrapUps).toEqual([]);
  });

  it('a ringing call not answered returns to the previous chosen state (break stays break)', () => {
    const { m, changes } = run(ready(), [
      [1, { type: 'choose', state: 'break', reason: 'training', by: null }],
      [2, { type: 'offered', callId: 'direct', wrapUp: null }],
      [9, { type: 'ended', callId: 'direct' }], // cancelled, declined, failed: all end it unanswered
    ]);
    expect(changes.map((c) => c.state)).toEqual(['break', 'ringing', 'break']);
    expect(m).toMatchObject({ state: 'break', reason: 'training', since: at(9), wrapUps: [] });
  });

  it('a second call while on a call keeps oncall; wrap-up once the last call ends', () => {
    const { m, changes } = run(ready(), [
      [1, { type: 'offered', callId: 'a', wrapUp: null }],
      [2, { type: 'answered', callId: 'a' }],
      [10, { type: 'offered', callId: 'b', wrapUp: null }],
      [15, { type: 'ended', callId: 'b' }],
      [20, { type: 'offered', callId: 'c', wrapUp: null }],
      [21, { type: 'answered', callId: 'c' }], // a is held, c answered
      [30, { type: 'ended', callId: 'a' }],
      [40, { type: 'ended', callId: 'c' }],
    ]);
    expect(changes.map((c) => [c.s, c.state])).toEqual([[1, 'ringing'], [2, 'oncall'], [40, 'wrapup']]);
    expect(m.callId).toBe('c');
    expect(m.wrapUps.map((w) => w.callId)).toEqual(['a', 'c']);
    const afterA = step(m, { type: 'submitted', callId: 'a' }, { now: at(41), wrapUpSeconds: 60 });
    expect(afterA.changed).toBe(false); // c's wrap-up is still open
    expect(step(afterA.machine, { type: 'submitted', callId: 'c' }, { now: at(42), wrapUpSeconds: 60 }).machine.state).toBe('available');
  });

  it('wrap-up ends at the limit (timer); a queue header wins; stay waits for the submit', () => {
    let { m } = run(ready(), [
      [0, { type: 'offered', callId: 'q', wrapUp: { seconds: 10, policy: 'available' } }],
      [1, { type: 'answered', callId: 'q' }],
      [5, { type: 'ended', callId: 'q' }],
    ], 60);
    expect(nextDeadline(m)).toBe(at(15));
    expect(step(m, { type: 'tick' }, { now: at(14), wrapUpSeconds: 60 }).changed).toBe(false);
    const timed = step(m, { type: 'tick' }, { now: at(15.001), wrapUpSeconds: 60 });
    expect(timed.machine).toMatchObject({ state: 'available', cause: 'timer' });

    ({ m } = run(ready(), [
      [0, { type: 'offered', callId: 's', wrapUp: { seconds: 10, policy: 'stay' } }],
      [1, { type: 'answered', callId: 's' }],
      [5, { type: 'ended', callId: 's' }],
    ]));
    expect(nextDeadline(m)).toBeNull();
    expect(step(m, { type: 'tick' }, { now: at(9999), wrapUpSeconds: 60 }).machine.state).toBe('wrapup');

    // the desktop's setting when no header came; 0 seconds: no wrap-up at all
    ({ m } = run(ready(), [[0, { type: 'offered', callId: 'd', wrapUp: null }], [1, { type: 'answered', callId: 'd' }], [5, { type: 'ended', callId: 'd' }]], 30));
    expect(nextDeadline(m)).toBe(at(35));
    ({ m } = run(ready(), [[0, { type: 'offered', callId: 'z', wrapUp: null }], [1, { type: 'answered', callId: 'z' }], [5, { type: 'ended', callId: 'z' }]], 0));
    expect(m.state).toBe('available');
  });

  it('outbound calls count from answered on; an unanswered one changes nothing', () => {
    const { changes } = run(ready(), [
      [0, { type: 'dialled', callId: 'o1' }],
      [4, { type: 'ended', callId: 'o1' }],
      [5, { type: 'dialled', callId: 'o2' }],
      [7, { type: 'answered', callId: 'o2' }],
      [20, { type: 'ended', callId: 'o2' }],
    ]);
    expect(changes.map((c) => [c.s, c.state])).toEqual([[7, 'oncall'], [20, 'wrapup']]);
  });

  it('not registered → offline with the reason, back to the chosen state when registered again', () => {
    const { m, changes } = run(ready(), [
      [1, { type: 'choose', state: 'break', reason: 'lunch', by: null }],
      [2, { type: 'registration', registered: false }],
      [3, { type: 'choose', state: 'available', reason: null, by: null }], // chosen while offline: applies once registered
      [4, { type: 'registration', registered: false }],
      [8, { type: 'registration', registered: true }],
      [9, { type: 'registration', registered: null }], // no softphone configured: nothing forces offline
    ]);
    expect(changes).toEqual([
      { s: 1, state: 'break', reason: 'lunch', cause: 'agent' },
      { s: 2, state: 'offline', reason: OFFLINE_NOT_REGISTERED, cause: 'registration' },
      { s: 8, state: 'available', reason: null, cause: 'registration' },
    ]);
    expect(m.registered).toBeNull();
  });

  it('a supervisor sets the state: their time and name; it ends a wrap-up but not a call', () => {
    let { m } = run(ready(), [[1, { type: 'offered', callId: 'x', wrapUp: null }], [2, { type: 'answered', callId: 'x' }]]);
    const during = step(m, { type: 'supervisor', state: 'break', reason: 'meeting', setBy: 'sam', since: at(3) }, { now: at(3.2), wrapUpSeconds: 60 });
    expect(during.changed).toBe(false);
    expect(during.machine.chosen).toEqual({ state: 'break', reason: 'meeting' });
    m = step(during.machine, { type: 'ended', callId: 'x' }, { now: at(10), wrapUpSeconds: 60 }).machine;
    expect(m.state).toBe('wrapup');
    const sup = step(m, { type: 'supervisor', state: 'available', reason: null, setBy: 'sam', since: at(11) }, { now: at(11.3), wrapUpSeconds: 60 });
    expect(sup.changed).toBe(true);
    expect(sup.machine).toMatchObject({ state: 'available', cause: 'supervisor', setBy: 'sam', since: at(11), wrapUps: [] });
    // the next change by anyone else clears the name
    expect(step(sup.machine, { type: 'offered', callId: 'y', wrapUp: null }, { now: at(12), wrapUpSeconds: 60 }).machine.setBy).toBeNull();
  });

  it('ignores what it does not know (unknown call, duplicate offer, answered twice)', () => {
    const m = ready();
    expect(step(m, { type: 'answered', callId: 'nope' }, { now: at(1), wrapUpSeconds: 60 })).toEqual({ machine: m, changed: false });
    expect(step(m, { type: 'ended', callId: 'nope' }, { now: at(1), wrapUpSeconds: 60 }).changed).toBe(false);
    expect(step(m, { type: 'submitted', callId: 'nope' }, { now: at(1), wrapUpSeconds: 60 }).changed).toBe(false);
    const r = step(m, { type: 'offered', callId: 'a', wrapUp: null }, { now: at(1), wrapUpSeconds: 60 }).machine;
    expect(step(r, { type: 'offered', callId: 'a', wrapUp: null }, { now: at(2), wrapUpSeconds: 60 }).machine).toBe(r);
    expect(effective(r)).toEqual({ state: 'ringing', reason: null, callId: 'a' });
  });

  it('parses X-Pronto-Wrapup', () => {
    expect(parseWrapUpHeader('30')).toEqual({ seconds: 30, policy: 'available' });
    expect(parseWrapUpHeader(' 45;policy=stay ')).toEqual({ seconds: 45, policy: 'stay' });
    expect(parseWrapUpHeader('0; policy=Available')).toEqual({ seconds: 0, policy: 'available' });
    for (const bad of ['', 'x', '-1', '30;policy=never', '999999', undefined, null]) expect(parseWrapUpHeader(bad)).toBeNull();
  });
});
