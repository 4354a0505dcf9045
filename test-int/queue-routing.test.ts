// Queue routing rules at the real PBX that do not depend on the hub's database engine (PGlite
// here; test-int/queue.test.ts runs the record on both engines): longest-idle, ring-no-answer,
// ring-all counted as one call, direct calls whatever the state, phantom availability.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src-hub/db/store';
import { startQueueLab, sleep, type QueueLab } from '../test-support/pbx/queue-lab';
import { startAgent, startCaller, unregisterAgent, type AgentRun } from '../test-support/sipp/queue-agents';
import { parseMessageLog, callRow, runSipp } from '../test-support/sipp/sipp';
import { agentByName } from '../src-hub/agents/states';
import { issueToken } from '../src-hub/admin';

describe('queue routing at the PBX', () => {
  let store: Store;
  let lab: QueueLab;
  const agents = new Map<string, AgentRun>();
  beforeAll(async () => {
    store = await openStore({});
    lab = await startQueueLab({ store, agents: 4 });
    await lab.queue({ name: 'sales', number: '600', ringSeconds: 5, maxWaitSeconds: 40 });
    await lab.queue({ name: 'idle', number: '603', strategy: 'longest-idle', ringSeconds: 5, maxWaitSeconds: 40, ringNoAnswer: 'break' });
    // a1 answers after 300 ms, a2 after 1.5 s, a3 after 2.5 s (a ring-all call is answered by one of
    // them, not by two at once); a4 never answers (rings until CANCEL)
    const answerMs: Record<string, number> = { a1: 300, a2: 1500, a3: 2500, a4: 100_000 };
    for (const [name, ext] of lab.agents) {
      agents.set(name, await startAgent({ pbx: lab.pbx, ext, answerMs: answerMs[name]!, talkMs: 60_000, timeoutS: 170 }));
    }
    await lab.waitEvent((e) => e.kind === 'agent.registered' && e.agent === 'a4');
  }, 120_000);
  afterAll(async () => {
    for (const a of agents.values()) a.kill();
    await lab?.stop();
    await store?.close();
  }, 60_000);

  it('ring-all: one queue call offered to three agents is one call, three offers, one answer, no ring-no-answer for the colleagues', async () => {
    for (const n of ['a1', 'a2', 'a3']) await lab.setState(n, 'available');
    await lab.setState('a4', 'break', 'meeting');
    const r = await (await startCaller({ pbx: lab.pbx, caller: '+391000001', number: '600', patienceMs: 10_000, talkMs: 300 })).done;
    expect(r.code, r.stderr).toBe(0);
    const callId = parseMessageLog(r.messageLog).find((m) => m.kind === 'INVITE')!.header('Call-ID')!;
    await lab.waitEvent((e) => e.callId === callId && e.kind === 'call.ended');
    const mine = (await lab.events()).filter((e) => e.callId === callId);
    expect(mine.filter((e) => e.kind === 'queue.entered')).toHaveLength(1);
    expect(mine.filter((e) => e.kind === 'queue.offered').map((e) => e.agent).sort()).toEqual(['a1', 'a2', 'a3']);
    expect(mine.filter((e) => e.kind === 'queue.answered')).toHaveLength(1);
    expect(mine.filter((e) => e.kind === 'queue.ring_no_answer')).toHaveLength(0);
  }, 30_000);

  it('longest-idle offers one agent at a time, the longest idle first; a ring-no-answer moves on and puts that agent on Break "missed call"', async () => {
    for (const n of ['a1', 'a2', 'a3', 'a4']) await lab.setState(n, 'break', 'meeting');
    // a4 (never answers) becomes idle first, then a2
    await lab.setState('a4', 'available');
    await sleep(300);
    await lab.setState('a2', 'available');
    await sleep(200);
    const r = await (await startCaller({ pbx: lab.pbx, caller: '+391000002', number: '603', patienceMs: 15_000, talkMs: 300 })).done;
    expect(r.code, r.stderr).toBe(0);
    const callId = parseMessageLog(r.messageLog).find((m) => m.kind === 'INVITE')!.header('Call-ID')!;
    const ans = await lab.waitEvent((e) => e.callId === callId && e.kind === 'queue.answered');
    expect(ans.agent).toBe('a2');
    const mine = (await lab.events()).filter((e) => e.callId === callId);
    expect(mine.filter((e) => e.kind === 'queue.offered').map((e) => e.agent)).toEqual(['a4', 'a2']);
    const rna = mine.filter((e) => e.kind === 'queue.ring_no_answer');
    expect(rna.map((e) => e.agent)).toEqual(['a4']);
    // the queue's policy: Break "missed-call", at the hub too (the desktop follows it)
    await lab.waitEvent((e) => e.kind === 'agent.state' && e.agent === 'a4' && e.source === 'pbx');
    const a4 = await agentByName(store, 'a4');
    expect(a4).toMatchObject({ state: 'break', reason: 'missed-call', setBy: 'pbx' });
  }, 40_000);

  it('a blind transfer of a queue call is on record (call.transferred, with the target), then its end', async () => {
    for (const n of ['a1', 'a2', 'a3', 'a4']) await lab.setState(n, 'break', 'meeting');
    // a spare agent phone for 1005 that transfers everything to 1009
    const ext = '1005';
    const runs = await startAgent({ pbx: lab.pbx, ext, answerMs: 200, talkMs: 400, transferTo: '1009', timeoutS: 30 });
    try {
      await lab.store.query("INSERT INTO users (name, role, team, password_hash, extension) VALUES ('a5', 'agent', 'sales', 'x', '1005')");
      await lab.store.query("SELECT pg_notify('pronto_pbx_config', 'a5')");
      await sleep(300);
      lab.tokens.set('a5', await issueToken(lab.store, 'a5'));
      await lab.setState('a5', 'available');
      const r = await (await startCaller({ pbx: lab.pbx, caller: '+391000009', number: '600', patienceMs: 10_000, talkMs: 10_000 })).done;
      expect(r.code, r.stderr).toBe(0);
      const callId = parseMessageLog(r.messageLog).find((m) => m.kind === 'INVITE')!.header('Call-ID')!;
      const tr = await lab.waitEvent((e) => e.callId === callId && e.kind === 'call.transferred');
      expect(tr).toMatchObject({ agent: 'a5', queue: 'sales', data: expect.objectContaining({ detail: '1009' }) });
      const ended = await lab.waitEvent((e) => e.callId === callId && e.kind === 'call.ended');
      expect(ended.data.detail).toBe('agent');
    } finally {
      runs.kill();
      await lab.setState('a5', 'break', 'meeting').catch(() => {}); // out of the later tests' way
    }
  }, 40_000);

  it('a direct call to an extension rings that agent whatever the state', async () => {
    await lab.setState('a1', 'break', 'lunch');
    const r = await runSipp({ scenario: 'uac-invite-answer', remote: lab.pbx.udpPort, csv: [callRow({ caller: '+391000003', target: '1001' })], pauseMs: 200, timeoutS: 15 });
    expect(r.code, r.stderr).toBe(0);
  }, 20_000);

  it('phantom availability: Available at the desk but the softphone not registered reads Offline at the hub, and gets no queue call', async () => {
    for (const n of ['a1', 'a2', 'a4']) await lab.setState(n, 'break', 'meeting');
    await lab.setState('a3', 'available');
    const a3 = agents.get('a3')!;
    a3.kill(); // its phone goes away (SIPp holds the port), then its registration
    await a3.done;
    await unregisterAgent({ pbx: lab.pbx, ext: '1003', port: a3.port });
    await lab.waitEvent((e) => e.kind === 'agent.unregistered' && e.agent === 'a3', 5000);
    expect(await agentByName(store, 'a3')).toMatchObject({ state: 'offline', reason: 'softphone not registered', desktopState: 'available', registered: false });
    const c = await startCaller({ pbx: lab.pbx, caller: '+391000004', number: '600', patienceMs: 1_500, talkMs: 300 });
    const r = await c.done;
    const callId = parseMessageLog(r.messageLog).find((m) => m.kind === 'INVITE')!.header('Call-ID')!;
    const mine = (await lab.events()).filter((e) => e.callId === callId);
    expect(mine.filter((e) => e.kind === 'queue.offered')).toEqual([]);
    expect(mine.filter((e) => e.kind === 'queue.abandoned')).toHaveLength(1);
  }, 30_000);
});
