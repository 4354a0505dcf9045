// A call's state transitions, driven through the softphone's parts with fake sip.js sessions:
// ringing → active → held → ended, cancelled by the caller or answered elsewhere, declined,
// failed; what is reported to the host (callProgress) and the order of the call events the
// pop and the cases follow.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionState, type UserAgent } from 'sip.js';
import type { LookupResult } from '../../src-shared/pop/schema';
import { installFakeBrowser } from '../testing/fakeBrowser';
import { fakeInvitation, fakeInviter, type FakeSession } from '../testing/fakeSip';

installFakeBrowser();

// ---- the fake host ----
const invoked: { method: string; input: Record<string, unknown> }[] = [];
let lookupAnswer: () => Promise<unknown> = async () => RESULT;
vi.mock('../bridge', () => ({
  bridge: {
    kind: 'web',
    async invoke(method: string, input: Record<string, unknown>) {
      invoked.push({ method, input });
      if (method === 'incomingCall') return lookupAnswer();
      return {};
    },
    on: () => () => {},
    connection: () => 'open',
    onConnection: () => () => {},
  },
}));

const RESULT = {
  query: '0212345678',
  normalized: '+39212345678',
  match: 'single',
  candidates: [],
  pop: { customer: { customerId: 'C-1', name: 'Maria Rossi', company: 'Rossi Srl', phones: [] } },
} as unknown as LookupResult;

const { CallEvents } = await import('./callEvents');
const { CallSessions, CARD_WAIT_MS, endReasonOf } = await import('./callSession');
const { CallControls } = await import('./callControls');
const { IncomingCalls } = await import('./incoming');
const { OutgoingCalls } = await import('./outgoing');
const { Transfers } = await import('./transfer');
const { EarlyLookups } = await import('./earlyInvite');
const { getCall, useTelephony } = await import('./store');
const { followCallPops } = await import('../pop/callPops');
const { usePop } = await import('../pop/store');

function phone() {
  const events = new CallEvents();
  const log: string[] = [];
  events.on('offered', (e) => log.push(`offered ${e.direction}`));
  events.on('lookup', (e) => log.push(`lookup ${e.result ? 'found' : e.error}`));
  events.on('pop', (e) => log.push(e.invitedAt === null ? 'pop again' : 'pop ringing'));
  events.on('recorded', () => log.push('recorded'));
  events.on('dialing', (e) => log.push(`dialing ${e.customerId}`));
  events.on('answered', () => log.push('answered'));
  events.on('held', (e) => log.push(e.held ? 'held' : 'resumed'));
  events.on('ended', (e) => log.push(`ended ${e.reason}/${e.progress}`));
  followCallPops(events);
  const sessions = new CallSessions(events);
  const controls = new CallControls(sessions, events);
  const line = { ua: () => ({}) as UserAgent, config: () => ({ server: 'ws://pbx.test', uri: 'sip:1001@pbx.test', user: '1001', password: 'x', displayName: '', region: 'IT' }) };
  const incoming = new IncomingCalls(line, sessions, controls, events, new EarlyLookups<LookupResult>());
  const dialled: FakeSession[] = [];
  const outgoing = new OutgoingCalls(line, sessions, controls, events, () => {
    const { session, inviter } = fakeInviter(`out-${dialled.length + 1}`);
    dialled.push(session);
    return inviter;
  });
  const transfers = new Transfers(line, sessions, controls, outgoing);
  /** An inbound call rings and its lookup answers. */
  const ring = async (callId: string, number = '0212345678') => {
    const { session, invitation } = fakeInvitation(callId, number);
    incoming.onInvite(invitation);
    await settle();
    return session;
  };
  return { events, log, sessions, controls, incoming, outgoing, transfers, dialled, ring };
}

/** Runs pending promise callbacks and zero-delay timers (microtasks: finalize). */
const settle = () => vi.advanceTimersByTimeAsync(0);
const progress = () => invoked.filter((c) => c.method === 'callProgress').map((c) => `${c.input.callId} ${c.input.event}`);
/** The reasons reported with callProgress, by call. */
const reasons = () => invoked.filter((c) => c.method === 'callProgress' && c.input.reason !== undefined).map((c) => `${c.input.callId} ${c.input.reason}`);

beforeEach(() => {
  vi.useFakeTimers();
  invoked.length = 0;
  lookupAnswer = async () => RESULT;
  useTelephony.setState({ calls: [], pinnedId: null, shownId: null, reg: { kind: 'registered', since: 0 } });
  usePop.setState({ call: null, selected: null });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('an inbound call', () => {
  it('ringing → active → held → active → ended, events in that order', async () => {
    const p = phone();
    const s = await p.ring('in-1');
    expect(getCall('in-1')).toMatchObject({ state: 'ringing', customerId: 'C-1', customerName: 'Maria Rossi' });
    expect(usePop.getState().call).toMatchObject({ raw: expect.stringContaining('0212345678'), status: 'done' });
    expect(useTelephony.getState().shownId).toBe('in-1');
    const popId = usePop.getState().call!.id;

    await p.controls.answer('in-1');
    expect(usePop.getState().call!.id).toBe(popId); // already on screen: not drawn again
    expect(s.sent).toEqual(['accept']);
    expect(getCall('in-1')).toMatchObject({ state: 'active' });
    expect(getCall('in-1')!.answeredAt).not.toBeNull();
    expect(useTelephony.getState().pinnedId).toBe('in-1');

    const held = p.controls.hold('in-1', true);
    expect(getCall('in-1')).toMatchObject({ state: 'active', busy: true });
    s.answerLastInvite(200);
    await held;
    expect(getCall('in-1')).toMatchObject({ state: 'held', busy: false });

    const resumed = p.controls.hold('in-1', false);
    s.answerLastInvite(200);
    await resumed;
    expect(getCall('in-1')).toMatchObject({ state: 'active' });

    await p.controls.hangup('in-1');
    await settle();
    expect(s.sent).toEqual(['accept', 're-INVITE hold', 're-INVITE resume', 'bye']);
    expect(getCall('in-1')).toMatchObject({ state: 'ended', endReason: 'ended' });
    expect(useTelephony.getState().pinnedId).toBeNull();
    expect(progress()).toEqual(['in-1 answered', 'in-1 ended']);
    // the pop's lookup before the call is recorded; answering asks for the pop again (already on
    // screen: not redrawn); ended after the hold and the resume
    expect(p.log).toEqual(['offered inbound', 'lookup found', 'pop ringing', 'recorded', 'pop again', 'answered', 'held', 'resumed', 'ended ended/ended']);
  });

  it('a refused hold leaves the call active with the reason on its card', async () => {
    const p = phone();
    const s = await p.ring('in-1');
    await p.controls.answer('in-1');
    const held = p.controls.hold('in-1', true);
    s.answerLastInvite(488, 'Not Acceptable Here');
    await held;
    expect(getCall('in-1')).toMatchObject({ state: 'active', busy: false, error: '488 Not Acceptable Here' });
    expect(s.sessionDescriptionHandlerOptionsReInvite.hold).toBe(false);
    expect(p.log).not.toContain('held');
  });

  it('cancelled by the caller, or answered by a colleague (Reason cause=200)', async () => {
    const p = phone();
    (await p.ring('in-1')).cancelledByCaller();
    (await p.ring('in-2', '0298765432')).cancelledByCaller('SIP;cause=200;text="Call completed elsewhere"');
    await settle();
    expect(getCall('in-1')).toMatchObject({ state: 'ended', endReason: 'cancelled' });
    expect(getCall('in-2')).toMatchObject({ state: 'ended', endReason: 'elsewhere' });
    // answered elsewhere is not a missed call for us, but it did end without us
    expect(progress()).toEqual(['in-1 cancelled', 'in-2 ended']);
  });

  it('declined: 486 Busy Here to the caller', async () => {
    const p = phone();
    const s = await p.ring('in-1');
    await p.controls.decline('in-1');
    await settle();
    expect(s.sent).toEqual(['reject 486']);
    expect(getCall('in-1')).toMatchObject({ state: 'ended', endReason: 'declined' });
    expect(progress()).toEqual(['in-1 declined']);
    expect(p.log.at(-1)).toBe('ended declined/declined');
  });

  it('an answer that fails (no microphone) ends as failed with the reason shown', async () => {
    const p = phone();
    const s = await p.ring('in-1');
    s.acceptError = new Error('Permission denied');
    await p.controls.answer('in-1');
    expect(getCall('in-1')).toMatchObject({ state: 'ringing', error: 'Permission denied' });
    s.to(SessionState.Terminated);
    await settle();
    expect(getCall('in-1')).toMatchObject({ state: 'ended', endReason: 'failed' });
    expect(progress()).toEqual(['in-1 failed']);
  });

  it("an offer the browser cannot accept (a carrier's plain RTP): 488, failed with why, never caller hung up", async () => {
    const p = phone();
    const s = await p.ring('in-1');
    // what Chromium throws for a carrier offer no media bridge anchored; sip.js ends the session
    // (Terminated) before accept()'s promise rejects
    s.acceptFailure = Object.assign(
      new Error("Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': Failed to set remote offer sdp: Called with SDP without DTLS fingerprint."),
      { name: 'OperationError' },
    );
    await p.controls.answer('in-1');
    await settle();
    expect(s.sent).toEqual(['accept', 'reject 488']);
    expect(getCall('in-1')).toMatchObject({ state: 'ended', endReason: 'failed', failure: { kind: 'no-dtls' } });
    expect(getCall('in-1')!.endDetail).toContain('without DTLS fingerprint');
    expect(progress()).toEqual(['in-1 failed']);
    expect(reasons()).toEqual(["in-1 the caller's audio offer has no DTLS fingerprint (plain RTP: a media bridge is needed): Called with SDP without DTLS fingerprint."]);
    expect(p.log.at(-1)).toBe('ended failed/failed');
  });

  it('a microphone refused while answering: 480 (the offer was fine), failed with why', async () => {
    const p = phone();
    const s = await p.ring('in-1');
    s.acceptFailure = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
    await p.controls.answer('in-1');
    await settle();
    expect(s.sent).toEqual(['accept', 'reject 480']);
    expect(getCall('in-1')).toMatchObject({ state: 'ended', endReason: 'failed', failure: { kind: 'mic-denied', detail: 'Permission denied' } });
    expect(reasons()).toEqual(['in-1 microphone access was denied: Permission denied']);
  });

  it('a failed answer after the caller hung up is the caller hanging up', async () => {
    const p = phone();
    const s = await p.ring('in-1');
    s.isCanceled = true;
    s.acceptFailure = new Error('Called with SDP without DTLS fingerprint');
    await p.controls.answer('in-1');
    await settle();
    expect(getCall('in-1')).toMatchObject({ state: 'ended', endReason: 'cancelled' });
    expect(progress()).toEqual(['in-1 cancelled']);
    expect(reasons()).toEqual([]);
  });

  it('the card waits for the lookup, at most CARD_WAIT_MS', async () => {
    const p = phone();
    let answer: (r: LookupResult) => void = () => {};
    lookupAnswer = () => new Promise((r) => (answer = r));
    const { invitation } = fakeInvitation('in-1', '0212345678');
    p.incoming.onInvite(invitation);
    await vi.advanceTimersByTimeAsync(CARD_WAIT_MS - 1);
    expect(getCall('in-1')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(getCall('in-1')).toMatchObject({ state: 'ringing', lookup: null });
    expect(usePop.getState().call).toBeNull(); // no pop before the lookup answered
    answer(RESULT);
    await settle();
    expect(getCall('in-1')).toMatchObject({ customerName: 'Maria Rossi' });
    expect(usePop.getState().call).toMatchObject({ raw: expect.stringContaining('0212345678') });
  });

  it('a call ringing during a conversation does not take the pop of the answered one', async () => {
    const p = phone();
    await p.ring('in-1');
    await p.controls.answer('in-1');
    const popBefore = usePop.getState().call;
    await p.ring('in-2', '0298765432');
    expect(usePop.getState().call).toBe(popBefore);
    expect(getCall('in-2')).toMatchObject({ state: 'ringing' });
    expect(p.log.filter((e) => e.startsWith('pop'))).toEqual(['pop ringing', 'pop again']); // both in-1's
    // the agent clicks the other card: that pop comes on screen
    p.sessions.show('in-2');
    expect(usePop.getState().call).toMatchObject({ raw: expect.stringContaining('0298765432') });
    expect(useTelephony.getState().shownId).toBe('in-2');
  });

  it('answering a call puts the one in conversation on hold first', async () => {
    const p = phone();
    const first = await p.ring('in-1');
    await p.controls.answer('in-1');
    const second = await p.ring('in-2', '0298765432');
    const answering = p.controls.answer('in-2');
    await settle();
    expect(first.sent.at(-1)).toBe('re-INVITE hold');
    expect(second.sent).toEqual([]); // waits for the hold
    first.answerLastInvite(200);
    await answering;
    expect(second.sent).toEqual(['accept']);
    expect(getCall('in-1')!.state).toBe('held');
    expect(getCall('in-2')!.state).toBe('active');
  });
});

describe('an outbound call', () => {
  it('rejected by the far end: failed, with its status on the card', async () => {
    const p = phone();
    const id = await p.outgoing.dial('0211112222', { customerId: 'C-1', customerName: 'Maria Rossi' });
    expect(id).toBe('out-1');
    expect(getCall('out-1')).toMatchObject({ direction: 'outbound', state: 'ringing', target: '0211112222', customerName: 'Maria Rossi' });
    expect(invoked.find((c) => c.method === 'outgoingCall')?.input).toMatchObject({ callId: 'out-1', customerId: 'C-1' });
    const s = p.dialled[0]!;
    s.answerLastInvite(486, 'Busy Here');
    s.to(SessionState.Terminated);
    await settle();
    expect(getCall('out-1')).toMatchObject({ state: 'ended', endReason: 'failed', endDetail: '486 Busy Here' });
    expect(progress()).toEqual(['out-1 failed']);
    expect(p.log).toEqual(['offered outbound', 'recorded', 'dialing C-1', 'ended failed/failed']);
  });

  it('refused for its media (488): failed, "could not connect audio", the status recorded', async () => {
    const p = phone();
    await p.outgoing.dial('0211112222');
    const s = p.dialled[0]!;
    s.answerLastInvite(488, 'Not Acceptable Here');
    s.to(SessionState.Terminated);
    await settle();
    expect(getCall('out-1')).toMatchObject({ state: 'ended', endReason: 'failed', failure: { kind: 'refused', detail: '488 Not Acceptable Here' } });
    expect(reasons()).toEqual(['out-1 the other side refused the call: 488 Not Acceptable Here']);
  });

  it('rejected for another reason (486): failed with the status as the reason, no audio failure', async () => {
    const p = phone();
    await p.outgoing.dial('0211112222');
    const s = p.dialled[0]!;
    s.answerLastInvite(486, 'Busy Here');
    s.to(SessionState.Terminated);
    await settle();
    expect(getCall('out-1')!.failure).toBeNull();
    expect(reasons()).toEqual(['out-1 486 Busy Here']);
  });

  it('not placed for want of a microphone (sip.js ends it before invite() rejects): failed with why', async () => {
    const p = phone();
    const { session, inviter } = fakeInviter('out-9');
    session.inviteFailure = Object.assign(new Error('Requested device not found'), { name: 'NotFoundError' });
    const outgoing = new OutgoingCalls({ ua: () => ({}) as UserAgent, config: () => null }, p.sessions, p.controls, p.events, () => inviter);
    expect(await outgoing.dial('sip:1002@pbx.test')).toBe('out-9');
    await settle();
    expect(getCall('out-9')).toMatchObject({ state: 'ended', endReason: 'failed', failure: { kind: 'no-mic' } });
    expect(progress()).toEqual(['out-9 failed']);
    expect(reasons()).toEqual(['out-9 no microphone was found: Requested device not found']);
  });

  it('cancelled by the agent before the answer: CANCEL, ended', async () => {
    const p = phone();
    await p.outgoing.dial('0211112222');
    await p.controls.hangup('out-1');
    await settle();
    expect(p.dialled[0]!.sent).toEqual(['INVITE', 'cancel']);
    expect(getCall('out-1')).toMatchObject({ state: 'ended', endReason: 'ended' });
  });

  it('answered, then hung up by the other side', async () => {
    const p = phone();
    await p.outgoing.dial('0211112222');
    const s = p.dialled[0]!;
    s.to(SessionState.Established);
    expect(getCall('out-1')!.state).toBe('active');
    expect(useTelephony.getState().pinnedId).toBeNull(); // only inbound calls pin their pop
    s.to(SessionState.Terminated);
    await settle();
    expect(getCall('out-1')).toMatchObject({ state: 'ended', endReason: 'ended' });
    expect(progress()).toEqual(['out-1 answered', 'out-1 ended']);
  });

  it('dialling puts the call in conversation on hold before the INVITE leaves', async () => {
    const p = phone();
    const first = await p.ring('in-1');
    await p.controls.answer('in-1');
    const dialling = p.outgoing.dial('0211112222');
    await settle();
    expect(first.sent.at(-1)).toBe('re-INVITE hold');
    expect(p.dialled[0]!.sent).toEqual([]);
    first.answerLastInvite(200);
    await dialling;
    expect(p.dialled[0]!.sent).toEqual(['INVITE']);
  });

  it('is not placed while the phone is not registered, nor to an invalid target', async () => {
    const p = phone();
    expect(await p.outgoing.dial('not a number')).toBeNull();
    useTelephony.setState({ reg: { kind: 'registering' } });
    expect(await p.outgoing.dial('0211112222')).toBeNull();
    expect(p.dialled).toHaveLength(0);
  });
});

describe('transfers', () => {
  it('blind: REFER accepted → transfer done, we leave the call, it ended as transferred', async () => {
    const p = phone();
    const s = await p.ring('in-1');
    await p.controls.answer('in-1');
    const transferring = p.transfers.blind('in-1', '2002');
    expect(getCall('in-1')!.transfer).toMatchObject({ target: '2002', mode: 'blind', status: 'pending' });
    await transferring;
    s.refers[0]!.requestDelegate!.onAccept!();
    await settle();
    expect(s.sent).toEqual(['accept', 'REFER', 'bye']);
    expect(getCall('in-1')).toMatchObject({ state: 'ended', endReason: 'transferred', transfer: { status: 'done' } });
    expect(progress()).toEqual(['in-1 answered', 'in-1 ended']);
  });

  it('blind: a refused REFER keeps the call, with the reason', async () => {
    const p = phone();
    const s = await p.ring('in-1');
    await p.controls.answer('in-1');
    await p.transfers.blind('in-1', '2002');
    s.refers[0]!.requestDelegate!.onReject!({ message: { statusCode: 403, reasonPhrase: 'Forbidden' } });
    expect(getCall('in-1')).toMatchObject({ state: 'active', transfer: { status: 'failed', detail: '403 Forbidden' } });
    expect(s.sent).toEqual(['accept', 'REFER']);
  });

  it('attended: the caller is held, the target called; a consultation that ends fails the transfer', async () => {
    const p = phone();
    const s = await p.ring('in-1');
    await p.controls.answer('in-1');
    const consulting = p.transfers.startConsult('in-1', '2002');
    await settle();
    s.answerLastInvite(200); // the hold
    await consulting;
    expect(getCall('in-1')).toMatchObject({ state: 'held', transfer: { mode: 'attended', status: 'consulting' } });
    expect(getCall('out-1')).toMatchObject({ consultFor: 'in-1', target: '2002' });
    const consult = p.dialled[0]!;
    consult.to(SessionState.Established);
    consult.to(SessionState.Terminated);
    await settle();
    expect(getCall('in-1')).toMatchObject({ state: 'held', transfer: { status: 'failed', detail: 'Call ended' } });
  });
});

it('new settings end every call (a ringing one with 480)', async () => {
  const p = phone();
  const s = await p.ring('in-1');
  p.sessions.endAll();
  await settle();
  expect(s.sent).toEqual(['reject 480']);
  expect(getCall('in-1')).toMatchObject({ state: 'ended', endReason: 'ended' });
  expect(p.sessions.hasLive()).toBe(false);
});

describe('endReasonOf', () => {
  const cases: [Parameters<typeof endReasonOf>[0], boolean, string][] = [
    [{ direction: 'inbound', endReason: null, cancelled: null }, true, 'ended'],
    [{ direction: 'inbound', endReason: 'transferred', cancelled: null }, true, 'transferred'],
    [{ direction: 'inbound', endReason: 'declined', cancelled: null }, false, 'declined'],
    [{ direction: 'inbound', endReason: 'failed', cancelled: null }, false, 'failed'],
    [{ direction: 'inbound', endReason: 'failed', cancelled: null }, true, 'ended'],
    [{ direction: 'inbound', endReason: null, cancelled: 'caller' }, false, 'cancelled'],
    [{ direction: 'inbound', endReason: null, cancelled: 'elsewhere' }, false, 'elsewhere'],
    [{ direction: 'inbound', endReason: null, cancelled: null }, false, 'cancelled'],
    [{ direction: 'inbound', endReason: 'ended', cancelled: null }, false, 'ended'],
    [{ direction: 'outbound', endReason: null, cancelled: null }, false, 'ended'],
    [{ direction: 'outbound', endReason: 'failed', cancelled: null }, false, 'failed'],
  ];
  for (const [entry, answered, want] of cases) {
    it(`${entry.direction}, asked ${entry.endReason}, cancelled ${entry.cancelled}, answered ${answered} → ${want}`, () => {
      expect(endReasonOf(entry, answered)).toBe(want);
    });
  }
});
