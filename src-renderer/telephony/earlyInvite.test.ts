// The early lookup reads the caller from the raw INVITE text; it must name the same caller as
// sip.js's parsed message would (the softphone uses the early answer only when they agree, so a
// disagreement costs speed, not correctness, but it should not happen on real traffic).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Core } from 'sip.js';
import { callerIdentity } from '../../src-shared/telephony/identity';
import { EarlyLookups, IDENTITY_HEADERS, readRawInvite } from './earlyInvite';
import { adversarialHeaders, inviteText, KNOWN_WORST, leastMs } from '../../test-support/telephony/adversarial-invite';

const logger = new Core.LoggerFactory().getLogger('test');

function invite(headers: string[], { ruri = 'sip:1001@127.0.0.1:8080;transport=ws', callId = 'abc-1@127.0.0.1' } = {}): string {
  return [
    `INVITE ${ruri} SIP/2.0`,
    'Via: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bK1f2.0;rport',
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1-0;received=127.0.0.1',
    'Max-Forwards: 69',
    ...headers,
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    'Contact: <sip:sipp@127.0.0.1:5070>',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** What onInvite computes: callerIdentity of the headers sip.js parsed. */
function viaSipJs(raw: string): { callId: string; identity: string; withheld: boolean } {
  const msg = Core.Parser.parseMessage(raw, logger) as Core.IncomingRequestMessage | undefined;
  if (!msg) throw new Error('sip.js did not parse the message');
  const headers: Record<string, string[]> = {};
  for (const name of IDENTITY_HEADERS) {
    const values = msg.getHeaders(name);
    if (values.length) headers[name] = values;
  }
  const who = callerIdentity(headers, String(msg.ruri));
  return { callId: msg.callId, identity: who.identity, withheld: who.withheld };
}

const CASES: [string, string[]][] = [
  ['plain From', ['From: <sip:0287654321@127.0.0.1>;tag=1', 'To: <sip:1001@127.0.0.1>']],
  ['display name', ['From: "Rossi, Mario" <sip:+390212345678@127.0.0.1>;tag=2', 'To: "Agent" <sip:1001@127.0.0.1>']],
  ['P-Asserted-Identity wins', ['From: <sip:anonymous@anonymous.invalid>;tag=3', 'To: <sip:1001@127.0.0.1>', 'P-Asserted-Identity: <tel:+390612345678>']],
  ['Remote-Party-ID', ['From: <sip:1@127.0.0.1>;tag=4', 'To: <sip:600@127.0.0.1>', 'Remote-Party-ID: "Bianchi" <sip:0612345678@127.0.0.1>;party=calling;privacy=off']],
  ['Privacy: id', ['From: <sip:0287654321@127.0.0.1>;tag=5', 'To: <sip:1001@127.0.0.1>', 'Privacy: id']],
  ['compact forms', ['f: <sip:0287654321@127.0.0.1>;tag=6', 't: <sip:1001@127.0.0.1>']],
  ['folded header', ['From: "Verdi"', ' <sip:0287654321@127.0.0.1>;tag=7', 'To: <sip:1001@127.0.0.1>']],
  ['forwarded', ['From: <sip:0287654321@127.0.0.1>;tag=8', 'To: <sip:1001@127.0.0.1>', 'Diversion: <sip:1002@127.0.0.1>;reason=no-answer']],
  ['anonymous From', ['From: "Anonymous" <sip:anonymous@anonymous.invalid>;tag=9', 'To: <sip:1001@127.0.0.1>']],
];

describe('readRawInvite', () => {
  it.each(CASES)('%s: the same caller as sip.js reads', (_name, headers) => {
    const raw = invite(headers);
    expect(readRawInvite(raw)).toEqual(viaSipJs(raw));
  });

  it('agrees with sip.js on generated callers (numbers, display names, PAI)', () => {
    const digits = fc.stringMatching(/^\+?[0-9]{6,14}$/);
    const display = fc.stringMatching(/^[A-Za-z ,.'-]{0,30}$/);
    fc.assert(
      fc.property(digits, display, fc.option(digits), fc.boolean(), (from, name, pai, privacy) => {
        const headers = [`From: "${name}" <sip:${from}@127.0.0.1>;tag=x1`, 'To: <sip:1001@127.0.0.1>'];
        if (pai) headers.push(`P-Asserted-Identity: <sip:${pai}@127.0.0.1>`);
        if (privacy) headers.push('Privacy: id');
        const raw = invite(headers);
        expect(readRawInvite(raw)).toEqual(viaSipJs(raw));
      }),
      { numRuns: 200 },
    );
  });

  it('is null for what is not a new call', () => {
    const withTag = invite(['From: <sip:02@127.0.0.1>;tag=1', 'To: <sip:1001@127.0.0.1>;tag=our-tag']);
    expect(readRawInvite(withTag)).toBeNull(); // re-INVITE inside a dialog
    expect(readRawInvite(invite(['From: <sip:02@127.0.0.1>;tag=1']).replace(/^INVITE /, 'OPTIONS '))).toBeNull();
    expect(readRawInvite('SIP/2.0 180 Ringing\r\nCall-ID: x\r\n\r\n')).toBeNull();
    expect(readRawInvite(invite(['From: <sip:02@127.0.0.1>;tag=1']).replace(/Call-ID: .*\r\n/, ''))).toBeNull();
    expect(readRawInvite('INVITE garbage')).toBeNull();
    // a tag inside the To URI's own parameters is not a dialog tag
    expect(readRawInvite(invite(['From: <sip:02@127.0.0.1>;tag=1', 'To: <sip:1001@127.0.0.1;tag=odd>']))?.callId).toBe('abc-1@127.0.0.1');
  });

  it('survives hostile text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (junk) => {
        const r = readRawInvite(`INVITE ${junk}\r\nCall-ID: c\r\nFrom: ${junk}\r\n\r\n`);
        expect(r === null || typeof r.identity === 'string').toBe(true);
      }),
    );
  });
});

describe('readRawInvite on adversarial INVITEs takes linear time', () => {
  // ~100× the time a hostile INVITE takes here; the old URI regex took 100+ ms per 8 KB header.
  const BOUND_MS = 25;

  it('generated hostile INVITEs (property), the review\'s shapes first', () => {
    readRawInvite(inviteText(KNOWN_WORST[0]!)); // warm up
    fc.assert(
      fc.property(adversarialHeaders, (headers) => {
        const raw = inviteText(headers);
        expect(leastMs(() => readRawInvite(raw))).toBeLessThan(BOUND_MS);
      }),
      { numRuns: 150, examples: KNOWN_WORST.map((h) => [h]) },
    );
  });
});

describe('EarlyLookups', () => {
  const raw = (callId: string, identity: string, withheld = false) => ({ callId, identity, withheld });

  it('hands the lookup to the call that asks for the same caller, once', async () => {
    const early = new EarlyLookups<string>();
    let started = 0;
    early.start(raw('c1', '0287654321'), 100, async () => `result ${++started}`);
    early.start(raw('c1', '0287654321'), 101, async () => `result ${++started}`); // retransmission
    expect(started).toBe(1);
    const got = early.take('c1', '0287654321');
    expect(got?.at).toBe(100);
    expect(await got?.promise).toBe('result 1');
    expect(early.take('c1', '0287654321')).toBeNull();
  });

  it('drops the lookup when sip.js reads another caller, and never looks up a withheld one', () => {
    const early = new EarlyLookups<string>();
    early.start(raw('c1', '0287654321'), 0, async () => 'x');
    expect(early.take('c1', '+390287654321')).toBeNull();
    expect(early.size).toBe(0);
    let started = 0;
    early.start(raw('c2', '', true), 0, async () => String(++started));
    early.start(raw('c3', ''), 0, async () => String(++started));
    expect(started).toBe(0);
  });

  it('forgets lookups no call took (sip.js dropped the INVITE)', () => {
    const early = new EarlyLookups<string>();
    early.start(raw('old', '1'), 0, async () => 'x');
    early.start(raw('new', '2'), 20_000, async () => 'y');
    expect(early.size).toBe(1);
    expect(early.take('old', '1')).toBeNull();
    expect(early.take('new', '2')).not.toBeNull();
  });

  it('a failed early lookup rejects only for its taker (no unhandled rejection)', async () => {
    const early = new EarlyLookups<string>();
    early.start(raw('c1', '1'), 0, () => Promise.reject(new Error('host down')));
    await new Promise((r) => setTimeout(r, 0));
    await expect(early.take('c1', '1')!.promise).rejects.toThrow('host down');
  });
});
