import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore, openConnection, type Store } from '../db/store';
import { Importer } from './import/importer';
import { DesktopApi } from '../api/desktop-api';
import { writeFixtures, tempDir } from '../../test-support/desktop/fixtures';

let store: Store;
let app: DesktopApi;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  const fx = writeFixtures();
  const t = tempDir();
  store = openStore(t.dir);
  const conn = openConnection(store);
  await new Importer(conn).importFiles(Object.values(fx.files));
  conn.close();
  app = new DesktopApi({ store, region: 'IT', host: 'web' });
  cleanups.push(fx.cleanup, t.cleanup);
});
afterAll(() => {
  store.close();
  cleanups.forEach((c) => c());
});

describe('call history', () => {
  it('records the call when it is offered, with the lookup result, in one host call', async () => {
    const r = await app.call('incomingCall', { callId: 'a1', identity: 'sip:3471234567@127.0.0.1', display: 'Mario', line: '600', forwardedBy: null, withheld: false });
    expect(r.match).toBe('single');
    expect(r.pop?.customer.customerId).toBe('C1');
    const [c] = await app.call('listCalls', {});
    expect(c).toMatchObject({ callId: 'a1', direction: 'inbound', remoteE164: '+393471234567', matchKind: 'single', customerId: 'C1', line: '600', outcome: null, answeredAt: null });
  });

  it('the softphone\'s early lookup is the answer its incomingCall records: the pop is assembled once', async () => {
    const spy = vi.spyOn(app.lookup, 'lookup');
    try {
      const early = await app.call('lookup', { identity: '+39 347 123 4567', region: 'IT' });
      const r = await app.call('incomingCall', { callId: 'e1', identity: '+39 347 123 4567', display: '', line: '600', forwardedBy: null, withheld: false, region: 'IT' });
      expect(r).toEqual(early);
      expect(spy).toHaveBeenCalledTimes(1);
      // taken once: the same caller again is looked up afresh
      await app.call('incomingCall', { callId: 'e2', identity: '+39 347 123 4567', display: '', line: '600', forwardedBy: null, withheld: false, region: 'IT' });
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
    const byId = new Map((await app.call('listCalls', {})).map((c) => [c.callId, c]));
    expect(byId.get('e1')).toMatchObject({ matchKind: 'single', customerId: 'C1', remoteE164: '+393471234567' });
    expect(byId.get('e2')).toMatchObject({ matchKind: 'single', customerId: 'C1' });
  });

  it('classifies outcomes: abandoned, answered, declined, missed, failed', async () => {
    const offer = (callId: string) => app.call('incomingCall', { callId, identity: '0287654321', display: '', line: '', forwardedBy: null, withheld: false });
    await offer('b1');
    await app.call('callProgress', { callId: 'b1', event: 'cancelled' });
    await offer('b2');
    await app.call('callProgress', { callId: 'b2', event: 'answered' });
    await app.call('callProgress', { callId: 'b2', event: 'ended' });
    await offer('b3');
    await app.call('callProgress', { callId: 'b3', event: 'declined' });
    await offer('b4');
    await app.call('callProgress', { callId: 'b4', event: 'ended' });
    await offer('b5');
    await app.call('callProgress', { callId: 'b5', event: 'failed' });
    // a late event never rewrites a final outcome
    await app.call('callProgress', { callId: 'b1', event: 'answered' });
    const byId = new Map((await app.call('listCalls', {})).map((c) => [c.callId, c]));
    expect(byId.get('b1')).toMatchObject({ outcome: 'abandoned', answeredAt: null, matchKind: 'multiple' });
    expect(byId.get('b2')!.outcome).toBe('answered');
    expect(byId.get('b2')!.answeredAt).not.toBeNull();
    expect(byId.get('b2')!.endedAt).not.toBeNull();
    expect(byId.get('b3')!.outcome).toBe('declined');
    expect(byId.get('b4')!.outcome).toBe('missed');
    expect(byId.get('b5')!.outcome).toBe('failed');
    expect((await app.call('callProgress', { callId: 'nope', event: 'ended' })).ok).toBe(false);
  });

  it('a call the softphone could not connect is failed with why; other outcomes carry no reason', async () => {
    const offer = (callId: string) => app.call('incomingCall', { callId, identity: '0287654321', display: '', line: '', forwardedBy: null, withheld: false });
    await offer('f1');
    const why = "the caller's audio offer has no DTLS fingerprint (plain RTP: a media bridge is needed): Called with SDP without DTLS fingerprint.";
    expect(await app.call('callProgress', { callId: 'f1', event: 'failed', reason: why })).toEqual({ ok: true });
    // a late event (and its reason) never rewrites a final outcome
    await app.call('callProgress', { callId: 'f1', event: 'failed', reason: 'something else' });
    await offer('f2');
    await app.call('callProgress', { callId: 'f2', event: 'cancelled', reason: 'not a failure' });
    await offer('f3');
    await app.call('callProgress', { callId: 'f3', event: 'failed' }); // an older softphone: no reason
    const byId = new Map((await app.call('listCalls', {})).map((c) => [c.callId, c]));
    expect(byId.get('f1')).toMatchObject({ outcome: 'failed', failureReason: why });
    expect(byId.get('f1')!.endedAt).not.toBeNull();
    expect(byId.get('f2')).toMatchObject({ outcome: 'abandoned', failureReason: null });
    expect(byId.get('f3')).toMatchObject({ outcome: 'failed', failureReason: null });
  });

  it('the reason is checked at the edge: one line, at most FAILURE_REASON_MAX characters', async () => {
    await expect(app.dispatch('callProgress', { callId: 'f1', event: 'failed', reason: 'x'.repeat(201) })).rejects.toThrow(/callProgress: reason:/);
    await expect(app.dispatch('callProgress', { callId: 'f1', event: 'failed', reason: 'two\nlines' })).rejects.toThrow(/callProgress: reason:/);
    await expect(app.dispatch('callProgress', { callId: 'f1', event: 'failed', reason: '' })).rejects.toThrow(/callProgress: reason:/);
    // the service keeps only a clean line, whoever calls it
    app.calls.record({ callId: 'f9', direction: 'outbound', remoteRaw: '1002', remoteDisplay: '', line: '', forwardedBy: null }, { normalized: null, matchKind: 'none', customerId: null });
    app.calls.progress('f9', 'failed', null, `488 Not Acceptable Here\r\n<script>${'y'.repeat(300)}`);
    const f9 = (await app.call('listCalls', {})).find((c) => c.callId === 'f9')!;
    expect(f9.failureReason).toMatch(/^488 Not Acceptable Here <script>y+…$/);
    expect(f9.failureReason!.length).toBe(200);
  });

  it('a withheld caller is recorded without lookup; a replayed INVITE is not recorded twice', async () => {
    const r = await app.call('incomingCall', { callId: 'w1', identity: 'sip:+393471234567@x', display: '', line: '', forwardedBy: null, withheld: true });
    expect(r.match).toBe('withheld');
    expect(r.pop).toBeNull();
    await app.call('incomingCall', { callId: 'w1', identity: 'sip:+393471234567@x', display: '', line: '', forwardedBy: null, withheld: true });
    const calls = (await app.call('listCalls', {})).filter((c) => c.callId === 'w1');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ matchKind: 'withheld', customerId: null, remoteE164: null });
  });

  it('lists newest first', async () => {
    const list = await app.call('listCalls', {});
    const times = list.map((c) => c.offeredAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('rejects malformed input with the field named', async () => {
    await expect(app.dispatch('callProgress', { callId: 'x', event: 'exploded' })).rejects.toThrow(/callProgress: event:/);
    await expect(app.dispatch('lookup', { identity: 42 })).rejects.toThrow(/lookup: identity:/);
    await expect(app.dispatch('nope', {})).rejects.toThrow(/unknown method/);
  });
});
