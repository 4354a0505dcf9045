// A queue's offer carries its wrap-up rule in `X-Pronto-Wrapup`: the softphone hands it to the host
// with the call (incomingCall), where it sets that call's wrap-up limit and policy.
import { describe, expect, it, vi } from 'vitest';
import type { UserAgent, Invitation } from 'sip.js';
import type { LookupResult } from '../../src-shared/pop/schema';
import { installFakeBrowser } from '../testing/fakeBrowser';
import { FakeRequest, FakeSession } from '../testing/fakeSip';

installFakeBrowser();

const invoked: { method: string; input: Record<string, unknown> }[] = [];
vi.mock('../bridge', () => ({
  bridge: {
    kind: 'web',
    async invoke(method: string, input: Record<string, unknown>) {
      invoked.push({ method, input });
      return { query: '', normalized: null, match: 'none', candidates: [], pop: null };
    },
    on: () => () => {},
    connection: () => 'open',
    onConnection: () => () => {},
  },
}));

const { CallEvents } = await import('../telephony/callEvents');
const { CallSessions } = await import('../telephony/callSession');
const { CallControls } = await import('../telephony/callControls');
const { IncomingCalls } = await import('../telephony/incoming');
const { EarlyLookups } = await import('../telephony/earlyInvite');

function incoming() {
  const events = new CallEvents();
  const sessions = new CallSessions(events);
  const controls = new CallControls(sessions, events);
  const line = { ua: () => ({}) as UserAgent, config: () => ({ server: 'ws://pbx.test', uri: 'sip:1001@pbx.test', user: '1001', password: 'x', displayName: '', region: 'IT' }) };
  return new IncomingCalls(line, sessions, controls, events, new EarlyLookups<LookupResult>());
}

function invite(callId: string, extra: Record<string, string[]>): Invitation {
  return new FakeSession(new FakeRequest(callId, { From: ['<sip:0212345678@pbx.test>;tag=1'], To: ['<sip:1001@pbx.test>'], ...extra })) as unknown as Invitation;
}

describe('queue offer headers', () => {
  it('passes X-Pronto-Wrapup with the call; nothing when the PBX set none', () => {
    const phone = incoming();
    phone.onInvite(invite('q-1', { 'X-Pronto-Queue': ['sales'], 'X-Pronto-Wrapup': ['30;policy=stay'] }));
    phone.onInvite(invite('d-1', {}));
    const calls = invoked.filter((i) => i.method === 'incomingCall');
    expect(calls.map((c) => [c.input.callId, c.input.wrapUp])).toEqual([['q-1', '30;policy=stay'], ['d-1', '']]);
  });
});
