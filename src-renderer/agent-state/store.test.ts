// The renderer tells the host about the softphone's registration from the telephony store's `reg`
// (not before the softphone has read its settings), once per change, and again when the host's
// state says it forgot; pushed states and the hub's reasons reach the store.
import { describe, expect, it, vi } from 'vitest';
import { installFakeBrowser } from '../testing/fakeBrowser';
import type { AgentStateView } from '../../src-shared/agent-state/view';

installFakeBrowser();

const invoked: { method: string; input: Record<string, unknown> }[] = [];
const listeners = new Map<string, (payload: unknown) => void>();
const view = (over: Partial<AgentStateView> = {}): AgentStateView => ({
  state: 'available', reason: null, since: '2026-12-07T10:00:00.000Z', cause: 'registration', setBy: null, callId: null,
  chosen: { state: 'available', reason: null }, registered: null, wrapUp: null, hub: false, ...over,
});
vi.mock('../bridge', () => ({
  bridge: {
    kind: 'web',
    async invoke(method: string, input: Record<string, unknown>) {
      invoked.push({ method, input });
      if (method === 'breakReasons') return [{ code: 'lunch', labelEn: 'Lunch', labelIt: 'Pranzo' }];
      if (method === 'agentStateRegistration') return view({ registered: input.registered as boolean | null });
      return view();
    },
    on(event: string, l: (payload: unknown) => void) {
      listeners.set(event, l);
      return () => listeners.delete(event);
    },
    onConnection: () => () => {},
  },
}));

const { startAgentState, useAgentState, registeredOf } = await import('./store');
const { useTelephony } = await import('../telephony/store');
const reports = () => invoked.filter((i) => i.method === 'agentStateRegistration').map((i) => i.input.registered);
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('agent state store', () => {
  it('maps the registration: registered, not registered, no softphone', () => {
    expect(registeredOf({ kind: 'registered', since: 1 })).toBe(true);
    expect(registeredOf({ kind: 'connecting', attempt: 1, retryAt: null, reason: null })).toBe(false);
    expect(registeredOf({ kind: 'failed', reason: 'auth', detail: '401' })).toBe(false);
    expect(registeredOf({ kind: 'unconfigured' })).toBeNull();
  });

  it('reports each change once, not the store’s first placeholder, and again when the host forgot', async () => {
    startAgentState();
    await tick();
    expect(reports()).toEqual([]); // the softphone has not read its settings yet
    expect(useAgentState.getState().reasons.map((r) => r.code)).toEqual(['lunch']);
    useTelephony.setState({ reg: { kind: 'connecting', attempt: 0, retryAt: null, reason: null } });
    useTelephony.setState({ reg: { kind: 'registering' } }); // still not registered: nothing new
    useTelephony.setState({ reg: { kind: 'registered', since: 2 } });
    await tick();
    expect(reports()).toEqual([false, true]);
    expect(useAgentState.getState().view?.registered).toBe(true);
    // a restarted host pushes a state that knows nothing of the softphone
    listeners.get('agentState')!(view({ state: 'offline', registered: false }));
    await tick();
    expect(reports()).toEqual([false, true, true]);
    // the hub's new list of reasons
    listeners.get('breakReasons')!({ reasons: [{ code: 'coffee', labelEn: 'Coffee', labelIt: 'Caffè' }] });
    expect(useAgentState.getState().reasons.map((r) => r.code)).toEqual(['coffee']);
  });
});
