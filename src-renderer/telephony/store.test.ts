// The call list under a burst: which cards stay drawn when the list folds.
import { describe, expect, it } from 'vitest';
import { CARDS_SHOWN, foldCalls, orderCalls, type CallView } from './store';

let seq = 0;
function call(state: CallView['state'], offeredAt = ++seq): CallView {
  return {
    id: `c${seq}-${state}`, direction: 'inbound', state, endReason: state === 'ended' ? 'cancelled' : null, endDetail: null,
    who: { identity: '02', display: '', withheld: false, line: '', forwardedBy: null }, target: null, lookup: null, lookupError: null,
    customerId: null, customerName: null, offeredAt, answeredAt: null, endedAt: null, muted: false, busy: false, dtmfSent: '', dtmfReceived: '',
    rtpIn: null, rtpOut: null, energyIn: null, consultFor: null, transfer: null, error: null,
  };
}

describe('foldCalls', () => {
  it('draws everything up to one card more than CARDS_SHOWN', () => {
    const calls = orderCalls(Array.from({ length: CARDS_SHOWN + 1 }, () => call('ringing')));
    expect(foldCalls(calls, null)).toEqual({ visible: calls, hidden: [] });
  });

  it('folds a burst: the newest ringing calls stay, the rest keep their order in `hidden`', () => {
    const calls = orderCalls(Array.from({ length: 12 }, () => call('ringing')));
    const { visible, hidden } = foldCalls(calls, null);
    expect(visible).toEqual(calls.slice(0, CARDS_SHOWN));
    expect(hidden).toEqual(calls.slice(CARDS_SHOWN));
  });

  it('never folds away a call in conversation or the call whose pop is on screen', () => {
    const ringing = Array.from({ length: 10 }, () => call('ringing'));
    const active = call('active', 1);
    const held = call('held', 2);
    const ended = call('ended', 3);
    const calls = orderCalls([...ringing, active, held, ended]);
    const shown = calls[8]!; // an older ringing call the agent brought on screen
    const { visible, hidden } = foldCalls(calls, shown.id);
    expect(visible).toContain(active);
    expect(visible).toContain(held);
    expect(visible).toContain(shown);
    expect(visible).not.toContain(ended);
    expect(visible.length).toBe(CARDS_SHOWN);
    expect(visible.length + hidden.length).toBe(calls.length);
    // list order kept on both sides
    expect(visible).toEqual(calls.filter((c) => visible.includes(c)));
    expect(hidden).toEqual(calls.filter((c) => hidden.includes(c)));
  });

  it('shows every live conversation even when they alone exceed CARDS_SHOWN', () => {
    const calls = orderCalls([...Array.from({ length: CARDS_SHOWN + 2 }, () => call('held')), call('ringing'), call('ringing')]);
    const { visible, hidden } = foldCalls(calls, null);
    expect(visible.filter((c) => c.state === 'held').length).toBe(CARDS_SHOWN + 2);
    expect(hidden.map((c) => c.state)).toEqual(['ringing', 'ringing']);
  });
});
