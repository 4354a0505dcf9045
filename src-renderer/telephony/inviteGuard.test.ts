// sip.js dropped an INVITE whose From display name held a control character, silently (the
// caller heard ringing until a 408, ~30 s; the agent saw nothing). Through the guard the call
// reaches onInvite at once; an INVITE sip.js still cannot parse is answered 400 at once. Shown
// with a real sip.js UserAgent over an in-memory transport (the PBX side: test-int/edge.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import type { Invitation, UserAgent } from 'sip.js';
import { callerIdentity } from '../../src-shared/telephony/identity';
import { inviteText } from '../../test-support/telephony/adversarial-invite';
import { memoryAgent, type MemoryTransport } from '../../test-support/telephony/memory-transport';
import { badRequestFor, guardIncoming, sanitizeHead } from './inviteGuard';
import { headersOf } from './sipMessages';

const agents: UserAgent[] = [];
afterEach(async () => {
  for (const ua of agents.splice(0)) await ua.stop().catch(() => {});
});

async function agent(guarded: boolean): Promise<{ invites: Invitation[]; transport: MemoryTransport; deliver: (m: string) => void }> {
  const invites: Invitation[] = [];
  const { ua, transport } = await memoryAgent({ delegate: { onInvite: (i) => invites.push(i) } });
  agents.push(ua);
  const own = transport.onMessage!;
  if (guarded) transport.onMessage = guardIncoming(transport, own);
  return { invites, transport, deliver: (m) => transport.onMessage!(m) };
}

const CONTROL_FROM = inviteText({ From: '"Evil\u0007 \u0000Corp\u001b" <sip:0287654321@127.0.0.1>;tag=f1', To: '<sip:1001@127.0.0.1>' }, 'ctl-1@127.0.0.1');
const sentCodes = (t: MemoryTransport): number[] => t.sent.map((m) => Number(m.slice(8, 11)));

describe('an INVITE with control characters in the From display name', () => {
  it('sip.js alone drops it without a word (the bug)', async () => {
    const { invites, transport, deliver } = await agent(false);
    deliver(CONTROL_FROM);
    await new Promise((r) => setTimeout(r, 200));
    expect(invites).toHaveLength(0);
    expect(transport.sent).toEqual([]);
  });

  it('through the guard: rings at once, the name cleaned', async () => {
    const { invites, transport, deliver } = await agent(true);
    deliver(CONTROL_FROM);
    await expect.poll(() => invites.length, { timeout: 1000 }).toBe(1); // sip.js hands it over a tick later
    const who = callerIdentity(headersOf(invites[0]!.request).headers);
    expect(who).toMatchObject({ identity: 'sip:0287654321@127.0.0.1', display: 'Evil Corp', withheld: false });
    expect(sentCodes(transport)).toContain(180);
  });

  it('an INVITE sip.js still cannot parse is answered 400 at once, on its own transaction', async () => {
    const { invites, transport, deliver } = await agent(true);
    const broken = inviteText({ From: '"never closed <sip:02@127.0.0.1>;tag=f2', To: '<sip:1001@127.0.0.1>' }, 'broken-1@127.0.0.1');
    deliver(broken);
    await new Promise((r) => setTimeout(r, 200));
    expect(invites).toHaveLength(0);
    expect(sentCodes(transport)).toEqual([400]);
    // its own Via (branch), Call-ID, CSeq and From, a To with a tag: the PBX matches it to the INVITE
    const lines = transport.sent[0]!.split('\r\n');
    expect(lines[0]).toBe('SIP/2.0 400 Bad Request');
    expect(lines).toContain('Via: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bK1f2.0;rport');
    expect(lines).toContain('Call-ID: broken-1@127.0.0.1');
    expect(lines).toContain('CSeq: 1 INVITE');
    expect(lines).toContain('From: "never closed <sip:02@127.0.0.1>;tag=f2');
    expect(lines.find((l) => l.startsWith('To: '))).toMatch(/^To: <sip:1001@127\.0\.0\.1>;tag=[0-9a-f]{16}$/);
  });
});

describe('sanitizeHead', () => {
  it('leaves a clean message as it is (same string)', () => {
    const m = inviteText({ From: '"Zoë\tRossi" <sip:02@t>;tag=1' });
    expect(sanitizeHead(m)).toBe(m);
  });

  it('drops controls and bare CR/LF from the head only, never from the body', () => {
    const m = 'INVITE sip:a@b SIP/2.0\r\nFrom: "a\u0001b\nc\rd" <sip:1@t>\r\n\r\nbody\u0001\n';
    expect(sanitizeHead(m)).toBe('INVITE sip:a@b SIP/2.0\r\nFrom: "abcd" <sip:1@t>\r\n\r\nbody\u0001\n');
  });
});

describe('badRequestFor', () => {
  it('needs the headers a reply must copy; only for INVITEs', () => {
    expect(badRequestFor('INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n')).toBeNull();
    expect(badRequestFor(CONTROL_FROM.replace(/^INVITE/, 'OPTIONS'))).toBeNull();
    const r = badRequestFor(CONTROL_FROM)!;
    expect(r.startsWith('SIP/2.0 400 Bad Request\r\nVia: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bK1f2.0;rport\r\n')).toBe(true);
  });
});
