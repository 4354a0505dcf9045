// Honest failures (issue 19): a call the softphone could not answer or place says so on its card
// ("Could not connect audio: …") and is recorded `failed` with the reason (host listCalls and
// `pronto calls`), never as "caller hung up". Real Kamailio, real SIPp, Chromium through the web
// host. The inbound offer is one nobody can answer (G.729 only over plain RTP/AVP): without a
// media bridge the browser refuses it for want of DTLS, with one for want of a common codec.
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseMessageLog, registerRow } from '../test-support/sipp/sipp';
import { REPO_ROOT } from './support/server';
import { SHOTS_DIR } from './support/shots';
import { callRow, cliCalls, customerToCall, expect, listCalls, test, type CallRecordLite } from './support/telephony';

test.describe.configure({ mode: 'serial' });

const UNANSWERABLE = join(REPO_ROOT, 'e2e/support/sipp/uac-invite-unanswerable.xml');
const REFUSE_488 = join(REPO_ROOT, 'e2e/support/sipp/uas-refuse-488.xml');
/** Screenshots for people to look at (also attached to the report by agent.shot). */
const OUT = SHOTS_DIR;

type Recorded = CallRecordLite & { failureReason: string | null };
const used = new Set<string>();

test('an offer nobody can answer: the card says "Could not connect audio", 488 to the caller, recorded failed with why', async ({ agent, lab, labFeeds }) => {
  const a = await agent('1001');
  const c = customerToCall(labFeeds, lab.region, used);
  const sipp = lab.sipp({ scenario: 'custom', scenarioFile: UNANSWERABLE, remote: lab.udpPort, csv: [callRow({ caller: c.national, target: '1001' })], timeoutS: 30 });

  const card = a.card({ state: 'ringing' });
  await expect(card).toBeVisible({ timeout: 10_000 });
  await expect(a.pop()).toHaveAttribute('data-customer-id', c.customer.customerId);
  const callId = (await card.getAttribute('data-call-id'))!;
  await card.getByTestId('call-answer').click();

  const ended = a.page.locator(`[data-testid="call-card"][data-call-id="${callId}"]`);
  await expect(ended).toHaveAttribute('data-state', 'ended', { timeout: 10_000 });
  await expect(ended).toHaveAttribute('data-end-reason', 'failed');
  const reason = ended.getByTestId('call-end-reason');
  await expect(reason).toHaveText(/^Could not connect audio: \S/);
  await expect(reason).not.toContainText('hung up');
  // no DTLS without a bridge; no codec in common with one: either way the offer was the problem
  await expect(reason).toHaveAttribute('data-failure', /^(no-dtls|codec)$/);
  await a.shot('call-failed-inbound');
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'call-failed-inbound.png'), await a.page.screenshot());

  // the caller was told honestly: 488 Not Acceptable Here, not 480 Temporarily Unavailable
  const r = await sipp;
  expect(r.code, r.stderr).toBe(0);
  const finals = parseMessageLog(r.messageLog).filter((m) => m.direction === 'received' && /^[3-6]\d\d$/.test(m.kind)).map((m) => m.firstLine);
  expect(finals).toEqual([expect.stringMatching(/^SIP\/2\.0 488 /)]);

  // recorded failed, with the reason: through the host and through the CLI
  await expect
    .poll(async () => ((await listCalls(lab)) as Recorded[]).find((x) => x.callId === callId))
    .toMatchObject({ direction: 'inbound', outcome: 'failed', customerId: c.customer.customerId, failureReason: expect.stringMatching(/DTLS|codec/) });
  const fromCli = ((await cliCalls(lab)) as Recorded[]).find((x) => x.callId === callId)!;
  expect(fromCli).toMatchObject({ outcome: 'failed', failureReason: expect.stringMatching(/DTLS|codec/) });
  const text = await lab.cli(['calls', '--limit', '50']);
  const line = text.split('\n').find((l) => l.includes(c.customer.customerId) && l.includes('failed'));
  expect(line, text).toContain(`(${fromCli.failureReason})`);

  // the same card in Italian
  await a.page.getByTestId('lang-switch').locator('[data-lang="it"]').click();
  await expect(reason).toHaveText(/^Impossibile collegare l'audio: \S/);
  writeFileSync(join(OUT, 'call-failed-inbound-it.png'), await a.page.screenshot());
  await a.page.getByTestId('lang-switch').locator('[data-lang="en"]').click();
});

test('an outbound call the far end refuses with 488: "Could not connect audio", recorded failed with the status', async ({ agent, lab }) => {
  const a = await agent('1001');
  // a SIPp phone registered as 1002 that refuses every offer (a loopback port of the lab's namespace)
  const port = 27_000 + Math.floor(Math.random() * 2_000);
  const reg = await lab.sipp({ scenario: 'register-auth', remote: lab.udpPort, localPort: port, csv: [registerRow('1002')], timeoutS: 10 });
  expect(reg.code, reg.stderr).toBe(0);
  try {
    const uas = lab.sipp({ scenario: 'custom', scenarioFile: REFUSE_488, localPort: port, timeoutS: 30 });
    await a.page.getByTestId('dial-input').fill('1002');
    await a.page.getByTestId('dial-call').click();
    const out = a.card({ direction: 'outbound' });
    await expect(out).toBeVisible();
    const callId = (await out.getAttribute('data-call-id'))!;
    const card = a.page.locator(`[data-testid="call-card"][data-call-id="${callId}"]`);
    await expect(card).toHaveAttribute('data-state', 'ended', { timeout: 10_000 });
    await expect(card).toHaveAttribute('data-end-reason', 'failed');
    await expect(card.getByTestId('call-end-reason')).toHaveText('Could not connect audio: the other side refused it (488 Not Acceptable Here)');
    await a.shot('call-failed-outbound');
    writeFileSync(join(OUT, 'call-failed-outbound.png'), await a.page.screenshot());
    const u = await uas;
    expect(u.code, u.stderr).toBe(0);

    await expect
      .poll(async () => ((await listCalls(lab)) as Recorded[]).find((x) => x.callId === callId))
      .toMatchObject({ direction: 'outbound', outcome: 'failed', failureReason: 'the other side refused the call: 488 Not Acceptable Here' });
    expect(((await cliCalls(lab)) as Recorded[]).find((x) => x.callId === callId)).toMatchObject({ outcome: 'failed', failureReason: 'the other side refused the call: 488 Not Acceptable Here' });
  } finally {
    // 1002 is a browser agent in other specs: take the SIPp contact away again
    await lab.sipp({ scenario: 'register-auth', remote: lab.udpPort, localPort: port, csv: [registerRow('1002', undefined, 0)], timeoutS: 10 }).catch(() => {});
  }
});
