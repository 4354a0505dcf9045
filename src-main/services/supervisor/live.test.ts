// The one live socket: opened by the first lease, shared, closed by the last; a lease that is not
// renewed runs out; a malformed message is skipped (logged), never relayed; a dropped socket
// reconnects while a lease holds. Against a local WebSocket stand-in for the hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { QueueStats } from '../../../src-shared/supervisor/stats';
import { LEASE_MS, LiveStatsWatch } from './live';

let wss: WebSocketServer;
let url: string;
const sockets = new Set<WebSocket>();
let connects = 0;
let auth: string | undefined;
const picture = { type: 'stats', at: '2026-12-07T10:00:00.000Z', queues: [], agents: [] };

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/v1/stats/live' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  url = `http://127.0.0.1:${(wss.address() as { port: number }).port}`;
  wss.on('connection', (ws, req) => {
    connects++;
    auth = req.headers.authorization;
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.send('{"type":"stats","at":1}'); // malformed: skipped
    ws.send('not json');
    ws.send(JSON.stringify(picture));
  });
});
afterAll(() => new Promise<void>((r) => wss.close(() => r())));

describe('live statistics watch', () => {
  it('one socket for every view; relays only well-formed pictures; closes with the last lease', async () => {
    const got: QueueStats[] = [];
    const logs: string[] = [];
    const w = new LiveStatsWatch({ link: { hubUrl: url, token: 'tok' }, emit: (s) => got.push(s), log: (l) => logs.push(l) });
    w.watch('a', true);
    w.watch('b', true);
    await expect.poll(() => got.length).toBe(1);
    expect(got[0]).toEqual({ at: picture.at, queues: [], agents: [] });
    expect(connects).toBe(1);
    expect(auth).toBe('Bearer tok');
    expect(logs.some((l) => /unexpected shape/.test(l))).toBe(true);
    w.watch('a', false);
    expect(sockets.size).toBe(1);
    w.watch('b', false);
    await expect.poll(() => sockets.size).toBe(0);
  });

  it('reconnects after a drop while watched; a lease not renewed runs out', async () => {
    let now = 1_000_000;
    const got: QueueStats[] = [];
    const w = new LiveStatsWatch({ link: { hubUrl: url, token: 'tok' }, emit: (s) => got.push(s), log: () => {}, now: () => now });
    const before = connects;
    w.watch('a', true);
    await expect.poll(() => got.length).toBe(1);
    for (const s of sockets) s.terminate(); // the hub restarts
    await expect.poll(() => connects, { timeout: 5_000 }).toBe(before + 2);
    await expect.poll(() => got.length).toBe(2);
    now += LEASE_MS + 1; // the view went away without a word
    expect(w.watch('other', false)).toEqual({ watching: false, connected: false });
    await expect.poll(() => sockets.size).toBe(0);
    w.close();
  });
});
