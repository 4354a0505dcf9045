/**
 * The queue lab: a real Kamailio (deploy/kamailio, with the queue), a hub (PGlite or PostgreSQL)
 * with its PBX event link, agents with extensions in team "sales", and helpers to drive states
 * the way a desktop does (an `agentState.set` push through the hub's HTTP route).
 *
 *   const lab = await startQueueLab({ store });
 *   await lab.setState('a1', 'available');
 *   const e = await lab.waitEvent((e) => e.kind === 'queue.offered' && e.agent === 'a1');
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../src-hub/db/store';
import { buildHub } from '../../src-hub/http/app';
import { issueToken, setTeam } from '../../src-hub/admin';
import { hashPassword } from '../../src-hub/auth/password';
import { PbxLink } from '../../src-hub/pbx/link';
import { setQueue, type QueueDef } from '../../src-hub/agents/queues';
import type { EventRow } from '../../src-hub/agents/events';
import { readEvents } from '../../src-hub/agents/events';
import type { AgentState } from '../../src-shared/agent-state/states';
import { startPbx, type PbxHandle } from './pbx-process';

export interface QueueLab {
  pbx: PbxHandle;
  app: FastifyInstance;
  store: Store;
  link: PbxLink;
  /** agent name → extension */
  agents: Map<string, string>;
  tokens: Map<string, string>;
  setState(name: string, state: AgentState, reason?: string | null, at?: Date): Promise<void>;
  queue(def: Partial<QueueDef> & Pick<QueueDef, 'name' | 'number'>): Promise<void>;
  events(): Promise<EventRow[]>;
  waitEvent(pred: (e: EventRow) => boolean, timeoutMs?: number): Promise<EventRow>;
  /** Stops the hub's link (the hub is "down" for the PBX) / starts a new one. */
  linkDown(): Promise<void>;
  linkUp(): Promise<void>;
  stop(): Promise<void>;
}

let seq = 0;

export async function startQueueLab(o: { store: Store; agents?: number; supervisor?: boolean }): Promise<QueueLab> {
  const { store } = o;
  const pbx = await startPbx();
  await setTeam(store, 'sales', ['Nord-Ovest']);
  const hash = await hashPassword('correct horse battery');
  const agents = new Map<string, string>();
  const tokens = new Map<string, string>();
  for (let i = 1; i <= (o.agents ?? 4); i++) {
    const name = `a${i}`;
    const ext = String(1000 + i);
    await store.query('INSERT INTO users (name, role, team, password_hash, extension) VALUES ($1, $2, $3, $4, $5)', [name, 'agent', 'sales', hash, ext]);
    agents.set(name, ext);
    tokens.set(name, await issueToken(store, name));
  }
  await store.query('INSERT INTO users (name, role, team, password_hash) VALUES ($1, $2, $3, $4)', ['boss', 'supervisor', 'sales', hash]);
  tokens.set('boss', await issueToken(store, 'boss'));
  const app = await buildHub({ store });
  const clientId = `lab-${randomUUID()}`;
  let link = new PbxLink(store, { host: '127.0.0.1', port: pbx.evapiPort });
  await link.start();
  await until(() => link.connected, 5000, 'the hub link to connect');

  const lab: QueueLab = {
    pbx, app, store, link, agents, tokens,
    async setState(name, state, reason = null, at = new Date()) {
      const r = await app.inject({
        method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${tokens.get(name)}` },
        payload: { clientId: `${clientId}-${name}`, mutations: [{ id: randomUUID(), seq: ++seq, kind: 'agentState.set',
          payload: { eventId: randomUUID(), state, reason, at: at.toISOString(), cause: 'agent', callId: null } }] },
      });
      const body = r.json() as { applied?: string[]; rejected?: unknown[] };
      if (r.statusCode !== 200 || body.applied?.length !== 1) throw new Error(`setState ${name} ${state}: ${r.statusCode} ${r.body}`);
    },
    async queue(def) {
      await store.tx((q) => setQueue(q, { team: 'sales', ...def }));
    },
    async events() {
      const out: EventRow[] = [];
      for await (const e of readEvents(store, { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', team: null })) out.push(e);
      return out;
    },
    async waitEvent(pred, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = (await lab.events()).find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no such event within ${timeoutMs} ms; have:\n${(await lab.events()).map((e) => `${e.at} ${e.kind} ${e.callId ?? ''} ${e.agent ?? ''}`).join('\n')}`);
        await sleep(50);
      }
    },
    async linkDown() {
      await link.stop();
    },
    async linkUp() {
      link = new PbxLink(store, { host: '127.0.0.1', port: pbx.evapiPort });
      lab.link = link;
      await link.start();
      await until(() => link.connected, 5000, 'the hub link to reconnect');
    },
    async stop() {
      await link.stop().catch(() => {});
      await app.close().catch(() => {});
      await pbx.stop();
    },
  };
  return lab;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
