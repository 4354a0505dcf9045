// Call records written on the call writer's thread: same records as on the host's queue, in
// order, while another writer holds the lock, and on the host again once the thread is gone.
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openStore, openConnection, type Store } from '../db/store';
import { Importer } from './import/importer';
import { DesktopApi } from '../api/desktop-api';
import { startCallWriter, type CallWriter } from './call-writer';
import { writeFixtures, tempDir, type Cleanups } from '../../test-support/desktop/fixtures';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<{ store: Store; writer: CallWriter; app: DesktopApi; asked: { offered: number; progress: number } }> {
  const t = tempDir();
  const store = openStore(t.dir);
  const fx = writeFixtures();
  cleanups.push(t.cleanup, fx.cleanup, () => store.close());
  const conn = openConnection(store);
  await new Importer(conn).importFiles(Object.values(fx.files));
  conn.close();
  const writer = startCallWriter(store);
  cleanups.push(() => writer.stop());
  for (let i = 0; i < 300 && !writer.active; i++) await new Promise((r) => setTimeout(r, 10));
  expect(writer.active).toBe(true);
  const asked = { offered: 0, progress: 0 };
  const counted: CallWriter = {
    get active() { return writer.active; },
    offered: (...a) => (asked.offered++, writer.offered(...a)),
    progress: (...a) => (asked.progress++, writer.progress(...a)),
    stop: () => writer.stop(),
  };
  return { store, writer, app: new DesktopApi({ store, region: 'IT', host: 'web', callWriter: counted }), asked };
}

const until = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 10))) if (Date.now() > end) throw new Error('timed out');
};

describe('call writer thread', () => {
  it('records an incoming call and its progress off the host thread, as the host would', async () => {
    const { app, asked } = await setup();
    const pop = await app.call('incomingCall', { callId: 'c1', identity: '347 123 4567', display: 'Mario', line: '600', forwardedBy: null, withheld: false });
    expect(pop.match).toBe('single');
    await until(() => app.calls.recent(10).length === 1);
    expect(await app.call('callProgress', { callId: 'c1', event: 'answered' })).toEqual({ ok: true });
    expect(await app.call('callProgress', { callId: 'c1', event: 'ended' })).toEqual({ ok: true });
    expect(await app.call('callProgress', { callId: 'nope', event: 'ended' })).toEqual({ ok: false });
    await app.call('outgoingCall', { callId: 'c2', target: '+39 347 123 4567', customerId: null });
    const [out, inbound] = app.calls.recent(10);
    expect(inbound).toMatchObject({ callId: 'c1', direction: 'inbound', remoteE164: '+393471234567', matchKind: 'single', customerId: pop.pop!.customer.customerId, line: '600', outcome: 'answered' });
    expect(inbound!.answeredAt).not.toBeNull();
    expect(inbound!.endedAt).not.toBeNull();
    expect(out).toMatchObject({ callId: 'c2', direction: 'outbound', remoteE164: '+393471234567' });
    expect(asked).toEqual({ offered: 2, progress: 3 });
  });

  it('records why a call failed, off the host thread too', async () => {
    const { app } = await setup();
    await app.call('outgoingCall', { callId: 'x1', target: '1002', customerId: null });
    expect(await app.call('callProgress', { callId: 'x1', event: 'failed', reason: 'the other side refused the call: 488 Not Acceptable Here' })).toEqual({ ok: true });
    expect(app.calls.recent(10)[0]).toMatchObject({ callId: 'x1', outcome: 'failed', failureReason: 'the other side refused the call: 488 Not Acceptable Here' });
  });

  it('keeps the order of a burst: every call offered, then cancelled', async () => {
    const { app } = await setup();
    const sent: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      sent.push(app.call('incomingCall', { callId: `b${i}`, identity: '347 123 4567', display: '', line: '', forwardedBy: null, withheld: false }));
      sent.push(app.call('callProgress', { callId: `b${i}`, event: 'cancelled' }));
    }
    const replies = await Promise.all(sent);
    expect(replies.filter((r) => (r as { ok?: boolean }).ok === true)).toHaveLength(200); // each progress found its call
    const calls = app.calls.recent(500);
    expect(calls).toHaveLength(200);
    expect(calls.every((c) => c.outcome === 'abandoned')).toBe(true);
  });

  it('waits for the lock another writer holds, while the host goes on answering', async () => {
    const { store, app } = await setup();
    const other = new Database(store.file);
    cleanups.push(() => void other.close());
    other.exec('BEGIN IMMEDIATE'); // as an import holds it for a whole file
    const pop = await app.call('incomingCall', { callId: 'locked', identity: '347 123 4567', display: '', line: '', forwardedBy: null, withheld: false });
    expect(pop.match).toBe('single'); // answered while the lock is held
    const lookupAfter = await app.call('lookup', { identity: '347 123 4567' });
    expect(lookupAfter.match).toBe('single');
    await new Promise((r) => setTimeout(r, 300));
    expect(app.calls.recent(10)).toHaveLength(0);
    other.exec('COMMIT');
    await until(() => app.calls.recent(10).length === 1);
  });

  it('records on the host once the thread has stopped', async () => {
    const { app, writer } = await setup();
    await app.call('incomingCall', { callId: 'before', identity: '347 123 4567', display: '', line: '', forwardedBy: null, withheld: false });
    await writer.stop(); // what it was given is written before it ends
    expect(app.calls.recent(10).map((c) => c.callId)).toEqual(['before']);
    expect(writer.active).toBe(false);
    await app.call('incomingCall', { callId: 'after', identity: '347 123 4567', display: '', line: '', forwardedBy: null, withheld: false });
    expect(await app.call('callProgress', { callId: 'after', event: 'declined' })).toEqual({ ok: true });
    expect(app.calls.recent(10).map((c) => [c.callId, c.outcome])).toEqual([['after', 'declined'], ['before', null]]);
  });

  it('takes records while it is still starting, so a call never splits between two writers', async () => {
    const t = tempDir();
    const store = openStore(t.dir);
    cleanups.push(t.cleanup, () => store.close());
    const writer = startCallWriter(store);
    cleanups.push(() => writer.stop());
    expect(writer.active).toBe(false); // not ready yet
    const call = { callId: 'early', direction: 'inbound' as const, remoteRaw: 'anonymous', remoteDisplay: '', line: '', forwardedBy: null };
    const offered = writer.offered(call, { normalized: null, matchKind: 'withheld', customerId: null });
    const moved = writer.progress('early', 'cancelled');
    expect(offered).not.toBeNull();
    await offered;
    expect(await moved).toBe(true);
    expect(writer.active).toBe(true);
  });
});
