// Answered calls between sip.js softphones (one Chromium page per agent) through the real
// Kamailio, with media VERIFIED: RTCPeerConnection.getStats() inbound-rtp packetsReceived
// (shown on each call card as data-rtp-in) must grow on both sides. Real RTP on loopback needs
// the lab's network namespace (only `lo`) and --allow-loopback-in-peer-connection; without a
// namespace (not root) these tests are skipped rather than faked.
import type { Locator } from '@playwright/test';
import { customerToCall, expect, listCalls, ringAndCancel, test, type Agent } from './support/telephony';

test.describe.configure({ mode: 'serial' });

const used = new Set<string>();

test.beforeEach(({ lab }) => {
  test.skip(!lab.netns, 'no network namespace (needs root): Chromium sends no RTP over loopback outside one, and media is not faked');
});

async function rtpIn(card: Locator): Promise<number> {
  const v = await card.getAttribute('data-rtp-in');
  return v ? Number(v) : 0;
}

/** Packets received by this side grow by at least `min` within `ms`. */
async function expectRtpFlowing(card: Locator, min = 40, ms = 2000): Promise<void> {
  await expect.poll(() => rtpIn(card), { timeout: 10_000 }).toBeGreaterThan(0);
  const a = await rtpIn(card);
  await card.page().waitForTimeout(ms);
  const b = await rtpIn(card);
  expect(b - a, `inbound RTP packets in ${ms} ms (was ${a}, now ${b})`).toBeGreaterThanOrEqual(min);
}

/** Inbound RTP stops (allowing the re-INVITE to settle): ≤ 3 packets in a 2 s window, within 4 windows. */
async function expectRtpStopped(card: Locator, ms = 2000): Promise<void> {
  let delta = Infinity;
  let seen = '';
  for (let i = 0; i < 4 && delta > 3; i++) {
    await card.page().waitForTimeout(i === 0 ? 700 : 0); // in-flight packets and the 1 s stats poll
    const a = await rtpIn(card);
    await card.page().waitForTimeout(ms);
    const b = await rtpIn(card);
    delta = b - a;
    seen += ` ${a}→${b}`;
  }
  expect(delta, `inbound RTP packets per ${ms} ms while held:${seen}`).toBeLessThanOrEqual(3);
}

/** Every card of every agent (state, direction, end reason, number), for failure messages. */
async function cardsOf(agents: Record<string, Agent>): Promise<string> {
  const out: string[] = [];
  for (const [name, ag] of Object.entries(agents)) {
    const cards = await ag.cards().evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-direction')}/${e.getAttribute('data-state')}/${e.getAttribute('data-end-reason') || '-'}/${e.querySelector('[data-testid="call-number"]')?.textContent ?? ''}`),
    );
    out.push(`${name}: [${cards.join(', ')}]`);
  }
  return out.join('; ');
}

async function dial(from: Agent, target: string): Promise<Locator> {
  await from.page.getByTestId('dial-input').fill(target);
  await from.page.getByTestId('dial-call').click();
  return from.card({ direction: 'outbound' });
}

/** `caller` dials `callee`'s extension and `callee` answers: both legs active. */
async function callAndAnswer(caller: Agent, callee: Agent): Promise<{ out: Locator; talk: Locator; id: string }> {
  const out = await dial(caller, callee.user);
  const ring = callee.card({ direction: 'inbound', state: 'ringing' });
  await expect(ring).toBeVisible({ timeout: 5000 });
  const id = (await ring.getAttribute('data-call-id'))!;
  await ring.getByTestId('call-answer').click();
  const talk = callee.page.locator(`[data-testid="call-card"][data-call-id="${id}"]`);
  await expect(talk).toHaveAttribute('data-state', 'active', { timeout: 10_000 });
  await expect(out).toHaveAttribute('data-state', 'active', { timeout: 10_000 });
  return { out, talk, id };
}

test('answered call between two softphones: media flows both ways, hold/resume, mute, DTMF, hang-up', async ({ agent, lab }) => {
  const a = await agent('1001');
  const caller = await agent('1003');

  const out = await dial(caller, '1001');
  const inbound = a.card({ direction: 'inbound', state: 'ringing' });
  await expect(inbound).toBeVisible({ timeout: 5000 });
  await expect(inbound.getByTestId('call-line')).toHaveText('Line 1001');
  await expect(inbound.getByTestId('call-number')).toHaveText('1003');
  await expect(out).toHaveAttribute('data-state', 'ringing');

  await inbound.getByTestId('call-answer').click();
  const talk = a.card({ direction: 'inbound' });
  await expect(talk).toHaveAttribute('data-state', 'active', { timeout: 10_000 });
  await expect(out).toHaveAttribute('data-state', 'active', { timeout: 10_000 });

  // media: RTP arrives on both sides
  await expectRtpFlowing(talk);
  await expectRtpFlowing(out);
  await expect(talk.getByTestId('call-timer')).not.toHaveText('0:00');
  await a.shot('active-call');

  // audio devices: the (fake) microphone is listed; a chosen speaker is applied to the call's audio
  await a.page.getByTestId('sip-settings-toggle').click();
  const inputs = a.page.getByTestId('sip-input-device').locator('option');
  await expect.poll(() => inputs.count()).toBeGreaterThan(1);
  const outputs = a.page.getByTestId('sip-output-device').locator('option');
  if ((await outputs.count()) > 1 && (await a.page.getByTestId('sip-output-device').isEnabled())) {
    const id = (await outputs.nth(1).getAttribute('value'))!;
    await a.page.getByTestId('sip-output-device').selectOption(id);
    await expect.poll(() => a.page.locator('[data-testid="call-audio"]').first().evaluate((el) => (el as unknown as { sinkId: string }).sinkId)).toBe(id);
  }
  await a.page.getByTestId('sip-settings-toggle').click();

  // hold (re-INVITE, sendonly): the held side stops sending, so nothing more reaches us
  await talk.getByTestId('call-hold').click();
  await expect(talk).toHaveAttribute('data-state', 'held', { timeout: 5000 });
  await expectRtpStopped(talk);
  await a.shot('held-call');
  // resume: media is back
  await talk.getByTestId('call-hold').click();
  await expect(talk).toHaveAttribute('data-state', 'active', { timeout: 5000 });
  await expectRtpFlowing(talk);

  // mute: our track is disabled: packets keep flowing (silence), the other side hears nothing
  const energy = async () => Number((await out.getAttribute('data-energy-in')) || 0);
  const heard = async (ms: number) => {
    const e0 = await energy();
    await a.page.waitForTimeout(ms);
    return (await energy()) - e0;
  };
  const audible = await heard(2500);
  expect(audible, 'the caller hears our (fake) microphone').toBeGreaterThan(0);
  await talk.getByTestId('call-mute').click();
  await expect(talk).toHaveAttribute('data-muted', 'true');
  await a.page.waitForTimeout(1200);
  const muted = await heard(2500);
  expect(muted, `the caller hears (next to) nothing while we are muted (${muted} vs ${audible} unmuted)`).toBeLessThan(audible / 100);
  await expectRtpFlowing(out);
  await talk.getByTestId('call-mute').click();
  await expect(talk).toHaveAttribute('data-muted', 'false');
  await a.page.waitForTimeout(1200);
  expect(await heard(2500), 'audible again after unmute').toBeGreaterThan(audible / 10);

  // DTMF over RTP (RFC 4733): a tone counts once the RTCDTMFSender has played it into the stream
  await talk.getByTestId('call-dtmf').click();
  for (const k of ['1', '2', '3', '#']) await talk.locator(`[data-testid="call-dtmf-key"][data-key="${k}"]`).click();
  await expect(talk).toHaveAttribute('data-dtmf-sent', '123#', { timeout: 5000 });

  // hang up: both cards end, the call is recorded as answered on both sides
  const inboundId = (await talk.getAttribute('data-call-id'))!;
  const outboundId = (await out.getAttribute('data-call-id'))!;
  expect(inboundId).toBe(outboundId); // same SIP Call-ID end to end
  await talk.getByTestId('call-hangup').click();
  await expect(talk).toHaveAttribute('data-state', 'ended', { timeout: 5000 });
  await expect(talk).toHaveAttribute('data-end-reason', 'ended');
  await expect(out).toHaveAttribute('data-state', 'ended', { timeout: 5000 });
  await expect(out).toHaveAttribute('data-end-reason', 'ended');
  // Both agents share the lab's one web host and store (in the field each agent has its own):
  // the call is one row there, recorded when the caller dialled, answered, then ended.
  await expect.poll(async () => (await listCalls(lab)).find((c) => c.callId === inboundId)?.outcome).toBe('answered');
});

test('a peer without RFC 4733 telephone-events: DTMF falls back to SIP INFO and the other side reads the digits', async ({ agent }) => {
  const a = await agent('1001');
  const caller = await agent('1003');
  // this browser cannot send telephone-events (no RTCDTMFSender), like some SIP phones and gateways
  await caller.page.addInitScript("Object.defineProperty(RTCRtpSender.prototype, 'dtmf', { get: () => null, configurable: true });");
  await caller.page.reload();
  await expect(caller.badge()).toHaveAttribute('data-state', 'registered', { timeout: 15_000 });

  const { out, talk } = await callAndAnswer(caller, a);

  await out.getByTestId('call-dtmf').click();
  for (const k of ['4', '2', '*']) await out.locator(`[data-testid="call-dtmf-key"][data-key="${k}"]`).click();
  // sent = each INFO answered 200 by the far end; received = parsed from the INFO bodies there
  await expect(out).toHaveAttribute('data-dtmf-sent', '42*', { timeout: 5000 });
  await expect(talk).toHaveAttribute('data-dtmf-received', '42*', { timeout: 5000 });

  await talk.getByTestId('call-hangup').click();
  await expect(out).toHaveAttribute('data-state', 'ended', { timeout: 5000 });
});

test('two calls ring at once: one card each; answering one pins its pop while the other rings', async ({ agent, lab, labFeeds }) => {
  const a = await agent('1001');
  const caller = await agent('1003');
  const { out, talk: firstCard } = await callAndAnswer(caller, a);
  await expect(a.pop()).toHaveAttribute('data-customer-id', '');

  // a customer calls while we talk: their card rings with their name, our pop stays pinned
  const c = customerToCall(labFeeds, lab.region, used);
  const sipp = ringAndCancel(lab, { caller: c.national, target: '1001', ringMs: 6000 });
  const ringing = a.page.locator(`[data-testid="call-card"][data-state="ringing"][data-customer-id="${c.customer.customerId}"]`);
  await expect(ringing).toBeVisible({ timeout: 5000 });
  const second = a.page.locator(`[data-testid="call-card"][data-call-id="${await ringing.getAttribute('data-call-id')}"]`);
  await expect(second.getByTestId('call-name')).toHaveText(c.customer.name);
  await expect(a.cards()).toHaveCount(2);
  await a.page.waitForTimeout(300);
  await expect(a.pop()).toHaveAttribute('data-customer-id', '');
  await expect(firstCard).toHaveAttribute('data-shown', 'true');
  await a.shot('call-waiting-pinned');
  // the agent looks at the waiting caller on purpose
  await second.getByTestId('call-show-pop').click();
  await expect(a.pop()).toHaveAttribute('data-customer-id', c.customer.customerId);
  expect((await sipp).code).toBe(0);
  await firstCard.getByTestId('call-hangup').click();
  await expect(out).toHaveAttribute('data-state', 'ended', { timeout: 5000 });
});

test('blind transfer: the caller follows the REFER to another agent, media flows there', async ({ agent }) => {
  const a = await agent('1001');
  const b = await agent('1002');
  const caller = await agent('1003');
  const { talk } = await callAndAnswer(caller, a);

  await talk.getByTestId('call-transfer').click();
  await talk.getByTestId('call-transfer-target').fill('1002');
  await talk.getByTestId('call-transfer-blind').click();
  await expect(talk).toHaveAttribute('data-state', 'ended', { timeout: 10_000 });
  await expect(talk).toHaveAttribute('data-end-reason', 'transferred');

  const atB = b.card({ direction: 'inbound', state: 'ringing' });
  await expect(atB).toBeVisible({ timeout: 10_000 });
  await expect(atB.getByTestId('call-number')).toHaveText('1003');
  await atB.getByTestId('call-answer').click();
  const talkB = b.card({ direction: 'inbound' });
  await expect(talkB).toHaveAttribute('data-state', 'active', { timeout: 10_000 });
  await expectRtpFlowing(talkB);
  const callerLeg = caller.page.locator('[data-testid="call-card"][data-state="active"]');
  await expect(callerLeg).toHaveCount(1);
  await expectRtpFlowing(callerLeg);
  await talkB.getByTestId('call-hangup').click();
  await expect(callerLeg).toHaveCount(0, { timeout: 10_000 });
});

test('attended transfer: consult the target, then REFER with Replaces joins caller and target', async ({ agent }) => {
  const a = await agent('1001');
  const b = await agent('1002');
  const caller = await agent('1003');
  const { talk: orig } = await callAndAnswer(caller, a);

  await orig.getByTestId('call-transfer').click();
  await orig.getByTestId('call-transfer-target').fill('1002');
  await orig.getByTestId('call-transfer-attended').click();
  await expect(orig).toHaveAttribute('data-state', 'held', { timeout: 5000 });
  await expect(orig).toHaveAttribute('data-transfer', 'consulting');

  // B gets the consultation call from A, answers, they talk
  const consultAtB = b.card({ direction: 'inbound', state: 'ringing' });
  await expect(consultAtB).toBeVisible({ timeout: 10_000 });
  await expect(consultAtB.getByTestId('call-number')).toHaveText('1001');
  await consultAtB.getByTestId('call-answer').click();
  const consult = a.card({ direction: 'outbound' });
  await expect(consult).toHaveAttribute('data-state', 'active', { timeout: 10_000 });
  await a.shot('attended-transfer-consulting');

  await consult.getByTestId('call-transfer-complete').click();
  await expect(orig).toHaveAttribute('data-end-reason', 'transferred', { timeout: 10_000 });
  await expect(consult).toHaveAttribute('data-state', 'ended', { timeout: 10_000 });

  // B now talks to the caller (the replacing call was taken at once), with media
  const joined = b.page.locator('[data-testid="call-card"][data-state="active"]');
  await expect(joined, await cardsOf({ a, b, caller })).toHaveCount(1, { timeout: 10_000 }).catch(async (e: Error) => {
    throw new Error(`${e.message}\ncards now: ${await cardsOf({ a, b, caller })}`);
  });
  await expect(joined.getByTestId('call-number')).toHaveText('1003');
  await expectRtpFlowing(joined);
  const callerLeg = caller.page.locator('[data-testid="call-card"][data-state="active"]');
  await expect(callerLeg).toHaveCount(1);
  await expectRtpFlowing(callerLeg);
  await joined.getByTestId('call-hangup').click();
  await expect(callerLeg).toHaveCount(0, { timeout: 10_000 });
});
