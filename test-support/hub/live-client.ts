// A WebSocket client for /v1/sync/live that records pokes (tests and the bench).
import WebSocket from 'ws';
import { PokeMessage } from '../../src-shared/sync/protocol';

/** A connected live socket that records pokes. */
export async function connectLive(base: string, token: string, via: 'header' | 'query' = 'header') {
  const url = `${base.replace(/^http/, 'ws')}v1/sync/live${via === 'query' ? `?token=${encodeURIComponent(token)}` : ''}`;
  const ws = new WebSocket(url, via === 'header' ? { headers: { authorization: `Bearer ${token}` } } : {});
  const pokes: number[] = [];
  const waiters: { min: number; resolve: (seq: number) => void }[] = [];
  ws.on('message', (raw) => {
    const msg = PokeMessage.parse(JSON.parse(String(raw)));
    pokes.push(msg.seq);
    for (const w of [...waiters]) if (msg.seq >= w.min) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(msg.seq);
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      reject(new Error(`upgrade refused: ${res.statusCode}`));
    });
    ws.once('error', reject);
  });
  return {
    ws,
    pokes,
    /** Resolves with the first poke carrying seq >= min (rejects after timeoutMs). */
    next(min: number, timeoutMs = 5000): Promise<number> {
      const hit = pokes.find((s) => s >= min);
      if (hit !== undefined) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const w = { min, resolve: (s: number) => { clearTimeout(timer); resolve(s); } };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no poke >= ${min} within ${timeoutMs} ms (got ${pokes.join(',')})`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    close: () => new Promise<void>((resolve) => { ws.once('close', () => resolve()); ws.close(); }),
  };
}

