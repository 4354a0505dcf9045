// The call-event emitter: synchronous delivery in subscription order, unsubscribe, and a
// throwing subscriber that costs only itself.
import { describe, expect, it, vi } from 'vitest';
import { CallEvents } from './callEvents';

describe('CallEvents', () => {
  it('delivers at once, in subscription order, only to that event', () => {
    const events = new CallEvents();
    const seen: string[] = [];
    events.on('answered', (e) => seen.push(`a1 ${e.callId}`));
    events.on('answered', (e) => seen.push(`a2 ${e.callId}`));
    events.on('held', () => seen.push('held'));
    events.emit('answered', { callId: 'c1', direction: 'inbound' });
    expect(seen).toEqual(['a1 c1', 'a2 c1']);
  });

  it('stops delivering after unsubscribe, also from inside a delivery', () => {
    const events = new CallEvents();
    const seen: string[] = [];
    const off = events.on('held', (e) => {
      seen.push(`first ${e.held}`);
      off();
    });
    events.on('held', (e) => seen.push(`second ${e.held}`));
    events.emit('held', { callId: 'c1', held: true });
    events.emit('held', { callId: 'c1', held: false });
    expect(seen).toEqual(['first true', 'second true', 'second false']);
  });

  it('a throwing subscriber is logged; the others still get the event', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const events = new CallEvents();
    const seen: string[] = [];
    events.on('ended', () => {
      throw new Error('boom');
    });
    events.on('ended', (e) => seen.push(e.reason));
    events.emit('ended', { callId: 'c1', direction: 'inbound', reason: 'cancelled', progress: 'cancelled', durationS: null });
    expect(seen).toEqual(['cancelled']);
    expect(warn).toHaveBeenCalledWith('pronto softphone: ended listener failed', expect.any(Error));
    warn.mockRestore();
  });
});
