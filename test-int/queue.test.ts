// The queue at the real PBX (Kamailio + its queue.cfg), driven by a real hub (PGlite and
// PostgreSQL) over the evapi event link, with SIPp agents (UAS) and SIPp callers.
// What the hub records is checked against SIPp's own message logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeStores } from '../test-support/hub/helpers';
import { startQueueLab, sleep, until, type QueueLab } from '../test-support/pbx/queue-lab';
import { startAgent, startCaller, type AgentRun } from '../test-support/sipp/queue-agents';
import { parseMessageLog } from '../test-support/sipp/sipp';
import type { EventRow } from '../src-hub/agents/events';

const callIdOf = (log: string) => parseMessageLog(log).find((m) => m.kind === 'INVITE' && m.direction === 'sent')?.header('Call-ID');
const invitesTo = (run: { messageLog?: string }, log: string) => parseMessageLog(log).filter((m) => m.kind === 'INVITE' && m.direction === 'received');

describeStores('queue at the PBX', (ctx) => {
  let lab: QueueLab;
  const agents: AgentRun[] = [];
  beforeAll(async () => {
    lab = await startQueueLab({ store: ctx.store, agents: 4 });
    await lab.queue({ name: 'sales', number: '600', ringSeconds: 5, maxWaitSeconds: 30 });
    await lab.queue({ name: 'short', number: '602', ringSeconds: 5, maxWaitSeconds: 6 });
    for (const [name, ext] of lab.agents) {
      // a1..a3 answer after 300 ms and talk until the caller hangs up (60 s); a4 the same
      agents.push(await startAgent({ pbx: lab.pbx, ext, answerMs: 300, talkMs: 60_000, timeoutS: 170 }));
      void name;
    }
    await lab.waitEvent((e) => e.kind === 'agent.registered' && e.agent === 'a4');
  }, 120_000);
  afterAll(async () => {
    for (const a of agents) a.kill();
    await lab?.stop();
  }, 60_000);

  it('a break agent is never offered, busy agents are skipped, a caller waits until an agent is Available', async () => {
    for (const n of ['a1', 'a2', 'a3', 'a4']) await lab.setState(n, 'break', 'meeting');
    await lab.setState('a2', 'available');
    // call 1 → only a2 (available); a1, a3, a4 are on break
    const c1 = await startCaller({ pbx: lab.pbx, caller: '+390200001', number: '600', patienceMs: 20_000, talkMs: 8_000 });
    const ans1 = await lab.waitEvent((e) => e.kind === 'queue.answered' && e.caller === '+390200001');
    expect(ans1.agent).toBe('a2');
    const offers1 = (await lab.events()).filter((e) => e.kind === 'queue.offered' && e.callId === ans1.callId);
    expect(offers1.map((e) => e.agent)).toEqual(['a2']);

    // call 2: a2 is busy (on call 1) and stays "available" at the hub: skipped; nobody else → waits
    const c2 = await startCaller({ pbx: lab.pbx, caller: '+390200002', number: '600', patienceMs: 20_000, talkMs: 1_000 });
    const entered2 = await lab.waitEvent((e) => e.kind === 'queue.entered' && e.caller === '+390200002');
    await sleep(1500);
    expect((await lab.events()).filter((e) => e.callId === entered2.callId && e.kind === 'queue.offered')).toEqual([]);

    // a3 becomes Available: the waiting call is offered to a3 at once
    const t0 = Date.now();
    await lab.setState('a3', 'available');
    const offer2 = await lab.waitEvent((e) => e.kind === 'queue.offered' && e.callId === entered2.callId);
    expect(offer2.agent).toBe('a3');
    expect(Date.parse(offer2.at) - t0).toBeLessThan(1000);
    const r1 = await c1.done;
    const r2 = await c2.done;
    expect(r1.code, r1.stderr).toBe(0);
    expect(r2.code, r2.stderr).toBe(0);
    const ended = await lab.waitEvent((e) => e.kind === 'call.ended' && e.callId === ans1.callId);
    expect(ended.data.detail).toBe('caller');
  }, 60_000);

  it('three waiting callers are offered in arrival order; max wait ends a call with 480 (timed out)', async () => {
    for (const n of ['a1', 'a2', 'a3', 'a4']) await lab.setState(n, 'break', 'lunch');
    const runs = [];
    for (let i = 1; i <= 3; i++) {
      runs.push(await startCaller({ pbx: lab.pbx, caller: `+39030000${i}`, number: '600', patienceMs: 25_000, talkMs: 500 }));
      await lab.waitEvent((e) => e.kind === 'queue.entered' && e.caller === `+39030000${i}`);
    }
    // one agent serves them one by one
    await lab.setState('a1', 'available');
    const answered: EventRow[] = [];
    for (let i = 1; i <= 3; i++) answered.push(await lab.waitEvent((e) => e.kind === 'queue.answered' && e.caller === `+39030000${i}`, 15_000));
    expect(answered.map((e) => e.agent)).toEqual(['a1', 'a1', 'a1']);
    const times = answered.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    for (const r of runs) expect((await r.done).code).toBe(0);

    // queue "short": max wait 6 s, nobody available (a1 back on break)
    await lab.setState('a1', 'break', 'lunch');
    const started = Date.now();
    const c = await startCaller({ pbx: lab.pbx, caller: '+390400001', number: '602', patienceMs: 20_000, talkMs: 500 });
    const r = await c.done;
    const msgs = parseMessageLog(r.messageLog);
    expect(msgs.some((m) => m.direction === 'received' && m.kind === '480')).toBe(true);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThan(5500);
    const to = await lab.waitEvent((e) => e.kind === 'queue.timed_out' && e.caller === '+390400001');
    expect(to.queue).toBe('short');
    expect(Number(to.data.waitMs)).toBeGreaterThanOrEqual(5800);
  }, 90_000);

  it("the hub's raw events equal SIPp's own logs (every call, offer, answer, abandon; timestamps within 50 ms)", async () => {
    for (const n of ['a1', 'a2', 'a3', 'a4']) await lab.setState(n, 'break', 'training');
    await lab.setState('a4', 'available');
    // answered at once, abandoned while waiting (a4 busy), answered after waiting
    const answered = await startCaller({ pbx: lab.pbx, caller: '+390500001', number: '600', patienceMs: 20_000, talkMs: 4_000 });
    await lab.waitEvent((e) => e.kind === 'queue.answered' && e.caller === '+390500001');
    const abandon = await startCaller({ pbx: lab.pbx, caller: '+390500002', number: '600', patienceMs: 1_500, talkMs: 500 });
    const waiter = await startCaller({ pbx: lab.pbx, caller: '+390500003', number: '600', patienceMs: 20_000, talkMs: 500 });
    const rs = [await answered.done, await abandon.done, await waiter.done];
    for (const r of rs) expect(r.code, r.stderr).toBe(0);
    await sleep(300);
    const all = await lab.events();
    for (const [r, outcome] of [[rs[0]!, 'answered'], [rs[1]!, 'abandoned'], [rs[2]!, 'answered']] as const) {
      const msgs = parseMessageLog(r.messageLog);
      const callId = callIdOf(r.messageLog)!;
      const mine = all.filter((e) => e.callId === callId);
      const invite = msgs.find((m) => m.kind === 'INVITE' && m.direction === 'sent')!;
      const entered = mine.filter((e) => e.kind === 'queue.entered');
      expect(entered).toHaveLength(1);
      expect(Math.abs(Date.parse(entered[0]!.at) - invite.time)).toBeLessThanOrEqual(50);
      if (outcome === 'answered') {
        const ok = msgs.find((m) => m.kind === '200' && m.direction === 'received' && /INVITE/.test(m.header('CSeq') ?? ''))!;
        const ans = mine.filter((e) => e.kind === 'queue.answered');
        expect(ans).toHaveLength(1);
        expect(Math.abs(Date.parse(ans[0]!.at) - ok.time)).toBeLessThanOrEqual(50);
        expect(mine.filter((e) => e.kind === 'queue.abandoned')).toHaveLength(0);
      } else {
        const cancel = msgs.find((m) => m.kind === 'CANCEL' && m.direction === 'sent')!;
        const ab = mine.filter((e) => e.kind === 'queue.abandoned');
        expect(ab).toHaveLength(1);
        expect(Math.abs(Date.parse(ab[0]!.at) - cancel.time)).toBeLessThanOrEqual(50);
        expect(mine.filter((e) => e.kind === 'queue.answered')).toHaveLength(0);
      }
      // one offer per agent INVITE the SIPp agents received for this call
      const offers = mine.filter((e) => e.kind === 'queue.offered');
      expect(offers.length).toBe(outcome === 'answered' ? 1 : 0);
    }
    // no id twice, ever
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
  }, 60_000);

  it('hub down during calls: routing goes on; its events reach the hub when it is back, exactly once', async () => {
    for (const n of ['a1', 'a2', 'a3', 'a4']) await lab.setState(n, 'break', 'training');
    await lab.setState('a2', 'available');
    await sleep(200);
    const before = (await lab.events()).length;
    await lab.linkDown();
    // a desktop state change while the hub's link is down: the PBX keeps the last states it knew
    const c = await startCaller({ pbx: lab.pbx, caller: '+390600001', number: '600', patienceMs: 10_000, talkMs: 500 });
    const r = await c.done;
    expect(r.code, r.stderr).toBe(0);
    const callId = callIdOf(r.messageLog)!;
    expect((await lab.events()).filter((e) => e.callId === callId)).toEqual([]);
    await lab.linkUp();
    await lab.waitEvent((e) => e.callId === callId && e.kind === 'call.ended');
    const mine = (await lab.events()).filter((e) => e.callId === callId);
    expect(mine.map((e) => e.kind).sort()).toEqual(['call.ended', 'queue.answered', 'queue.entered', 'queue.offered']);
    expect(mine.find((e) => e.kind === 'queue.answered')!.agent).toBe('a2');
    // reconnecting again replays nothing new
    await lab.linkDown();
    await lab.linkUp();
    await sleep(500);
    const all = await lab.events();
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(all.length).toBeGreaterThan(before);
  }, 60_000);

  it('PBX restarted: the hub gives it the states back and the next queue call goes to the right agent', async () => {
    for (const n of ['a1', 'a2', 'a3', 'a4']) await lab.setState(n, 'break', 'training');
    await lab.setState('a3', 'available');
    await lab.pbx.restart();
    // the restarted PBX forgot its registrations: the agents register again (their phones would)
    for (const a of agents) a.kill();
    agents.length = 0;
    for (const [, ext] of lab.agents) agents.push(await startAgent({ pbx: lab.pbx, ext, answerMs: 300, talkMs: 60_000, timeoutS: 120 }));
    await until(() => lab.link.connected, 10_000, 'the link to reconnect');
    await sleep(300);
    const c = await startCaller({ pbx: lab.pbx, caller: '+390700001', number: '600', patienceMs: 10_000, talkMs: 500 });
    const r = await c.done;
    expect(r.code, r.stderr).toBe(0);
    const callId = callIdOf(r.messageLog)!;
    const ans = await lab.waitEvent((e) => e.kind === 'queue.answered' && e.callId === callId);
    expect(ans.agent).toBe('a3');
    const offers = (await lab.events()).filter((e) => e.kind === 'queue.offered' && e.callId === callId);
    expect(offers.map((e) => e.agent)).toEqual(['a3']);
  }, 90_000);
});

describe('queue lab helpers', () => {
  it('invitesTo reads received INVITEs', () => {
    expect(invitesTo({}, '')).toEqual([]);
  });
});
