// The supervisor's host service against a real hub (buildHub on PGlite, listening on a port):
// who the hub says we are, live figures over HTTP and the one socket, today's chart rows, a queue's
// calls, the call-back list, setting an agent's state; a malformed hub answer is an error.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../../src-hub/db/store';
import { buildHub } from '../../../src-hub/http/app';
import { setQueue } from '../../../src-hub/agents/queues';
import { dayOf } from '../../../src-hub/stats/day';
import { recordEvents, type RawEvent } from '../../../src-hub/agents/events';
import { resetAndSeed, testStore } from '../../../test-support/hub/helpers';
import type { QueueStats } from '../../../src-shared/supervisor/stats';
import { SupervisorError, SupervisorService } from './service';

let store: Store;
let app: FastifyInstance;
let hubUrl: string;
let tokens: Awaited<ReturnType<typeof resetAndSeed>>;

// "now" for the day's reads: the last quarter hour, the events in the hour before. The hub counts
// with the real clock, so its time zone is one where that hour lies well inside today (whole-hour
// offsets without summer time: quarter hours align everywhere), whenever the test runs.
const QUARTER = 15 * 60_000;
const NOW = Math.floor(Date.now() / QUARTER) * QUARTER;
const hourIn = (tz: string) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: 'numeric', hourCycle: 'h23' }).format(NOW));
const HUB_TZ = ['UTC', 'Asia/Tokyo', 'America/Bogota'].find((tz) => hourIn(tz) >= 2 && hourIn(tz) <= 21)!;
const at = (minutes: number, seconds = 0) => new Date(NOW - 60 * 60_000 + minutes * 60_000 + seconds * 1000).toISOString();

const EVENTS: RawEvent[] = [
  // c1: answered by nina after 8 s, 3 minutes of talk
  { id: 'e1', at: at(0), kind: 'queue.entered', source: 'pbx', callId: 'c1', queue: 'sales', caller: '+390211111' },
  { id: 'e2', at: at(0, 8), kind: 'queue.answered', source: 'pbx', callId: 'c1', queue: 'sales', agent: 'nina', data: { waitMs: 8000 } },
  { id: 'e3', at: at(3, 8), kind: 'call.ended', source: 'pbx', callId: 'c1', queue: 'sales' },
  // c2: +390222222 gives up after 40 s
  { id: 'e4', at: at(1), kind: 'queue.entered', source: 'pbx', callId: 'c2', queue: 'sales', caller: '+390222222' },
  { id: 'e5', at: at(1, 40), kind: 'queue.abandoned', source: 'pbx', callId: 'c2', queue: 'sales', caller: '+390222222', data: { waitMs: 40000 } },
  // c3: +390233333 times out; later calls again and is answered (left out of the call-back list)
  { id: 'e6', at: at(1, 10), kind: 'queue.entered', source: 'pbx', callId: 'c3', queue: 'sales', caller: '+390233333' },
  { id: 'e7', at: at(3, 10), kind: 'queue.timed_out', source: 'pbx', callId: 'c3', queue: 'sales', caller: '+390233333', data: { waitMs: 120000 } },
  { id: 'e8', at: at(20), kind: 'queue.entered', source: 'pbx', callId: 'c4', queue: 'sales', caller: '+390233333' },
  { id: 'e9', at: at(20, 5), kind: 'queue.answered', source: 'pbx', callId: 'c4', queue: 'sales', agent: 'nina', data: { waitMs: 5000 } },
  // c5: +390222222 again, gives up again (one line, two attempts, the newest time)
  { id: 'e10', at: at(30), kind: 'queue.entered', source: 'pbx', callId: 'c5', queue: 'sales', caller: '+390222222' },
  { id: 'e11', at: at(30, 20), kind: 'queue.abandoned', source: 'pbx', callId: 'c5', queue: 'sales', caller: '+390222222', data: { waitMs: 20000 } },
  // c6: still waiting
  { id: 'e12', at: at(59), kind: 'queue.entered', source: 'pbx', callId: 'c6', queue: 'sales', caller: '+390266666' },
];

beforeAll(async () => {
  store = await testStore('pglite');
  app = await buildHub({ store, live: { coalesceMs: 5 }, stats: { timeZone: HUB_TZ } });
  tokens = await resetAndSeed(store);
  await setQueue(store, { name: 'sales', number: '600', team: 'North' });
  await recordEvents(store, EVENTS);
  await app.listen({ port: 0, host: '127.0.0.1' });
  hubUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}, 60_000);
afterAll(async () => {
  await app?.close();
  await store?.close();
});

const service = (token: string, emit: (s: QueueStats) => void = () => {}) =>
  new SupervisorService({ link: { hubUrl, token }, emit, log: () => {}, now: () => NOW });

describe('supervisor service', () => {
  it('the hub says who is a supervisor; without a hub there is no one', async () => {
    expect(await service(tokens.supervisor).me()).toEqual({ name: 'sam', role: 'supervisor', team: 'North', supervisor: true });
    expect(await service(tokens.admin).me()).toMatchObject({ name: 'ada', supervisor: true });
    expect(await service(tokens.north).me()).toMatchObject({ name: 'nina', role: 'agent', supervisor: false });
    const none = new SupervisorService({ link: null, emit: () => {}, log: () => {} });
    expect(await none.me()).toBeNull();
    await expect(none.queueStats()).rejects.toThrow(/no hub/);
    expect(() => none.watch('v1', true)).toThrow(SupervisorError);
  });

  it('an agent is refused the figures (403 from the hub, as an error)', async () => {
    await expect(service(tokens.north).queueStats()).rejects.toThrow(/403/);
  });

  it('live figures: one snapshot over HTTP, validated', async () => {
    const s = await service(tokens.supervisor).queueStats();
    expect(s.queues.map((q) => q.queue)).toEqual(['sales']);
    expect(s.queues[0]).toMatchObject({ slSeconds: 20, agents: expect.any(Object) });
    expect(await service(tokens.supervisor).queueTeams()).toEqual([{ name: 'sales', team: 'North' }]);
  });

  it("today's quarter hours: the report's figures and the peak of calls waiting", async () => {
    const day = await service(tokens.supervisor).queueDay();
    const withCalls = day.rows.filter((r) => r.offered > 0);
    // the first quarter of the hour: c1, c2, c3 entered (c1 answered within T; c2 abandoned; c3 timed out)
    expect(withCalls[0]).toMatchObject({ queue: 'sales', offered: 3, answered: 1, abandoned: 1, timedOut: 1, serviceLevelPct: 33.3, peakWaiting: 2 });
    // the last quarter: c6 entered and still waits
    const last = day.rows.find((r) => Date.parse(r.from) === NOW - 15 * 60_000)!;
    expect(last).toMatchObject({ offered: 1, peakWaiting: 1 });
    // today as the hub counts it (its time zone), not the desktop's midnight
    expect(Date.parse(day.from)).toBe(dayOf(NOW, HUB_TZ).from);
  });

  it("a queue's calls today, newest first, from the raw events", async () => {
    const calls = await service(tokens.supervisor).queueCalls('sales');
    expect(calls.map((c) => [c.callId, c.outcome, c.answeredBy, c.waitedS])).toEqual([
      ['c6', 'waiting', null, 60],
      ['c5', 'abandoned', null, 20],
      ['c4', 'answered', 'nina', 5],
      ['c3', 'timedOut', null, 120],
      ['c2', 'abandoned', null, 40],
      ['c1', 'answered', 'nina', 8],
    ]);
    expect(await service(tokens.supervisor).queueCalls('nowhere')).toEqual([]);
  });

  it('the call-back list: callers who gave up, newest first, once each; one answered since is left out', async () => {
    const list = await service(tokens.supervisor).abandonedCallers();
    expect(list).toEqual([{ caller: '+390222222', at: at(30, 20), queue: 'sales', outcome: 'abandoned', waitedS: 20, attempts: 2 }]);
  });

  it("a supervisor sets an agent's state with a reason; a break without one is refused here", async () => {
    const s = service(tokens.supervisor);
    expect(await s.setAgentState('nina', 'break', 'lunch')).toMatchObject({ name: 'nina', state: 'break', reason: 'lunch', setBy: 'sam' });
    await expect(s.setAgentState('nina', 'break', null)).rejects.toThrow(/reason/);
    await expect(service(tokens.north).setAgentState('nina', 'available', null)).rejects.toThrow(/403/);
    expect((await s.breakReasons()).map((r) => r.code)).toContain('lunch');
  });

  it('one live socket while a view watches; every message relayed; closed when the last view leaves', async () => {
    const got: QueueStats[] = [];
    const s = service(tokens.supervisor, (x) => got.push(x));
    expect(s.watch('view-a', true)).toMatchObject({ watching: true });
    expect(s.watch('view-b', true)).toMatchObject({ watching: true });
    await expect.poll(() => got.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(got[0]!.queues.map((q) => q.queue)).toEqual(['sales']);
    expect(s.watch('view-a', true).connected).toBe(true);
    expect(s.watch('view-a', false)).toEqual({ watching: true, connected: true });
    expect(s.watch('view-b', false)).toEqual({ watching: false, connected: false });
    s.close();
  });
});

describe('a hub that answers outside the shapes', () => {
  let fake: Server;
  let url: string;
  beforeAll(async () => {
    fake = createServer((req, res) => {
      res.setHeader('content-type', req.url?.startsWith('/v1/events') ? 'application/x-ndjson' : 'application/json');
      if (req.url === '/v1/me') return res.end(JSON.stringify({ name: 'sam' })); // no role
      if (req.url === '/v1/stats/queues') return res.end(JSON.stringify({ at: 1, queues: 'x' }));
      if (req.url?.startsWith('/v1/events')) return res.end('{"id":"e1","at":"2026-01-01T00:00:00Z","kind":"queue.entered"}\nnot json\n');
      res.end('<html>');
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => fake.close(() => r())));

  it('every malformed answer is a SupervisorError, never a crash', async () => {
    const s = new SupervisorService({ link: { hubUrl: url, token: 't' }, emit: () => {}, log: () => {} });
    await expect(s.me()).rejects.toThrow(SupervisorError);
    await expect(s.queueStats()).rejects.toThrow(/unexpected shape/);
    await expect(s.abandonedCallers()).rejects.toThrow(SupervisorError);
    await expect(s.queueDay()).rejects.toThrow(/not JSON|unexpected shape/);
  });
});
