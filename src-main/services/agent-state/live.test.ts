// The sync client's live socket carries the hub's LiveMessage: a poke still starts a round, and an
// `agentState` message (a supervisor changed this agent's state) reaches onAgentState; junk is
// ignored. A local HTTP + WebSocket server stands in for the hub.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { openStore } from '../../db/store';
import { tempDir } from '../../../test-support/desktop/fixtures';
import { SyncClient } from '../sync/client';
import type { AgentStatePoke } from '../../../src-shared/agent-state/states';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fakeHub(): Promise<{ url: string; sockets: WebSocket[]; requests: string[]; ready: Promise<WebSocket> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"down for the test"}');
  });
  const wss = new WebSocketServer({ server, path: '/v1/sync/live' });
  const sockets: WebSocket[] = [];
  const ready = new Promise<WebSocket>((resolve) => wss.on('connection', (ws) => {
    sockets.push(ws);
    resolve(ws);
  }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => {
    for (const s of sockets) s.terminate();
    wss.close();
    server.close(() => r());
  }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets, requests, ready };
}

describe('sync live socket: agentState', () => {
  it('hands a supervisor change to onAgentState; pokes still kick a round; junk is dropped', async () => {
    const hub = await fakeHub();
    const t = tempDir();
    const store = openStore(t.dir);
    cleanups.push(t.cleanup, () => store.close());
    const got: AgentStatePoke[] = [];
    const client = new SyncClient(store.sqlite, { hubUrl: hub.url, token: 'pht_x', pollMs: 60_000, downPollMs: 60_000, onAgentState: (p) => got.push(p), log: () => {} });
    cleanups.push(() => client.stop());
    client.start();
    const ws = await hub.ready;
    const poke: AgentStatePoke = { type: 'agentState', state: 'break', reason: 'meeting', since: '2026-12-07T10:00:00.000Z', setBy: 'sam' };
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'agentState', state: 'nap', reason: null, since: 'x', setBy: null }));
    ws.send(JSON.stringify(poke));
    await expect.poll(() => got.length).toBe(1);
    expect(got[0]).toEqual(poke);
    // the first round's push has failed by now (503); a poke asks for another
    await expect.poll(() => hub.requests.length).toBeGreaterThan(0);
    const before = hub.requests.length;
    ws.send(JSON.stringify({ type: 'poke', seq: 5 }));
    await expect.poll(() => hub.requests.length, { timeout: 5_000 }).toBeGreaterThan(before);
  });
});
