// The cases following the softphone's call events: a call dialled from a customer's pop opens
// that customer's case; a call that ends while another case is on screen has its own case ended
// on the host (the one on screen goes into wrap-up through popSync instead).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallEvents } from '../telephony/callEvents';

const invoked: { method: string; input: Record<string, unknown> }[] = [];
vi.mock('../bridge', () => ({
  bridge: {
    async invoke(method: string, input: Record<string, unknown>) {
      invoked.push({ method, input });
      return {};
    },
  },
}));
const started: unknown[] = [];
let current: { callId: string } | null = null;
vi.mock('./store', () => ({
  useCases: {
    getState: () => ({
      current,
      startCaseForPop: async (input: unknown) => void started.push(input),
    }),
  },
}));
const requested = new Set<string>();
vi.mock('./popSync', () => ({ caseRequestedFor: (id: string) => requested.has(id) }));

const { followCallCases } = await import('./callCases');

const ended = (callId: string, durationS: number | null = 42) =>
  ({ callId, direction: 'outbound', reason: 'ended', progress: 'ended', durationS }) as const;

beforeEach(() => {
  vi.useFakeTimers();
  invoked.length = 0;
  started.length = 0;
  requested.clear();
  current = null;
});
afterEach(() => vi.useRealTimers());

describe('followCallCases', () => {
  it('opens the case of the customer a call is dialled to', () => {
    const events = new CallEvents();
    followCallCases(events);
    events.emit('dialing', { callId: 'out-1', customerId: 'C-1' });
    events.emit('dialing', { callId: 'out-2', customerId: null });
    expect(started).toEqual([{ callId: 'out-1', customerId: 'C-1' }]);
  });

  it('ends the case of a call no longer on screen, after the softphone task', async () => {
    const events = new CallEvents();
    followCallCases(events);
    events.emit('dialing', { callId: 'out-1', customerId: 'C-1' });
    current = { callId: 'in-9' };
    events.emit('ended', ended('out-1'));
    expect(invoked).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(invoked).toEqual([{ method: 'caseCallEnded', input: { callId: 'out-1', durationS: 42 } }]);
  });

  it('leaves the case on screen to popSync, and calls without a case alone', async () => {
    const events = new CallEvents();
    followCallCases(events);
    requested.add('in-1');
    current = { callId: 'in-1' };
    events.emit('ended', ended('in-1'));
    events.emit('ended', ended('in-2')); // never had a case
    await vi.advanceTimersByTimeAsync(0);
    expect(invoked).toEqual([]);
  });

  it('ends an inbound call whose case popSync asked for', async () => {
    const events = new CallEvents();
    followCallCases(events);
    requested.add('in-1');
    events.emit('ended', ended('in-1', null));
    await vi.advanceTimersByTimeAsync(0);
    expect(invoked).toEqual([{ method: 'caseCallEnded', input: { callId: 'in-1', durationS: null } }]);
  });

  it('stops following when unsubscribed', () => {
    const events = new CallEvents();
    followCallCases(events)();
    events.emit('dialing', { callId: 'out-1', customerId: 'C-1' });
    expect(started).toEqual([]);
  });
});
