// A scripted stretch of a day through the real PBX (Kamailio queue + SIPp agents and callers),
// the hub on PGlite and PostgreSQL: the live figures (GET /v1/stats/queues, the WebSocket) and the
// historical report equal the truth computed here from SIPp's own message logs, figure by figure
// (answered at once, a transfer, answered after waiting past T, short and long abandons, a time-out,
// a ring-all answered by one of three);
// a restarted hub shows the same; a desktop's late events converge the agent figures.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeStores } from '../test-support/hub/helpers';
import { startQueueLab, sleep, type QueueLab } from '../test-support/pbx/queue-lab';
import { startAgent, startCaller, type AgentRun } from '../test-support/sipp/queue-agents';
import { parseMessageLog, type SippResult } from '../test-support/sipp/sipp';
import { buildHub } from '../src-hub/http/app';
import { openStore } from '../src-hub/db/store';

const SL_S = 3;
const SHORT_S = 1;

interface Truth {
  offered: number;
  answered: number;
  answeredInT: number;
  abandoned: number;
  shortAbandoned: number;
  timedOut: number;
  waits: number[];
}

/** The queue's figures from the callers' own logs: what SIPp sent and received, and when. */
function truthOf(runs: SippResult[]): Truth {
  const t: Truth = { offered: 0, answered: 0, answeredInT: 0, abandoned: 0, shortAbandoned: 0, timedOut: 0, waits: [] };
  for (const r of runs) {
    const m = parseMessageLog(r.messageLog);
    const invite = m.find((x) => x.kind === 'INVITE' && x.direction === 'sent');
    if (!invite) continue;
    t.offered++;
    const ok = m.find((x) => x.kind === '200' && x.direction === 'received' && /INVITE/.test(x.header('CSeq') ?? ''));
    const cancel = m.find((x) => x.kind === 'CANCEL' && x.direction === 'sent');
    const refused = m.find((x) => x.kind === '480' && x.direction === 'received');
    if (ok) {
      const w = ok.time - invite.time;
      t.answered++;
      t.waits.push(w);
      if (w <= SL_S * 1000) t.answeredInT++;
    } else if (cancel) {
      if (cancel.time - invite.time < SHORT_S * 1000) t.shortAbandoned++;
      else t.abandoned++;
    } else if (refused) t.timedOut++;
  }
  return t;
}

describeStores('statistics from a scripted day', (ctx) => {
  let lab: QueueLab;
  const agents: AgentRun[] = [];
  const runs: SippResult[] = [];
  let start = 0;
  beforeAll(async () => {
    start = Date.now() - 1000;
    lab = await startQueueLab({ store: ctx.store, agents: 4 });
    await lab.queue({ name: 'sales', number: '600', ringSeconds: 5, maxWaitSeconds: 8, slSeconds: SL_S, shortAbandonSeconds: SHORT_S });
    // a1, a2, a3 answer after 0.2, 1 and 1.8 s: a ring-all call is answered by one of them, not by
    // two at once (a SIPp caller handles a second 200 of a forked INVITE badly)
    const answerMs = [200, 1000, 1800];
    for (const [i, [, ext]] of [...lab.agents].slice(0, 3).entries()) agents.push(await startAgent({ pbx: lab.pbx, ext, answerMs: answerMs[i]!, talkMs: 60_000, timeoutS: 170 }));
    // a4 answers after 0.2 s and blind-transfers every call it takes (REFER to 1009), then hangs up
    agents.push(await startAgent({ pbx: lab.pbx, ext: lab.agents.get('a4')!, answerMs: 200, talkMs: 400, transferTo: '1009', timeoutS: 170 }));
    for (const n of ['a3', 'a4']) await lab.waitEvent((e) => e.kind === 'agent.registered' && e.agent === n);
    for (const n of ['a1', 'a2', 'a3', 'a4']) await lab.setState(n, 'break', 'meeting');

    // 1. ring-all answered by one of three, at once
    for (const n of ['a1', 'a2', 'a3']) await lab.setState(n, 'available');
    const c1 = await startCaller({ pbx: lab.pbx, caller: '+390810001', number: '600', patienceMs: 20_000, talkMs: 1_500 });
    runs.push(await c1.done);
    // 1b. a transfer: only a4 is free; it answers and sends the caller on (one answered call)
    for (const n of ['a1', 'a2', 'a3']) await lab.setState(n, 'break', 'meeting');
    await lab.setState('a4', 'available');
    const moved = await startCaller({ pbx: lab.pbx, caller: '+390810006', number: '600', patienceMs: 20_000, talkMs: 10_000 });
    runs.push(await moved.done);
    await lab.waitEvent((e) => e.kind === 'call.transferred' && e.agent === 'a4');
    await lab.setState('a4', 'break', 'meeting');
    // 2. nobody free: a short abandon (0.5 s), a long abandon (2 s), a time-out (max wait 8 s), and a
    //    caller answered after waiting longer than T (an agent comes back after 4.5 s)
    for (const n of ['a1', 'a2', 'a3']) await lab.setState(n, 'break', 'lunch');
    const short = await startCaller({ pbx: lab.pbx, caller: '+390810002', number: '600', patienceMs: 500, talkMs: 500 });
    const long = await startCaller({ pbx: lab.pbx, caller: '+390810003', number: '600', patienceMs: 2_000, talkMs: 500 });
    const timeout = await startCaller({ pbx: lab.pbx, caller: '+390810004', number: '600', patienceMs: 30_000, talkMs: 500 });
    await sleep(300);
    const late = await startCaller({ pbx: lab.pbx, caller: '+390810005', number: '600', patienceMs: 30_000, talkMs: 1_000 });
    // the time-out caller is first in line: it must not be answered, so a2 comes back only after it left
    runs.push(await short.done, await long.done, await timeout.done);
    await lab.setState('a2', 'available');
    runs.push(await late.done);
    await sleep(1000);
  }, 180_000);
  afterAll(async () => {
    for (const a of agents) a.kill();
    await lab?.stop();
  }, 60_000);

  const expectFigures = (q: Record<string, unknown>, t: Truth) => {
    expect(q).toMatchObject({
      queue: 'sales', offered: t.offered, answered: t.answered, abandoned: t.abandoned, shortAbandoned: t.shortAbandoned, timedOut: t.timedOut, slSeconds: SL_S,
    });
    const slDen = t.answered + t.abandoned + t.timedOut;
    expect(q.serviceLevelPct).toBeCloseTo((t.answeredInT / slDen) * 100, 1);
    expect(q.abandonRatePct).toBeCloseTo((t.abandoned / (t.offered - t.shortAbandoned)) * 100, 1);
    // the PBX measures waits from its own receipt of the INVITE: within 50 ms of SIPp's clock per call
    expect(Math.abs((q.asaS as number) - t.waits.reduce((a, b) => a + b, 0) / t.waits.length / 1000)).toBeLessThan(0.06);
  };

  it('the script happened as planned (the truth has each kind of call)', () => {
    const t = truthOf(runs);
    expect(t).toMatchObject({ offered: 6, answered: 3, answeredInT: 2, abandoned: 1, shortAbandoned: 1, timedOut: 1 });
  });

  it('live figures (GET and WebSocket) equal the truth from SIPp', async () => {
    const t = truthOf(runs);
    const boss = { authorization: `Bearer ${lab.tokens.get('boss')}` };
    const r = await lab.app.inject({ method: 'GET', url: '/v1/stats/queues', headers: boss });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json() as { at: string; queues: Record<string, unknown>[]; agents: Record<string, unknown>[] };
    const sales = body.queues.find((q) => q.queue === 'sales')!;
    expectFigures(sales, t);
    expect(sales).toMatchObject({ waiting: 0, longestWaitS: 0, agents: { available: 1, break: 3 } });
    expect(body.agents.map((a) => a.name).sort()).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(body.agents.find((a) => a.name === 'a4')).toMatchObject({ handled: 1 });
    expect(body.agents.find((a) => a.name === 'a2')).toMatchObject({ state: 'available', handled: expect.any(Number) });
    // the WebSocket's first message is the same picture
    await lab.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (lab.app.server.address() as { port: number }).port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/stats/live?token=${lab.tokens.get('boss')}`);
    const first = await new Promise<Record<string, unknown>>((res, rej) => {
      ws.once('message', (d) => res(JSON.parse(d.toString()) as Record<string, unknown>));
      ws.once('error', rej);
    });
    ws.close();
    expect(first.type).toBe('stats');
    expectFigures((first.queues as Record<string, unknown>[]).find((q) => q.queue === 'sales')!, t);
    // an agent may not look
    expect((await lab.app.inject({ method: 'GET', url: '/v1/stats/queues', headers: { authorization: `Bearer ${lab.tokens.get('a1')}` } })).statusCode).toBe(403);
  });

  it('the historical report gives the same numbers for the same period (JSON and CSV)', async () => {
    const t = truthOf(runs);
    const boss = { authorization: `Bearer ${lab.tokens.get('boss')}` };
    const from = new Date(start - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const r = await lab.app.inject({ method: 'GET', url: `/v1/reports/queues?from=${from}&to=${to}&interval=1d`, headers: boss });
    expect(r.statusCode, r.body).toBe(200);
    const rows = (r.json() as { rows: Record<string, unknown>[] }).rows.filter((x) => x.queue === 'sales');
    expect(rows).toHaveLength(1);
    expectFigures(rows[0]!, t);
    const csv = await lab.app.inject({ method: 'GET', url: `/v1/reports/queues?from=${from}&to=${to}&interval=1d`, headers: { ...boss, accept: 'text/csv' } });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe('from,to,queue,label,offered,answered,abandoned,shortAbandoned,timedOut,serviceLevelPct,abandonRatePct,asaS,ahtS,slSeconds,longestWaitS');
    expect(lines[1]).toContain(`,sales,sales (600),${t.offered},${t.answered},${t.abandoned},${t.shortAbandoned},${t.timedOut},`);
    const agentsCsv = await lab.app.inject({ method: 'GET', url: `/v1/reports/agents?from=${from}&to=${to}&format=csv`, headers: boss });
    expect(agentsCsv.body.split('\r\n')[0]).toBe('name,team,handled,ahtS,ringNoAnswers,occupancyPct,availableS,ringingS,onCallS,wrapUpS,breakS,offlineS');
  });

  it.runIf(ctx.kind === 'postgres')('a second hub instance on the same PostgreSQL (its own connections) shows the same figures and follows events written through the first', async () => {
    const boss = { authorization: `Bearer ${lab.tokens.get('boss')}` };
    const db = (await ctx.store.query<{ db: string }>('SELECT current_database() AS db'))[0]!.db;
    const other = await openStore({ databaseUrl: ctx.pg!.url.replace(/\/[^/]*$/, `/${db}`), poolSize: 4 });
    const second = await buildHub({ store: other });
    try {
      const stats = async (app: typeof second) => (await app.inject({ method: 'GET', url: '/v1/stats/queues', headers: boss })).json() as { queues: Record<string, unknown>[]; agents: Record<string, unknown>[] };
      const strip = (q: Record<string, unknown>[]) => q.map(({ agents: _a, ...rest }) => rest);
      expect(strip((await stats(second)).queues)).toEqual(strip((await stats(lab.app)).queues));
      // a supervisor on the second instance sees a state set through the first (LISTEN/NOTIFY)
      await lab.setState('a3', 'break', 'training');
      await expect.poll(async () => (await stats(second)).agents.find((a) => a.name === 'a3')?.reason, { timeout: 10_000 }).toBe('training');
      await lab.setState('a3', 'break', 'lunch');
      await expect.poll(async () => (await stats(second)).agents.find((a) => a.name === 'a3')?.reason, { timeout: 10_000 }).toBe('lunch');
    } finally {
      await second.close();
      await other.close();
    }
  });

  it('a restarted hub shows the same figures; a desktop offline for a while converges the totals', async () => {
    const boss = { authorization: `Bearer ${lab.tokens.get('boss')}` };
    const before = (await lab.app.inject({ method: 'GET', url: '/v1/stats/queues', headers: boss })).json() as { queues: Record<string, unknown>[] };
    const again = await buildHub({ store: ctx.store });
    try {
      const after = (await again.inject({ method: 'GET', url: '/v1/stats/queues', headers: boss })).json() as { queues: Record<string, unknown>[] };
      const strip = (q: Record<string, unknown>[]) => q.map(({ agents: _a, ...rest }) => rest);
      expect(strip(after.queues)).toEqual(strip(before.queues));
      // a desktop that was offline sends its wrap-up for the answered call late: the handle time grows
      // the last call of the script: nothing of its agent's follows it (a state in between would end the wrap-up)
      const answered = (await lab.events()).find((e) => e.kind === 'queue.answered' && e.caller === '+390810005')!;
      const ended = (await lab.events()).find((e) => e.kind === 'call.ended' && e.callId === answered.callId)!;
      const ahtBefore = (after.queues.find((q) => q.queue === 'sales')!.ahtS as number);
      const agentTok = lab.tokens.get(answered.agent!)!;
      const wrapAt = new Date(Date.parse(ended.at) + 10);
      const backAt = new Date(wrapAt.getTime() + 20_000);
      for (const [state, at] of [['wrapup', wrapAt], ['available', backAt]] as const) {
        const r = await again.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${agentTok}` }, payload: {
          clientId: `late-${randomUUID()}`, mutations: [{ id: randomUUID(), seq: 1, kind: 'agentState.set',
            payload: { eventId: randomUUID(), state, reason: null, at: at.toISOString(), cause: state === 'wrapup' ? 'call' : 'agent', callId: state === 'wrapup' ? answered.callId : null } }] } });
        expect(r.statusCode).toBe(200);
      }
      // one of the handled calls gained 20 s of wrap-up → the mean grows by 20 s / handled (once
      // the events' notices have reached this instance)
      const grows = Math.round(20 / truthOf(runs).answered);
      const aht = async () => ((await again.inject({ method: 'GET', url: '/v1/stats/queues', headers: boss })).json() as { queues: Record<string, unknown>[] })
        .queues.find((q) => q.queue === 'sales')!.ahtS as number;
      await expect.poll(async () => Math.round((await aht()) - ahtBefore), { timeout: 10_000 }).toBe(grows);
    } finally {
      await again.close();
    }
  });
});
