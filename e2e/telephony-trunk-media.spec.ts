// Carrier calls with real audio (issue 19): a SIPp trunk (RTP/AVP, G.711, no ICE, no DTLS) and a
// sip.js agent in Chromium, joined by the PBX's media bridge (rtpengine). Audio is COUNTED both
// ways: the agent's getStats (data-rtp-in, data-energy-in on the call card) and a packet capture
// on `lo` of what reaches the trunk's media port (packets, G.711 level, RFC 4733 events). The SDP
// the trunk sees is read from SIPp's message log; the bridge is asked (ng `list`) that no media
// session outlives its call. Runs in the lab's network namespace (root); skipped, not faked,
// without one.
import type { Locator } from '@playwright/test';
import { expect, listCalls, test, type Agent } from './support/telephony';
import type { TelephonyLab } from './support/telephony-lab';
import { callRow, parseMessageLog, type SippResult } from '../test-support/sipp/sipp';
import { trunkCallRow, trunkScenario } from '../test-support/sipp/trunk';

test.describe.configure({ mode: 'serial' });

test.beforeEach(({ lab }) => {
  test.skip(!lab.netns, 'no network namespace (needs root): Chromium sends no RTP over loopback outside one, and media is not faked');
  test.skip(!lab.mediaBridge, 'rtpengine is not installed (apt-get install -y rtpengine-daemon): no media bridge');
});

const num = (v: string | null) => (v ? Number(v) : 0);

/** The agent receives audio: packets and audio energy both grow within `ms`. */
async function expectAgentHears(card: Locator, ms = 2000): Promise<void> {
  await expect.poll(async () => num(await card.getAttribute('data-rtp-in')), { timeout: 10_000 }).toBeGreaterThan(0);
  const p0 = num(await card.getAttribute('data-rtp-in'));
  const e0 = num(await card.getAttribute('data-energy-in'));
  await card.page().waitForTimeout(ms);
  const p1 = num(await card.getAttribute('data-rtp-in'));
  const e1 = num(await card.getAttribute('data-energy-in'));
  expect(p1 - p0, `inbound RTP packets at the agent in ${ms} ms`).toBeGreaterThanOrEqual(40);
  expect(e1 - e0, 'audio energy at the agent (the trunk plays speech)').toBeGreaterThan(0);
}

/** The trunk receives the agent's audio: capture `ms` of what reaches its media port. */
async function trunkHears(lab: TelephonyLab, port: number, ms = 2500) {
  await lab.captureStart([port]);
  await new Promise((r) => setTimeout(r, ms));
  return (await lab.captureStop([port]))[0]!;
}

/** SDP bodies the trunk side received (INVITE, 200 OK, re-INVITEs): every one trunk-shaped. */
function expectTrunkShapedSdp(run: SippResult, what: string): string[] {
  const bodies = parseMessageLog(run.messageLog)
    .filter((m) => m.direction === 'received' && /\r?\n\r?\nv=0/.test(m.text))
    .map((m) => ({ first: m.firstLine, sdp: m.text.slice(m.text.search(/\r?\n\r?\nv=0/)).trim() }));
  expect(bodies.length, `${what}: SDP received by the trunk`).toBeGreaterThan(0);
  for (const b of bodies) {
    const m = /^m=audio \d+ (\S+) ([\d ]+)$/m.exec(b.sdp);
    expect(m, `${b.first}: an m=audio line\n${b.sdp}`).not.toBeNull();
    expect(m![1], `${b.first}: plain RTP toward the trunk`).toBe('RTP/AVP');
    expect(b.sdp, `${b.first}: no ICE`).not.toMatch(/a=(candidate|ice-ufrag|ice-pwd)/);
    expect(b.sdp, `${b.first}: no DTLS`).not.toMatch(/a=(fingerprint|setup|crypto)/);
    const names = [...b.sdp.matchAll(/^a=rtpmap:\d+ ([^/\s]+)\/(\d+)/gm)].map((x) => `${x[1]}/${x[2]}`);
    expect(names.length, `${b.first}: codecs named`).toBeGreaterThan(0);
    for (const n of names) expect(['PCMA/8000', 'PCMU/8000', 'telephone-event/8000'], `${b.first}: only G.711 and events (${names.join(', ')})`).toContain(n);
  }
  return bodies.map((b) => b.first);
}

async function expectNoBridgeSessions(lab: TelephonyLab, what: string): Promise<void> {
  await expect.poll(() => lab.bridgeCalls(), { message: `media sessions left in the bridge after ${what}`, timeout: 10_000 }).toEqual([]);
}

async function answerRinging(a: Agent): Promise<Locator> {
  const ring = a.card({ direction: 'inbound', state: 'ringing' });
  await expect(ring).toBeVisible({ timeout: 10_000 });
  const id = (await ring.getAttribute('data-call-id'))!;
  await ring.getByTestId('call-answer').click();
  const talk = a.page.locator(`[data-testid="call-card"][data-call-id="${id}"]`);
  await expect(talk, `card: ${await talk.getAttribute('data-end-reason')}`).toHaveAttribute('data-state', 'active', { timeout: 10_000 });
  return talk;
}

test('a carrier call in: audio both ways through the bridge, hold with music, DTMF to the trunk, nothing leaked', async ({ agent, lab }) => {
  const a = await agent('1001');
  const t = trunkScenario('uac-trunk-audio', 60);
  const caller = '+390212345678';
  const trunk = lab.sipp({
    scenario: 'custom',
    scenarioFile: t.file,
    csv: [trunkCallRow({ caller, target: '1001' })],
    extraArgs: ['-mp', String(t.mediaPort)],
    timeoutS: 90,
  });
  const talk = await answerRinging(a);
  expect(await lab.bridgeCalls(), 'the call is anchored in the bridge').toHaveLength(1);

  // trunk → agent: the pcap's speech arrives as audio in the browser
  await expectAgentHears(talk);
  // agent → trunk: the fake microphone reaches the trunk's media port as G.711
  const heard = await trunkHears(lab, t.mediaPort);
  expect(heard.packets, `RTP at the trunk: ${JSON.stringify(heard.byPt)}`).toBeGreaterThanOrEqual(50);
  expect((heard.byPt[8] ?? 0) + (heard.byPt[0] ?? 0), 'G.711 payloads').toBe(heard.packets - (heard.byPt[101] ?? 0));
  expect(heard.level, 'audio level of what the trunk receives').toBeGreaterThan(0.001);
  await a.shot('trunk-call-active');

  // hold: the trunk keeps receiving audio — the bridge's music, since the agent is muted first
  // (a muted microphone sends silence: whatever level reaches the trunk is the music)
  await talk.getByTestId('call-mute').click();
  await expect(talk).toHaveAttribute('data-muted', 'true');
  await a.page.waitForTimeout(800);
  const muted = await trunkHears(lab, t.mediaPort, 1500);
  expect(muted.level, `muted, not held: silence at the trunk (${JSON.stringify(muted.byPt)})`).toBeLessThan(0.005);
  await talk.getByTestId('call-hold').click();
  await expect(talk).toHaveAttribute('data-state', 'held', { timeout: 5000 });
  await a.page.waitForTimeout(800);
  const held = await trunkHears(lab, t.mediaPort, 3000);
  expect(held.packets, `RTP at the trunk while held: ${JSON.stringify(held)}`).toBeGreaterThanOrEqual(60);
  expect(held.level, 'the held caller hears music, not silence (the agent is muted)').toBeGreaterThan(0.01);
  await talk.getByTestId('call-hold').click();
  await expect(talk).toHaveAttribute('data-state', 'active', { timeout: 5000 });
  await talk.getByTestId('call-mute').click();
  await expect(talk).toHaveAttribute('data-muted', 'false');
  await expectAgentHears(talk);

  // DTMF from the agent reaches the trunk as RFC 4733 telephone-events (an IVR could read them)
  await lab.captureStart([t.mediaPort]);
  await talk.getByTestId('call-dtmf').click();
  for (const k of ['4', '2', '#']) await talk.locator(`[data-testid="call-dtmf-key"][data-key="${k}"]`).click();
  await expect(talk).toHaveAttribute('data-dtmf-sent', '42#', { timeout: 5000 });
  await a.page.waitForTimeout(1500); // the last tone's end packets follow its start by its duration
  const [dtmf] = await lab.captureStop([t.mediaPort]);
  expect(dtmf!.events, `telephone-events at the trunk (${JSON.stringify(dtmf!.byPt)})`).toBe('42#');

  const id = (await talk.getAttribute('data-call-id'))!;
  await talk.getByTestId('call-hangup').click();
  await expect(talk).toHaveAttribute('data-state', 'ended', { timeout: 5000 });
  const run = await trunk;
  expect(run.code, run.stderr.slice(-2000)).toBe(0);
  const seen = expectTrunkShapedSdp(run, 'carrier call in');
  expect(seen.filter((f) => f.startsWith('SIP/2.0 200')).length, 'the 200 OK to the INVITE carried SDP').toBeGreaterThanOrEqual(1);
  expect(seen.filter((f) => f.startsWith('INVITE')).length, 'hold and resume re-INVITEs reached the trunk').toBeGreaterThanOrEqual(2);
  await expectNoBridgeSessions(lab, 'BYE');
  await expect.poll(async () => (await listCalls(lab)).find((c) => c.callId === id)?.outcome).toBe('answered');
});

test('an agent calls out through the trunk: audio both ways, trunk-shaped SDP, nothing leaked', async ({ agent, lab }) => {
  const a = await agent('1001');
  const t = trunkScenario('uas-trunk-audio', 40);
  const gw = lab.sipp({ scenario: 'custom', scenarioFile: t.file, localPort: lab.trunkPort, extraArgs: ['-mp', String(t.mediaPort)], timeoutS: 60 });
  await a.page.waitForTimeout(300); // SIPp binds its port
  await a.page.getByTestId('dial-input').fill('+390298765432');
  await a.page.getByTestId('dial-call').click();
  const out = a.card({ direction: 'outbound' });
  await expect(out).toHaveAttribute('data-state', 'active', { timeout: 15_000 });
  await expectAgentHears(out);
  const heard = await trunkHears(lab, t.mediaPort);
  expect(heard.packets).toBeGreaterThanOrEqual(50);
  expect(heard.level).toBeGreaterThan(0.001);
  await a.shot('trunk-call-out');
  await out.getByTestId('call-hangup').click();
  await expect(out).toHaveAttribute('data-state', 'ended', { timeout: 5000 });
  const run = await gw;
  expect(run.code, run.stderr.slice(-2000)).toBe(0);
  const seen = expectTrunkShapedSdp(run, 'agent call out');
  expect(seen.some((f) => f.startsWith('INVITE')), 'the INVITE to the trunk carried trunk-shaped SDP').toBe(true);
  await expectNoBridgeSessions(lab, 'an outbound call');
});

test('a blind transfer of a carrier call to another agent: the new agent hears the caller', async ({ agent, lab }) => {
  const a = await agent('1001');
  const b = await agent('1002');
  const t = trunkScenario('uac-trunk-audio', 40);
  const caller = '+390211112222';
  const first = lab.sipp({ scenario: 'custom', scenarioFile: t.file, csv: [trunkCallRow({ caller, target: '1001' })], extraArgs: ['-mp', String(t.mediaPort)], timeoutS: 60 });
  const talk = await answerRinging(a);
  await expectAgentHears(talk);

  await talk.getByTestId('call-transfer').click();
  await talk.getByTestId('call-transfer-target').fill('1002');
  await talk.getByTestId('call-transfer-blind').click();
  await expect(talk).toHaveAttribute('data-end-reason', 'transferred', { timeout: 10_000 });
  const r1 = await first;
  expect(r1.code, r1.stderr.slice(-2000)).toBe(0);
  // the carrier honours the REFER: a new call from the same caller to the Refer-To target
  const refer = parseMessageLog(r1.messageLog).find((m) => m.direction === 'received' && m.kind === 'REFER');
  expect(refer, 'the trunk received the REFER').toBeDefined();
  const target = /sip:([^@;>]+)@/.exec(refer!.header('Refer-To') ?? '')?.[1];
  expect(target).toBe('1002');
  await expectNoBridgeSessions(lab, 'the transferred leg ended');

  const t2 = trunkScenario('uac-trunk-audio', 40);
  const second = lab.sipp({ scenario: 'custom', scenarioFile: t2.file, csv: [trunkCallRow({ caller, target: target! })], extraArgs: ['-mp', String(t2.mediaPort)], timeoutS: 60 });
  const talkB = await answerRinging(b);
  await expect(talkB.getByTestId('call-number')).toContainText('02');
  await expectAgentHears(talkB);
  const heard = await trunkHears(lab, t2.mediaPort);
  expect(heard.packets).toBeGreaterThanOrEqual(50);
  await talkB.getByTestId('call-hangup').click();
  const r2 = await second;
  expect(r2.code, r2.stderr.slice(-2000)).toBe(0);
  await expectNoBridgeSessions(lab, 'the transfer');
});

test('an attended transfer to an outside number: the caller is joined to the trunk through the bridge, with audio', async ({ agent, lab }) => {
  const a = await agent('1001');
  const caller = await agent('1003');
  // the outside party (a SIPp gateway on the trunk): the consultation call, then the replacing call
  const t = trunkScenario('uas-trunk-audio', 60);
  test.setTimeout(120_000);
  const gw = lab.sipp({ scenario: 'custom', scenarioFile: t.file, localPort: lab.trunkPort, calls: 2, extraArgs: ['-mp', String(t.mediaPort)], timeoutS: 45 });
  await a.page.waitForTimeout(300);
  // 1003 calls 1001 (browser to browser, direct), 1001 answers
  await caller.page.getByTestId('dial-input').fill('1001');
  await caller.page.getByTestId('dial-call').click();
  const orig = await answerRinging(a);
  // 1001 consults the outside number (through the bridge), then completes the transfer
  await orig.getByTestId('call-transfer').click();
  await orig.getByTestId('call-transfer-target').fill('+390277778888');
  await orig.getByTestId('call-transfer-attended').click();
  const consult = a.card({ direction: 'outbound' });
  await expect(consult).toHaveAttribute('data-state', 'active', { timeout: 15_000 });
  await expectAgentHears(consult);
  await consult.getByTestId('call-transfer-complete').click();
  await expect(orig).toHaveAttribute('data-end-reason', 'transferred', { timeout: 10_000 });
  // the caller's new leg goes out through the trunk (INVITE with Replaces), anchored in the bridge
  const joined = caller.page.locator('[data-testid="call-card"][data-state="active"]');
  await expect(joined).toHaveCount(1, { timeout: 15_000 });
  await expectAgentHears(joined);
  const heard = await trunkHears(lab, t.mediaPort);
  expect(heard.packets, 'the trunk hears the caller').toBeGreaterThanOrEqual(50);
  await joined.getByTestId('call-hangup').click();
  const run = await gw;
  expect(run.code, run.stderr.slice(-2000)).toBe(0);
  const invites = parseMessageLog(run.messageLog).filter((m) => m.direction === 'received' && m.kind === 'INVITE' && !m.header('To')?.includes('tag='));
  expect(invites.length, 'two calls reached the trunk: the consultation and the replacing call').toBe(2);
  expect(invites[1]!.header('Replaces'), 'the second one replaces the consultation').toBeTruthy();
  // the gateway does not end the replaced consultation itself: the transferring agent does
  const byes = parseMessageLog(run.messageLog).filter((m) => m.direction === 'received' && m.kind === 'BYE');
  expect(byes.length, 'both calls at the trunk ended with a BYE').toBe(2);
  expectTrunkShapedSdp(run, 'attended transfer');
  await expectNoBridgeSessions(lab, 'the attended transfer');
});

test('a carrier that hangs up while ringing (CANCEL) leaves no media session in the bridge', async ({ agent, lab }) => {
  const a = await agent('1001');
  const run = lab.sipp({
    scenario: 'uac-invite-cancel',
    csv: [callRow({ caller: '+390233334444', target: '1001' })],
    pauseMs: 2500,
    timeoutS: 20,
  });
  await expect(a.card({ direction: 'inbound', state: 'ringing' })).toBeVisible({ timeout: 10_000 });
  expect(await lab.bridgeCalls(), 'the ringing call is anchored').toHaveLength(1);
  const r = await run;
  expect(r.code, r.stderr.slice(-2000)).toBe(0);
  await expectNoBridgeSessions(lab, 'CANCEL');
});

test('an offer nobody can answer (G.729 only): the call fails honestly and leaves nothing in the bridge', async ({ agent, lab }) => {
  const a = await agent('1001');
  const t = trunkScenario('uac-trunk-audio', 7);
  const run = lab.sipp({
    scenario: 'custom',
    scenarioFile: t.file,
    csv: [trunkCallRow({ caller: '+390255556666', target: '1001', codecs: '18', rtpmap: 'a=rtpmap:18 G729/8000' })],
    extraArgs: ['-mp', String(t.mediaPort)],
    timeoutS: 20,
  });
  const ring = a.card({ direction: 'inbound', state: 'ringing' });
  await expect(ring).toBeVisible({ timeout: 10_000 });
  const id = (await ring.getAttribute('data-call-id'))!;
  await ring.getByTestId('call-answer').click();
  const card = a.page.locator(`[data-testid="call-card"][data-call-id="${id}"]`);
  await expect(card).toHaveAttribute('data-state', 'ended', { timeout: 10_000 });
  await expect(card).toHaveAttribute('data-end-reason', 'failed');
  await a.shot('trunk-call-failed');
  const r = await run;
  // the trunk gets a final failure, not a 200
  const finals = parseMessageLog(r.messageLog).filter((m) => m.direction === 'received' && /^SIP\/2\.0 [2-6]\d\d/.test(m.firstLine)).map((m) => m.kind);
  expect(finals.some((k) => /^[4-6]/.test(k)), `final replies at the trunk: ${finals.join(', ')}`).toBe(true);
  expect(finals).not.toContain('200');
  await expect.poll(async () => (await listCalls(lab)).find((c) => c.callId === id)?.outcome).toBe('failed');
  await expectNoBridgeSessions(lab, 'a failed call');
});
