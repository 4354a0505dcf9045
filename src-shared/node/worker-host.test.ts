// The worker helpers (worker-host.ts, worker-child.ts) with a worker of their own
// (worker-host.fixture.ts), started from source through the tsx bootstrap as the CLI does.
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { canStartWorker, startWorker, type WorkerEnd, type WorkerHost, type WorkerHostOptions } from './worker-host';
import { WORKER_ENTRIES, WORKER_NAMES, bundledWorkerFile, workerBundleInputs } from './worker-entries';
import type { FixtureProtocol } from './worker-host.fixture';

const FIXTURE = fileURLToPath(new URL('./worker-host.fixture.ts', import.meta.url));
const started: WorkerHost<FixtureProtocol>[] = [];
afterEach(async () => {
  for (const w of started.splice(0)) await w.terminate();
});

function fixture(opts: Partial<WorkerHostOptions<FixtureProtocol>> = {}): WorkerHost<FixtureProtocol> {
  const w = startWorker<FixtureProtocol>('sync', { entry: FIXTURE, data: { greeting: 'hello' }, ...opts });
  expect(w).not.toBeNull();
  started.push(w!);
  return w!;
}

const until = async (cond: () => boolean, ms = 15_000): Promise<void> => {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 10))) if (Date.now() > end) throw new Error('timed out');
};

describe('worker host', () => {
  it('starts, says ready, and answers calls made while it was still starting', async () => {
    let ready = 0;
    const w = fixture({ onReady: () => ready++ });
    expect(w.state).toBe('starting');
    expect(w.accepting).toBe(true);
    const early = w.call('echo', 'early'); // held by the port until the thread listens
    expect(await early).toBe('hello early');
    expect(w.state).toBe('ready');
    expect(ready).toBe(1);
    expect(await Promise.all([w.call('echo', 'a'), w.call('slow', 30), w.call('echo', 'b')])).toEqual(['hello a', 30, 'hello b']);
    expect(w.waiting).toBe(0);
  });

  it('delivers events in order, before the answer of the call that raised them', async () => {
    const ticks: number[] = [];
    const w = fixture({ on: { tick: (n) => ticks.push(n) } });
    await w.call('tick', 5);
    expect(ticks).toEqual([0, 1, 2, 3, 4]);
    w.send('tick', 2); // no answer comes back
    await until(() => ticks.length === 7);
    expect(w.waiting).toBe(0);
  });

  it("rejects a call with the thread's error and goes on answering", async () => {
    const w = fixture();
    await expect(w.call('fail', 'no such table: calls')).rejects.toThrow('no such table: calls');
    expect(await w.call('echo', 'still')).toBe('hello still');
    expect(w.state).toBe('ready');
  });

  it('stops gracefully: the calls in hand answer first, the stop hook runs, then it ends', async () => {
    const events: string[] = [];
    let ended: WorkerEnd | null = null;
    const w = fixture({ on: { stopping: () => events.push('stopping') }, onEnded: (e) => (ended = e) });
    await w.call('echo', 'x');
    const slow = w.call('slow', 200).then((v) => (events.push(`slow ${v}`), v));
    const stopped = w.stop();
    expect(w.state).toBe('stopping');
    expect(w.accepting).toBe(false);
    await stopped;
    expect(await slow).toBe(200);
    expect(events).toEqual(['stopping', 'slow 200']);
    expect(w.state).toBe('ended');
    expect(ended).toEqual({ code: 0, stopped: true, wasReady: true });
    await expect(w.call('echo', 'late')).rejects.toThrow('the sync worker ended (0)');
    await w.stop(); // a second stop is a no-op
  });

  it('terminates a thread that does not end within stopTimeoutMs', async () => {
    const w = fixture({ data: { greeting: 'hi', hangOnStop: true }, stopTimeoutMs: 300 });
    await w.call('echo', 'x');
    const t0 = Date.now();
    await w.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(w.state).toBe('ended');
    expect((await w.ended).stopped).toBe(true);
  });

  it('signals the end of a thread that crashed: errors reported, waiting calls fail with `gone`, new ones too', async () => {
    const errors: string[] = [];
    let ended: WorkerEnd | null = null;
    class Gone extends Error {}
    const w = fixture({ onError: (e) => errors.push(e.message), onEnded: (e) => (ended = e), gone: (code) => new Gone(`gone ${code}`) });
    await w.call('echo', 'x');
    const waiting = w.call('slow', 10_000);
    w.send('crash');
    await expect(waiting).rejects.toBeInstanceOf(Gone);
    expect(errors).toEqual(['the fixture crashed']);
    expect(ended).toEqual({ code: 1, stopped: false, wasReady: true });
    expect(w.accepting).toBe(false);
    await expect(w.call('echo', 'y')).rejects.toThrow('gone 1');
    w.send('tick', 1); // dropped, no throw
  });

  it('a thread stopped before it said ready never becomes ready', async () => {
    let ready = 0;
    const w = fixture({ onReady: () => ready++ });
    await w.stop();
    expect(ready).toBe(0);
    expect((await w.ended).wasReady).toBe(false);
  });

  it('hands the bundled workers directory on to the thread (for the workers it starts)', async () => {
    expect(await fixture().call('bundle')).toBeNull();
    expect(await fixture({ bundle: '/opt/pronto/out/main' }).call('bundle')).toBe('/opt/pronto/out/main');
  });

  it('returns null where no worker can start: the caller does the work itself', () => {
    expect(startWorker<FixtureProtocol>('sync', { entry: '/nowhere/missing.ts', data: { greeting: '' } })).toBeNull();
    expect(canStartWorker('sync', '/nowhere/missing.ts')).toBe(false);
    for (const name of WORKER_NAMES) expect(canStartWorker(name)).toBe(true); // every listed source exists
  });
});

describe('worker entries', () => {
  it('one list feeds the bundler: each worker bundled as workers/<name>.cjs from its source', () => {
    const inputs = workerBundleInputs('/repo');
    expect(Object.keys(inputs).sort()).toEqual(WORKER_NAMES.map((n) => bundledWorkerFile(n).replace(/\.cjs$/, '')).sort());
    expect(inputs['workers/call-writer']).toBe(`/repo/${WORKER_ENTRIES['call-writer']}`);
  });
});
