// The slow-call log line tells a call that held the host's thread from one that only waited.
import { describe, expect, it } from 'vitest';
import { startCallClock } from './call-clock';

const heldMs = (line: string): number => Number(/held the thread ([\d.]+) ms/.exec(line)?.[1]);

describe('call clock', () => {
  it('counts a synchronous call as holding the thread', () => {
    const clock = startCallClock();
    const end = performance.now() + 60;
    while (performance.now() < end); // computing on this thread
    clock.returned();
    const line = clock.explain();
    expect(heldMs(line)).toBeGreaterThanOrEqual(60);
    expect(line).toMatch(/cpu [\d.]+ ms, gc [\d.]+ ms, major faults \d+, fs reads \d+, fs writes \d+, voluntary switches \d+, involuntary \d+, not on a CPU ≥ [\d.]+ ms$/);
  });

  it('counts an awaited call as waiting, not holding the thread', async () => {
    const clock = startCallClock();
    const pending = new Promise((r) => setTimeout(r, 60)); // a count on the worker, a lock
    clock.returned();
    await pending;
    clock.returned(); // only the first call counts
    expect(clock.ms()).toBeGreaterThanOrEqual(55);
    expect(heldMs(clock.explain())).toBeLessThan(55);
  });
});
