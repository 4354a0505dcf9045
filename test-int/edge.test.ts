/**
 * The PBX edge (deploy/kamailio/edge.cfg) with REAL Kamailio: oversized requests refused with 513
 * before they reach an agent, an agent's WebSocket surviving the largest reply it may have to
 * send, REGISTER brute force banned, request floods banned. A raw UDP "trunk" and a minimal
 * SIP-over-WebSocket agent (ws + node:crypto digest) drive it, on free 127.0.0.1 ports.
 *
 *   npx vitest run test-int/edge.test.ts
 *
 * Measured without the edge (the dev PBX before edge.cfg): the 500-Via INVITE (27 KB) reached the
 * agent; its 180 repeating the 500 Vias passed tcp_rd_buf_size (16 KB), Kamailio closed the
 * agent's WebSocket, and the next call got 480.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startPbx, type PbxHandle } from '../test-support/pbx/pbx-process';
import { DEV_PASSWORD } from '../test-support/sipp/sipp';

let pbx: PbxHandle;
let trunk: Trunk;

const rnd = (n = 6): string => randomBytes(n).toString('hex');
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Sip {
  raw: string;
  status?: number;
  method?: string;
  header(name: string): string | undefined;
  headers(name: string): string[];
}

function parse(raw: string): Sip {
  const lines = (raw.split('\r\n\r\n')[0] ?? '').split('\r\n');
  const first = lines[0] ?? '';
  const values = (n: string): string[] => lines.slice(1).filter((l) => l.toLowerCase().startsWith(`${n.toLowerCase()}:`)).map((l) => l.slice(n.length + 1).trim());
  const reply = first.startsWith('SIP/2.0 ');
  return { raw, status: reply ? Number(first.split(' ')[1]) : undefined, method: reply ? undefined : first.split(' ')[0], header: (n) => values(n)[0], headers: values };
}

/** Messages as they arrive, and a wait for the first one matching. */
class Inbox {
  readonly all: Sip[] = [];
  private waiters: { pred: (m: Sip) => boolean; res: (m: Sip | null) => void }[] = [];
  push(m: Sip): void {
    this.all.push(m);
    const i = this.waiters.findIndex((w) => w.pred(m));
    if (i >= 0) this.waiters.splice(i, 1)[0]!.res(m);
  }
  /** The first message matching, or null after `ms`. */
  next(pred: (m: Sip) => boolean, ms = 3000): Promise<Sip | null> {
    const seen = this.all.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((res) => {
      const w = { pred, res };
      this.waiters.push(w);
      setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        res(null);
      }, ms);
    });
  }
}

class Trunk {
  readonly inbox = new Inbox();
  private constructor(readonly sock: Socket, readonly port: number) {
    sock.on('message', (d) => this.inbox.push(parse(d.toString())));
  }
  static async open(): Promise<Trunk> {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    return new Trunk(sock, sock.address().port);
  }
  send(text: string): void {
    this.sock.send(Buffer.from(text), pbx.udpPort, '127.0.0.1');
  }
  /** A trunk INVITE to `user`; extra Vias below ours, extra header lines. Returns its Call-ID. */
  invite(user: string, o: { vias?: number; extra?: string[] } = {}): string {
    const callId = `edge-${rnd()}`;
    const lower = Array.from({ length: o.vias ?? 0 }, (_, i) => `Via: SIP/2.0/UDP 10.${(i >> 8) & 255}.${i & 255}.1:5060;branch=z9hG4bK-up-${i}-${rnd(3)}`);
    this.send([
      `INVITE sip:${user}@127.0.0.1:${pbx.udpPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bK-${rnd()};rport`,
      ...lower,
      'Max-Forwards: 70',
      `From: "Edge test" <sip:+390212345678@127.0.0.1>;tag=${rnd(4)}`,
      `To: <sip:${user}@127.0.0.1>`,
      `Call-ID: ${callId}`,
      'CSeq: 1 INVITE',
      `Contact: <sip:trunk@127.0.0.1:${this.port}>`,
      ...(o.extra ?? []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'));
    return callId;
  }
  /** ACK of a final non-2xx reply (ends the transaction at the PBX). */
  ack(reply: Sip): void {
    const via = reply.headers('Via')[0] ?? '';
    this.send([`ACK sip:x@127.0.0.1:${pbx.udpPort} SIP/2.0`, `Via: ${via}`, 'Max-Forwards: 70', `From: ${reply.header('From')}`, `To: ${reply.header('To')}`, `Call-ID: ${reply.header('Call-ID')}`, 'CSeq: 1 ACK', 'Content-Length: 0', '', ''].join('\r\n'));
  }
  close(): void {
    this.sock.close();
  }
}

class Agent {
  readonly inbox = new Inbox();
  readonly host = `${rnd(4)}.invalid`;
  private cseq = 1;
  private readonly callId = rnd(8);
  closed = false;
  private constructor(readonly ws: WebSocket, readonly user: string) {
    ws.on('message', (d) => this.inbox.push(parse(d.toString())));
    ws.on('close', () => (this.closed = true));
  }
  static connect(user: string): Promise<Agent> {
    return new Promise((ok, fail) => {
      const ws = new WebSocket(pbx.wsUrl, 'sip');
      ws.once('open', () => ok(new Agent(ws, user)));
      ws.once('error', fail);
    });
  }
  send(lines: string[], body = ''): void {
    this.ws.send(`${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  private registerRequest(auth?: string): string {
    const branch = `z9hG4bK${rnd()}`;
    this.send([
      'REGISTER sip:127.0.0.1 SIP/2.0',
      `Via: SIP/2.0/WS ${this.host};branch=${branch}`,
      'Max-Forwards: 70',
      `To: <sip:${this.user}@127.0.0.1>`,
      `From: <sip:${this.user}@127.0.0.1>;tag=${rnd(4)}`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${this.cseq++} REGISTER`,
      `Contact: <sip:${this.user}@${this.host};transport=ws>;expires=600`,
      ...(auth ? [`Authorization: ${auth}`] : []),
    ]);
    return branch;
  }
  /** REGISTER answered with digest: the final reply's status, or null when unanswered. */
  async register(password = DEV_PASSWORD, ms = 2000): Promise<number | null> {
    const b1 = this.registerRequest();
    const challenge = await this.inbox.next((m) => m.status !== undefined && m.raw.includes(b1), ms);
    if (!challenge || challenge.status !== 401) return challenge?.status ?? null;
    const p = Object.fromEntries([...(challenge.header('WWW-Authenticate') ?? '').matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1]!, m[2]!]));
    const cnonce = rnd(4);
    const response = md5(`${md5(`${this.user}:${p.realm}:${password}`)}:${p.nonce}:00000001:${cnonce}:auth:${md5('REGISTER:sip:127.0.0.1')}`);
    const b2 = this.registerRequest(
      `Digest username="${this.user}", realm="${p.realm}", nonce="${p.nonce}", uri="sip:127.0.0.1", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}"`,
    );
    return (await this.inbox.next((m) => m.status !== undefined && m.raw.includes(b2), ms))?.status ?? null;
  }
  /** Reply to a request it received: every Via repeated (as a UA must), plus `extra` lines. */
  reply(req: Sip, status: number, reason: string, extra: string[] = []): void {
    this.send([
      `SIP/2.0 ${status} ${reason}`,
      ...req.headers('Via').map((v) => `Via: ${v}`),
      `From: ${req.header('From')}`,
      `To: ${req.header('To')};tag=${rnd(4)}`,
      `Call-ID: ${req.header('Call-ID')}`,
      `CSeq: ${req.header('CSeq')}`,
      ...extra,
    ]);
  }
  close(): void {
    this.ws.terminate();
  }
}

beforeAll(async () => {
  pbx = await startPbx({ cfgPath: process.env.PRONTO_EDGE_TEST_CFG });
  trunk = await Trunk.open();
});
afterAll(async () => {
  trunk?.close();
  await pbx?.stop();
});

describe('PBX edge: oversized requests', () => {
  it('an INVITE with 500 Via headers (27 KB) gets 513 at once; the agent keeps its WebSocket and the next call reaches it', async () => {
    const agent = await Agent.connect('1001');
    try {
      expect(await agent.register()).toBe(200);
      const big = trunk.invite('1001', { vias: 500 });
      const refused = await trunk.inbox.next((m) => m.header('Call-ID') === big && (m.status ?? 0) >= 200);
      expect(refused?.status).toBe(513);
      expect(agent.inbox.all.some((m) => m.header('Call-ID') === big)).toBe(false);

      const next = trunk.invite('1001');
      const ringing = await agent.inbox.next((m) => m.method === 'INVITE' && m.header('Call-ID') === next);
      expect(ringing, pbx.logs().slice(-2000)).not.toBeNull();
      agent.reply(ringing!, 486, 'Busy Here');
      const busy = await trunk.inbox.next((m) => m.header('Call-ID') === next && (m.status ?? 0) >= 200);
      expect(busy?.status).toBe(486);
      trunk.ack(busy!);
      expect(agent.closed).toBe(false);
    } finally {
      agent.close();
    }
  });

  it('more than 20 Via headers, however short, is 513 too', async () => {
    const id = trunk.invite('1001', { vias: 21 });
    expect((await trunk.inbox.next((m) => m.header('Call-ID') === id && (m.status ?? 0) >= 200))?.status).toBe(513);
  });

  it('the largest request that passes (20 Vias, ~8 KB) reaches the agent, and its reply (with 24 KB more of its own) keeps the socket', async () => {
    const agent = await Agent.connect('1002');
    try {
      expect(await agent.register()).toBe(200);
      const pad = `X-Pad: ${'p'.repeat(8192 - 2600)}`;
      const id = trunk.invite('1002', { vias: 19, extra: [pad] });
      const inv = await agent.inbox.next((m) => m.method === 'INVITE' && m.header('Call-ID') === id);
      expect(inv, pbx.logs().slice(-2000)).not.toBeNull();
      expect(inv!.raw.length).toBeGreaterThan(7000);
      // what a UA sends back: every Via, and whatever else it has (a long Warning here: 24 KB)
      agent.reply(inv!, 486, 'Busy Here', [`Warning: 399 agent "${'w'.repeat(24_000)}"`]);
      const busy = await trunk.inbox.next((m) => m.header('Call-ID') === id && (m.status ?? 0) >= 200);
      expect(busy?.status, pbx.logs().slice(-2000)).toBe(486);
      trunk.ack(busy!);
      await sleep(200);
      expect(agent.closed).toBe(false);
      // and the same socket still takes calls
      const again = trunk.invite('1002');
      const inv2 = await agent.inbox.next((m) => m.method === 'INVITE' && m.header('Call-ID') === again);
      expect(inv2).not.toBeNull();
      agent.reply(inv2!, 486, 'Busy Here');
      const busy2 = await trunk.inbox.next((m) => m.header('Call-ID') === again && (m.status ?? 0) >= 200);
      trunk.ack(busy2!);
    } finally {
      agent.close();
    }
  });
});

describe('PBX edge: REGISTER brute force', () => {
  it('after 10 wrong passwords for one extension, its REGISTERs from that address go unanswered; other extensions still register', async () => {
    const attacker = await Agent.connect('1004');
    const other = await Agent.connect('1005');
    try {
      const answers: (number | null)[] = [];
      for (let i = 0; i < 10; i++) answers.push(await attacker.register(`guess-${i}`));
      expect(answers).toEqual(Array(10).fill(403));
      expect(await attacker.register('guess-10', 1000)).toBeNull(); // dropped: no answer at all
      expect(await attacker.register(DEV_PASSWORD, 1000)).toBeNull(); // even the right one, while banned
      expect(await other.register()).toBe(200);
      expect(pbx.logs()).toMatch(/edge: 10 wrong passwords for '1004'/);
    } finally {
      attacker.close();
      other.close();
    }
  });
});

describe('PBX edge: control characters in a display name', () => {
  it('the PBX relays the INVITE as sent: the softphone must answer or pop it (src-renderer/telephony/inviteGuard.ts)', async () => {
    const agent = await Agent.connect('1003');
    try {
      expect(await agent.register()).toBe(200);
      const id = trunk.invite('1003', { extra: [] });
      // the same INVITE with a BEL and an ESC in the From display name
      const ctl = `ctl-${rnd()}`;
      trunk.send(trunk_invite_with_from('1003', ctl, '"Evil\u0007 Corp\u001b" <sip:+390212345678@127.0.0.1>;tag=c1'));
      const plain = await agent.inbox.next((m) => m.method === 'INVITE' && m.header('Call-ID') === id);
      const hostile = await agent.inbox.next((m) => m.method === 'INVITE' && m.header('Call-ID') === ctl);
      expect(plain).not.toBeNull();
      expect(hostile, pbx.logs().slice(-1500)).not.toBeNull();
      expect(hostile!.header('From')).toContain('Evil\u0007 Corp\u001b');
      for (const m of [plain!, hostile!]) {
        agent.reply(m, 486, 'Busy Here');
        const busy = await trunk.inbox.next((r) => r.header('Call-ID') === m.header('Call-ID') && (r.status ?? 0) >= 200);
        trunk.ack(busy!);
      }
    } finally {
      agent.close();
    }
  });
});

function trunk_invite_with_from(user: string, callId: string, from: string): string {
  return [
    `INVITE sip:${user}@127.0.0.1:${pbx.udpPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${trunk.port};branch=z9hG4bK-${rnd()};rport`,
    'Max-Forwards: 70',
    `From: ${from}`,
    `To: <sip:${user}@127.0.0.1>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    `Contact: <sip:trunk@127.0.0.1:${trunk.port}>`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

// Last: it bans 127.0.0.1 (everything here) for 300 s, except the trunk.
describe('PBX edge: request floods', () => {
  it('more than 200 requests in 2 s from one address: banned, dropped unanswered; the trunk is not', async () => {
    const flooder = await Agent.connect('1006');
    try {
      const options = (i: number): string[] => [
        'OPTIONS sip:127.0.0.1 SIP/2.0', `Via: SIP/2.0/WS ${flooder.host};branch=z9hG4bK-fl-${i}-${rnd(3)}`, 'Max-Forwards: 70',
        `From: <sip:1006@127.0.0.1>;tag=fl${i}`, 'To: <sip:127.0.0.1>', `Call-ID: flood-${i}-${rnd(3)}`, 'CSeq: 1 OPTIONS',
      ];
      for (let i = 0; i < 300; i++) flooder.send(options(i));
      await sleep(500);
      const answered = flooder.inbox.all.filter((m) => m.status === 200).length;
      expect(answered).toBeGreaterThan(100);
      expect(answered).toBeLessThan(300);
      const before = flooder.inbox.all.length;
      flooder.send(options(999));
      await sleep(500);
      expect(flooder.inbox.all.length).toBe(before);
      expect(pbx.logs()).toMatch(/edge: flood from ws:127\.0\.0\.1/);
      // the trunk (trusted, UDP) still gets through
      const id = trunk.invite('1009');
      expect((await trunk.inbox.next((m) => m.header('Call-ID') === id && (m.status ?? 0) >= 200))?.status).toBe(480);
    } finally {
      flooder.close();
    }
  });
});
