import { describe, expect, it } from 'vitest';
import { PendingCalls } from './pending-calls';

describe('PendingCalls', () => {
  it('answers each request by its id, and fails those left when the thread ends', async () => {
    const calls = new PendingCalls<number>();
    const sent: number[] = [];
    const a = calls.ask((id) => sent.push(id));
    const b = calls.ask((id) => sent.push(id));
    const c = calls.ask((id) => sent.push(id));
    expect(new Set(sent).size).toBe(3);
    calls.settle(sent[1]!, { value: 42 });
    calls.settle(sent[0]!, { error: 'no such table: calls' });
    calls.settle(999, { value: 1 }); // an answer nobody waits for is dropped
    expect(calls.size).toBe(1);
    calls.failAll(new Error('thread ended'));
    expect(calls.size).toBe(0);
    await expect(b).resolves.toBe(42);
    await expect(a).rejects.toThrow('no such table: calls');
    await expect(c).rejects.toThrow('thread ended');
  });
});
