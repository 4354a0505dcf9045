// The web bridge against fake fetch/WebSocket: envelope, headers, contract validation, errors,
// event dispatch and reconnect with backoff.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWebBridge } from './index.web';
import { BridgeError } from './errors';

const status = { dataDir: '/d', region: 'IT', customers: 3, purchases: 9, demo: null, host: 'web' };

type Call = { url: string; init: RequestInit };

function fakeFetch(reply: (call: Call) => { status: number; body: unknown } | Error) {
  const calls: Call[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    const call = { url, init };
    calls.push(call);
    const r = reply(call);
    if (r instanceof Error) throw r;
    return new Response(typeof r.body === 'string' ? r.body : JSON.stringify(r.body), { status: r.status });
  }) as unknown as typeof fetch;
  return { fn, calls };
}

class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  closed = false;
  readyState = 0;
  sent: string[] = [];
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  send(data: string) {
    this.sent.push(data);
  }
  message(data: unknown) {
    this.onmessage?.({ data });
  }
  drop() {
    this.onclose?.();
  }
  close() {
    this.closed = true;
    this.onclose?.();
  }
}

const WS = FakeSocket as unknown as typeof WebSocket;

describe('web bridge: invoke', () => {
  it('POSTs JSON with the client header to /api/<method> and returns the validated result', async () => {
    const f = fakeFetch(() => ({ status: 200, body: { ok: true, result: status } }));
    const b = createWebBridge({ baseUrl: 'http://127.0.0.1:5178/', fetch: f.fn, WebSocket: WS });
    await expect(b.invoke('status', {})).resolves.toEqual(status);
    expect(f.calls[0]!.url).toBe('http://127.0.0.1:5178/api/status');
    expect(f.calls[0]!.init.method).toBe('POST');
    expect(f.calls[0]!.init.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-Pronto-Client': 'renderer' });
    expect(JSON.parse(f.calls[0]!.init.body as string)).toEqual({});
  });

  it('sends the input as the body', async () => {
    const f = fakeFetch(() => ({ status: 200, body: { ok: true, result: [] } }));
    const b = createWebBridge({ baseUrl: 'http://h/', fetch: f.fn, WebSocket: WS });
    await b.invoke('search', { query: 'rossi', limit: 5 });
    expect(JSON.parse(f.calls[0]!.init.body as string)).toEqual({ query: 'rossi', limit: 5 });
  });

  it('turns an error envelope into a BridgeError with the host code and message', async () => {
    const f = fakeFetch(() => ({ status: 400, body: { ok: false, error: { code: 'bad_request', message: 'lookup: identity: too long' } } }));
    const b = createWebBridge({ baseUrl: 'http://h/', fetch: f.fn, WebSocket: WS });
    const err = await b.invoke('lookup', { identity: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BridgeError);
    expect(err).toMatchObject({ code: 'bad_request', message: 'lookup: identity: too long' });
  });

  it('rejects a result outside the contract', async () => {
    const f = fakeFetch(() => ({ status: 200, body: { ok: true, result: { ...status, customers: 'many' } } }));
    const b = createWebBridge({ baseUrl: 'http://h/', fetch: f.fn, WebSocket: WS });
    await expect(b.invoke('status', {})).rejects.toMatchObject({ code: 'bad_response', message: expect.stringContaining('customers') });
  });

  it('reports a non-JSON body and an unreachable host', async () => {
    const html = fakeFetch(() => ({ status: 502, body: '<html>bad gateway</html>' }));
    await expect(createWebBridge({ baseUrl: 'http://h/', fetch: html.fn, WebSocket: WS }).invoke('status', {})).rejects.toMatchObject({ code: 'bad_response' });
    const down = fakeFetch(() => new TypeError('Failed to fetch'));
    await expect(createWebBridge({ baseUrl: 'http://h/', fetch: down.fn, WebSocket: WS }).invoke('status', {})).rejects.toMatchObject({ code: 'unreachable' });
  });
});

describe('web bridge: events', () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('opens ws://<host>/api/events on the first listener and dispatches valid events only', () => {
    const b = createWebBridge({ baseUrl: 'http://127.0.0.1:5178/', fetch: fakeFetch(() => new Error('unused')).fn, WebSocket: WS });
    expect(FakeSocket.all).toHaveLength(0);
    const got: unknown[] = [];
    b.on('storeChanged', (p) => got.push(p));
    expect(FakeSocket.all).toHaveLength(1);
    const ws = FakeSocket.all[0]!;
    expect(ws.url).toBe('ws://127.0.0.1:5178/api/events');
    ws.open();
    expect(b.connection()).toBe('open');
    ws.message(JSON.stringify({ event: 'storeChanged', payload: { reason: 'import' } }));
    ws.message('not json');
    ws.message(JSON.stringify({ event: 'nope', payload: {} }));
    ws.message(JSON.stringify({ event: 'storeChanged', payload: { reason: 42 } }));
    expect(got).toEqual([{ reason: 'import' }]);
  });

  it('uses wss: under https', () => {
    const b = createWebBridge({ baseUrl: 'https://example.test/', fetch: fakeFetch(() => new Error('unused')).fn, WebSocket: WS });
    b.on('storeChanged', () => {});
    expect(FakeSocket.all[0]!.url).toBe('wss://example.test/api/events');
  });

  it('reconnects with growing, bounded delays and resets after a successful open', () => {
    vi.spyOn(Math, 'random').mockReturnValue(1); // the ceiling of each jittered delay
    const b = createWebBridge({ baseUrl: 'http://h/', fetch: fakeFetch(() => new Error('unused')).fn, WebSocket: WS, minDelay: 100, maxDelay: 1000 });
    const states: string[] = [];
    b.onConnection((s) => states.push(s));
    b.on('storeChanged', () => {});
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      FakeSocket.all.at(-1)!.drop();
      const before = FakeSocket.all.length;
      let waited = 0;
      while (FakeSocket.all.length === before) {
        vi.advanceTimersByTime(10);
        waited += 10;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    FakeSocket.all.at(-1)!.open();
    FakeSocket.all.at(-1)!.drop();
    const before = FakeSocket.all.length;
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all.length).toBe(before + 1);
    expect(states).toContain('reconnecting');
    expect(states).toContain('open');
    vi.restoreAllMocks();
  });

  it('once the host offers it, calls go over the socket; a drop fails the calls in flight, then HTTP again', async () => {
    const f = fakeFetch(() => ({ status: 200, body: { ok: true, result: status } }));
    const b = createWebBridge({ baseUrl: 'http://h/', fetch: f.fn, WebSocket: WS });
    b.on('storeChanged', () => {});
    const ws = FakeSocket.all[0]!;
    ws.open();
    await b.invoke('status', {}); // no offer yet: HTTP
    expect(f.calls).toHaveLength(1);
    ws.message(JSON.stringify({ rpc: 1 }));
    const p = b.invoke('search', { query: 'rossi', limit: 5 });
    expect(JSON.parse(ws.sent[0]!)).toEqual({ id: 1, method: 'search', input: { query: 'rossi', limit: 5 } });
    ws.message(JSON.stringify({ id: 1, ok: true, result: [] }));
    await expect(p).resolves.toEqual([]);
    const bad = b.invoke('lookup', { identity: 'x' });
    ws.message(JSON.stringify({ id: 2, ok: false, error: { code: 'bad_request', message: 'lookup: identity: too long' } }));
    await expect(bad).rejects.toMatchObject({ code: 'bad_request', message: 'lookup: identity: too long' });
    const outside = b.invoke('status', {});
    ws.message(JSON.stringify({ id: 3, ok: true, result: { ...status, customers: 'many' } }));
    await expect(outside).rejects.toMatchObject({ code: 'bad_response' });
    const lost = b.invoke('status', {});
    ws.drop();
    await expect(lost).rejects.toMatchObject({ code: 'unreachable' });
    await b.invoke('status', {});
    expect(f.calls).toHaveLength(2);
  });

  it('closes the socket when the last listener leaves', () => {
    const b = createWebBridge({ baseUrl: 'http://h/', fetch: fakeFetch(() => new Error('unused')).fn, WebSocket: WS });
    const off1 = b.on('storeChanged', () => {});
    const off2 = b.on('storeChanged', () => {});
    off1();
    expect(FakeSocket.all[0]!.closed).toBe(false);
    off2();
    expect(FakeSocket.all[0]!.closed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(b.connection()).toBe('idle');
  });
});
