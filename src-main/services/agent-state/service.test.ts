// The desktop's agent states through the one call path (DesktopApi), on a real store: what goes
// to the outbox (order, original times, exactly what the hub's push accepts), what does not (a
// supervisor's change, a standalone desktop), registration, restart, wrap-up, and the hub's GETs
// with a fake fetch.
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../db/store';
import { DesktopApi } from '../../api/desktop-api';
import { tempDir } from '../../../test-support/desktop/fixtures';
import { CallEventPayload } from '../../../src-shared/agent-state/call-events';
import { Outbox } from '../sync/outbox';
import type { SyncHandle } from '../sync/handle';
import { AgentStateSetPayload, type AgentStatus } from '../../../src-shared/agent-state/states';
import { OFFLINE_NOT_REGISTERED } from '../../../src-shared/agent-state/machine';
import type { AgentStateView } from '../../../src-shared/agent-state/view';
import { AGENT_META } from './service';
import { getMeta } from '../../db/queries/meta';
import { hubStateToAdopt } from './hub';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).reverse().forEach((c) => c()));

const HUB = { hubUrl: 'http://hub.test', token: 'pht_test' };

function fakeSync(): SyncHandle & { kicks: number } {
  const s = {
    kicks: 0,
    start() {}, wake() {}, kick() { s.kicks++; },
    syncOnce: async () => ({ pushed: 0, rejected: 0, pulled: 0 }),
    stop: async () => {},
    status: () => ({ configured: true, hubUrl: HUB.hubUrl, online: true, live: true, lastSyncedAt: null, cursor: 0, pending: 0, rejected: 0, rejectedItems: [], error: null, progress: null }),
  };
  return s;
}

type FakeRoutes = Record<string, unknown>;
function fakeFetch(routes: FakeRoutes): typeof fetch & { urls: string[] } {
  const urls: string[] = [];
  const f = (async (input: string | URL | Request) => {
    const url = String(input);
    urls.push(url);
    const path = new URL(url).pathname;
    if (!(path in routes)) return new Response('{"message":"not found"}', { status: 404 });
    return new Response(JSON.stringify(routes[path]), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch & { urls: string[] };
  f.urls = urls;
  return f;
}

function host(opts: { dir?: string; hub?: boolean; fetch?: typeof fetch } = {}) {
  let dir = opts.dir;
  if (!dir) {
    const t = tempDir();
    cleanups.push(t.cleanup);
    dir = t.dir;
  }
  const store: Store = openStore(dir);
  let closed = false;
  const close = () => {
    if (!closed) store.close();
    closed = true;
  };
  cleanups.push(close);
  const sync = opts.hub === false ? null : fakeSync();
  const hub = opts.hub === false ? null : { ...HUB, fetch: opts.fetch ?? fakeFetch({}) };
  const app = new DesktopApi({ store, region: 'IT', host: 'web', sync, hub, wrapUpSeconds: 60, log: () => {} });
  const views: AgentStateView[] = [];
  const reasonEvents: unknown[] = [];
  app.onEvent((event, payload) => {
    if (event === 'agentState') views.push(payload as AgentStateView);
    if (event === 'breakReasons') reasonEvents.push(payload);
  });
  const rows = () => new Outbox(store.sqlite).pending().filter((r) => r.kind === 'agentState.set').map((r) => AgentStateSetPayload.parse(r.payload));
  return { store, app, sync, views, reasonEvents, rows, dir, close };
}

describe('agent state service', () => {
  it('records each change with its outbox row, in order, with its original time; kicks sync', async () => {
    const { app, sync, rows, views } = host();
    expect(await app.call('agentState', {})).toMatchObject({ state: 'offline', reason: OFFLINE_NOT_REGISTERED, hub: true });
    await app.call('agentStateRegistration', { registered: true });
    const brk = await app.call('agentStateSet', { state: 'break', reason: 'lunch' });
    expect(brk).toMatchObject({ state: 'break', reason: 'lunch', cause: 'agent', chosen: { state: 'break', reason: 'lunch' } });
    await new Promise((r) => setTimeout(r, 5));
    const back = await app.call('agentStateSet', { state: 'available', reason: null });
    await app.agentState.flushed();

    const sent = rows();
    expect(sent.map((p) => [p.state, p.reason, p.cause])).toEqual([
      ['offline', OFFLINE_NOT_REGISTERED, 'registration'], // the start (nothing recorded before)
      ['available', null, 'registration'],
      ['break', 'lunch', 'agent'],
      ['available', null, 'agent'],
    ]);
    expect(sent[2]!.at).toBe(brk.since);
    expect(sent[3]!.at).toBe(back.since);
    expect(Date.parse(sent[3]!.at)).toBeGreaterThan(Date.parse(sent[2]!.at));
    expect(new Set(sent.map((p) => p.eventId)).size).toBe(4);
    // the outbox row's id is the event id: a retried push is the same event
    expect(new Outbox(app.ctx.store.sqlite).pending().filter((r) => r.kind === 'agentState.set').map((r) => r.id)).toEqual(sent.map((p) => p.eventId));
    expect(sync!.kicks).toBeGreaterThanOrEqual(1);
    expect(views.at(-1)).toMatchObject({ state: 'available', cause: 'agent' });
  });

  it('hold and resume of a call go to the hub as call.hold / call.resume (outbox); nothing without a hub', async () => {
    const { app, store } = host();
    expect(await app.call('callHeld', { callId: 'c-9@pbx', held: true })).toEqual({ ok: true });
    expect(await app.call('callHeld', { callId: 'c-9@pbx', held: false })).toEqual({ ok: true });
    const held = new Outbox(store.sqlite).pending().filter((r) => r.kind === 'callEvent.record').map((r) => CallEventPayload.parse(r.payload));
    expect(held.map((p) => [p.kind, p.callId])).toEqual([['call.hold', 'c-9@pbx'], ['call.resume', 'c-9@pbx']]);
    const alone = host({ hub: false });
    expect(await alone.app.call('callHeld', { callId: 'c-9@pbx', held: true })).toEqual({ ok: false });
  });

  it('Break needs a reason from the list', async () => {
    const { app, rows } = host();
    await app.call('agentStateRegistration', { registered: true });
    await expect(app.call('agentStateSet', { state: 'break', reason: null })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(app.call('agentStateSet', { state: 'break', reason: 'nap' })).rejects.toThrow(/not a break reason/);
    expect((await app.call('breakReasons', {})).map((r) => r.code)).toContain('technical');
    await app.agentState.flushed();
    expect(rows().map((p) => p.state)).toEqual(['offline', 'available']);
  });

  it('calls drive ringing → oncall → wrapup; the case submit ends the wrap-up', async () => {
    const { app, rows } = host();
    await app.call('agentStateRegistration', { registered: true });
    await app.call('incomingCall', { callId: 'call-1', identity: '+390287654321', wrapUp: '30;policy=stay' });
    expect((await app.call('agentState', {})).state).toBe('ringing');
    await app.call('callProgress', { callId: 'call-1', event: 'answered' });
    // a second call while on a call keeps oncall
    await app.call('incomingCall', { callId: 'call-2', identity: '+390287654300' });
    await app.call('callProgress', { callId: 'call-2', event: 'cancelled' });
    expect((await app.call('agentState', {})).state).toBe('oncall');
    await app.call('callProgress', { callId: 'call-1', event: 'ended' });
    const wrap = await app.call('agentState', {});
    expect(wrap).toMatchObject({ state: 'wrapup', callId: 'call-1', wrapUp: { callId: 'call-1', until: null } }); // policy=stay
    const draft = await app.call('caseStart', { callId: 'call-1' });
    const disposition = (await app.call('dispositions', {}))[0]!.code;
    await app.call('caseSubmit', { caseId: draft.caseId, disposition });
    expect((await app.call('agentState', {})).state).toBe('available');
    await app.agentState.flushed();
    expect(rows().slice(2).map((p) => [p.state, p.cause, p.callId])).toEqual([
      ['ringing', 'call', 'call-1'], ['oncall', 'call', 'call-1'], ['wrapup', 'call', 'call-1'], ['available', 'agent', null],
    ]);
  });

  it('a ringing call not answered goes back to Break; wrap-up ends by itself at its limit', async () => {
    const { app } = host();
    await app.call('agentStateRegistration', { registered: true });
    await app.call('agentStateSet', { state: 'break', reason: 'training' });
    await app.call('incomingCall', { callId: 'd1', identity: '100' });
    await app.call('callProgress', { callId: 'd1', event: 'declined' });
    expect(await app.call('agentState', {})).toMatchObject({ state: 'break', reason: 'training' });
    await app.call('agentStateSet', { state: 'available', reason: null });
    await app.call('incomingCall', { callId: 'q1', identity: '101', wrapUp: '1' });
    await app.call('callProgress', { callId: 'q1', event: 'answered' });
    await app.call('callProgress', { callId: 'q1', event: 'ended' });
    expect((await app.call('agentState', {})).state).toBe('wrapup');
    await new Promise((r) => setTimeout(r, 1_300));
    expect(await app.call('agentState', {})).toMatchObject({ state: 'available', cause: 'timer' });
  });

  it('a supervisor change from the hub is applied with their name and never sent back', async () => {
    const { app, rows, views, sync } = host();
    await app.call('agentStateRegistration', { registered: true });
    await app.agentState.flushed();
    const before = rows().length;
    const kicks = sync!.kicks;
    app.agentState.fromHub({ type: 'agentState', state: 'break', reason: 'meeting', since: '2026-12-07T10:00:00.000Z', setBy: 'sam' });
    await app.agentState.flushed();
    expect(await app.call('agentState', {})).toMatchObject({ state: 'break', reason: 'meeting', cause: 'supervisor', setBy: 'sam', since: '2026-12-07T10:00:00.000Z' });
    expect(views.at(-1)).toMatchObject({ setBy: 'sam', cause: 'supervisor' });
    expect(rows().length).toBe(before);
    expect(sync!.kicks).toBe(kicks);
    // ringing / oncall from the hub are not the hub's to say
    app.agentState.fromHub({ type: 'agentState', state: 'oncall', reason: null, since: '2026-12-07T10:01:00.000Z', setBy: 'sam' });
    expect((await app.call('agentState', {})).state).toBe('break');
    // the chosen state is kept for the next start
    expect(JSON.parse(getMeta(app.ctx.store.sqlite, AGENT_META.chosen)!)).toEqual({ state: 'break', reason: 'meeting', at: '2026-12-07T10:00:00.000Z' });
  });

  it('softphone lost → offline with the reason → back; a restart returns to the last chosen state after registration', async () => {
    const first = host();
    await first.app.call('agentStateRegistration', { registered: true });
    await first.app.call('agentStateSet', { state: 'break', reason: 'lunch' });
    expect(await first.app.call('agentStateRegistration', { registered: false })).toMatchObject({ state: 'offline', reason: OFFLINE_NOT_REGISTERED, cause: 'registration' });
    expect(await first.app.call('agentStateRegistration', { registered: true })).toMatchObject({ state: 'break', reason: 'lunch', cause: 'registration' });
    await first.app.agentState.close(); // the desktop closes: offline recorded
    first.close();

    const again = host({ dir: first.dir });
    expect(await again.app.call('agentState', {})).toMatchObject({ state: 'offline', chosen: { state: 'break', reason: 'lunch' } });
    expect(await again.app.call('agentStateRegistration', { registered: true })).toMatchObject({ state: 'break', reason: 'lunch' });
    await again.app.agentState.flushed();
    const states = again.rows().map((p) => `${p.state}:${p.reason ?? ''}:${p.cause}`);
    // nothing doubled at the restart: the close already recorded offline
    expect(states).toEqual([
      `offline:${OFFLINE_NOT_REGISTERED}:registration`, 'available::registration', 'break:lunch:agent',
      `offline:${OFFLINE_NOT_REGISTERED}:registration`, 'break:lunch:registration',
      `offline:${OFFLINE_NOT_REGISTERED}:registration`, 'break:lunch:registration',
    ]);
  });

  it('without a hub the states stay local (no outbox rows, no kick)', async () => {
    const { app, rows } = host({ hub: false });
    await app.call('agentStateRegistration', { registered: null }); // no softphone configured (demo)
    const v = await app.call('agentStateSet', { state: 'break', reason: 'other' });
    expect(v).toMatchObject({ state: 'break', hub: false });
    await app.agentState.flushed();
    expect(rows()).toEqual([]);
    expect(JSON.parse(getMeta(app.ctx.store.sqlite, AGENT_META.chosen)!)).toMatchObject({ state: 'break', reason: 'other' });
  });

  it('on (re)connect: reads me, the break reasons (cached) and adopts a newer supervisor state', async () => {
    const status: AgentStatus = {
      name: 'nina', extension: '1001', team: 'sales', state: 'break', reason: 'coffee', since: '2099-01-01T00:00:00.000Z',
      setBy: 'sam', desktopState: 'break', registered: true,
    };
    const f = fakeFetch({
      '/v1/me': { name: 'nina', role: 'agent' },
      '/v1/break-reasons': { reasons: [{ code: 'coffee', labelEn: 'Coffee', labelIt: 'Caffè' }, { code: 'lunch', labelEn: 'Lunch', labelIt: 'Pranzo' }] },
      '/v1/agents/nina/state': status,
    });
    const { app, rows, reasonEvents } = host({ fetch: f });
    await app.call('agentStateRegistration', { registered: true });
    app.agentState.hubLive(true);
    await app.agentState.refreshFromHub();
    expect(f.urls.map((u) => new URL(u).pathname).sort()).toEqual(['/v1/agents/nina/state', '/v1/break-reasons', '/v1/me']);
    expect((await app.call('breakReasons', {})).map((r) => r.code)).toEqual(['coffee', 'lunch']);
    expect(reasonEvents).toEqual([{ reasons: await app.call('breakReasons', {}) }]); // the renderer hears of the new list
    expect(await app.call('agentState', {})).toMatchObject({ state: 'break', reason: 'coffee', setBy: 'sam', cause: 'supervisor' });
    await app.agentState.flushed();
    expect(rows().map((p) => p.state)).toEqual(['offline', 'available']); // adopted, not echoed
    expect(getMeta(app.ctx.store.sqlite, AGENT_META.me)).toBe('nina');
    // the agent's own choices now carry the name
    expect(await app.call('agentStateSet', { state: 'break', reason: 'lunch' })).toMatchObject({ setBy: 'nina', cause: 'agent' });
    // the cached list outlives a hub that no longer answers
    const offline = host({ dir: undefined, fetch: fakeFetch({}) });
    await offline.app.agentState.refreshFromHub();
    expect((await offline.app.call('breakReasons', {})).length).toBeGreaterThan(1); // defaults
  });

  it('at a start, adopts what a supervisor set while the desktop was closed, not what the agent overrode since', async () => {
    const status = (since: string): AgentStatus => ({
      name: 'nina', extension: '1001', team: 'sales', state: 'break', reason: 'meeting', since, setBy: 'sam', desktopState: 'break', registered: false,
    });
    const first = host();
    await first.app.call('agentStateRegistration', { registered: true });
    await first.app.call('agentStateSet', { state: 'available', reason: null });
    await first.app.agentState.close();
    first.close();
    const chosenAt = Date.now();
    // the supervisor set Meeting after the agent's last choice, while the desktop was closed
    await new Promise((r) => setTimeout(r, 5));
    const later = new Date(chosenAt + 2).toISOString();
    const again = host({ dir: first.dir, fetch: fakeFetch({ '/v1/me': { name: 'nina' }, '/v1/agents/nina/state': status(later) }) });
    await again.app.agentState.refreshFromHub();
    expect(await again.app.call('agentState', {})).toMatchObject({ state: 'offline', chosen: { state: 'break', reason: 'meeting' } });
    expect(await again.app.call('agentStateRegistration', { registered: true })).toMatchObject({ state: 'break', reason: 'meeting' });
    await again.app.agentState.close();
    again.close();
    // an older change at the hub (the agent chose since) is not adopted
    const third = host({ dir: first.dir, fetch: fakeFetch({ '/v1/me': { name: 'nina' }, '/v1/agents/nina/state': status(new Date(chosenAt - 60_000).toISOString()) }) });
    await third.app.call('agentStateSet', { state: 'available', reason: null });
    await third.app.agentState.refreshFromHub();
    expect((await third.app.call('agentState', {})).chosen).toEqual({ state: 'available', reason: null });
  });

  it('adopts only a newer state a person other than the agent chose', () => {
    const s = (over: Partial<AgentStatus>): AgentStatus => ({
      name: 'nina', extension: null, team: null, state: 'break', reason: 'lunch', since: '2026-12-07T10:00:00.000Z', setBy: 'sam', desktopState: 'break', registered: true, ...over,
    });
    const now = '2026-12-07T09:00:00.000Z';
    expect(hubStateToAdopt(s({}), 'nina', now)).toEqual({ state: 'break', reason: 'lunch', since: '2026-12-07T10:00:00.000Z', setBy: 'sam' });
    expect(hubStateToAdopt(s({ setBy: 'nina' }), 'nina', now)).toBeNull();
    expect(hubStateToAdopt(s({ setBy: 'pbx', reason: 'missed-call' }), 'nina', now)).toMatchObject({ state: 'break', reason: 'missed-call', setBy: 'pbx' });
    expect(hubStateToAdopt(s({ setBy: null }), 'nina', now)).toBeNull();
    // the hub's Offline for an unregistered softphone: the chosen state is desktopState
    expect(hubStateToAdopt(s({ state: 'offline', reason: OFFLINE_NOT_REGISTERED, desktopState: 'offline' }), 'nina', now)).toBeNull();
    expect(hubStateToAdopt(s({ state: 'offline', reason: OFFLINE_NOT_REGISTERED, desktopState: 'available', registered: false }), 'nina', now)).toMatchObject({ state: 'available', reason: null });
    expect(hubStateToAdopt(s({ state: 'offline', reason: OFFLINE_NOT_REGISTERED, desktopState: 'break', registered: false }), 'nina', now)).toBeNull(); // an older hub: no desktopReason
    expect(hubStateToAdopt(s({ state: 'offline', reason: OFFLINE_NOT_REGISTERED, desktopState: 'break', desktopReason: 'lunch', registered: false }), 'nina', now))
      .toMatchObject({ state: 'break', reason: 'lunch', setBy: 'sam' });
    expect(hubStateToAdopt(s({ state: 'offline', reason: 'signed out', desktopState: 'offline' }), 'nina', now)).toMatchObject({ state: 'offline', reason: 'signed out' });
    expect(hubStateToAdopt(s({ state: 'oncall' }), 'nina', now)).toBeNull();
    expect(hubStateToAdopt(s({ since: '2026-12-07T08:00:00.000Z' }), 'nina', now)).toBeNull();
    expect(hubStateToAdopt(null, 'nina', now)).toBeNull();
  });
});
