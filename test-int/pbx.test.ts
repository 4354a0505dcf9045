/**
 * Integration test of the dev PBX: REAL Kamailio (deploy/kamailio/kamailio.cfg) and REAL SIPp
 * (test-support/sipp/*.xml), plus a tiny SIP-over-WebSocket client (ws + node:crypto digest).
 * Everything runs on free 127.0.0.1 ports, so it can run next to a dev PBX (`npm run pbx`).
 *
 *   npx vitest run test-int/pbx.test.ts
 *
 * Needs the Debian packages kamailio kamailio-websocket-modules kamailio-extra-modules
 * sip-tester: the test FAILS (it does not skip) when a binary is missing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { findBinary, freeUdpPort, sipOptionsPing, startPbx, type PbxHandle } from '../test-support/pbx/pbx-process';
import {
  callRow,
  DEV_PASSWORD,
  parseMessageLog,
  registerAgent,
  registerRow,
  runSipp,
  startSipp,
  type SipMessage,
  type SippResult,
} from '../test-support/sipp/sipp';

const TRUNK_CALLER = '+15551234567';
const IDENTITY_HEADERS = [
  `P-Asserted-Identity: <sip:${TRUNK_CALLER}@trunk.example.com>`,
  'Remote-Party-ID: <sip:+15557654321@trunk.example.com>',
  'Privacy: id',
  'Diversion: <sip:+15550001111@trunk.example.com>',
  'History-Info: <sip:+15550002222@trunk.example.com>',
];

let pbx: PbxHandle;

function explain(r: SippResult): string {
  return `sipp exit ${r.code} ${r.signal ?? ''}\n${r.stderr}\n--- messages ---\n${r.messageLog.slice(-4000)}\n--- kamailio ---\n${pbx?.logs().slice(-3000)}`;
}

function expectOk(r: SippResult): void {
  expect(r.code, explain(r)).toBe(0);
}

function received(r: SippResult, kind: string): SipMessage[] {
  return parseMessageLog(r.messageLog).filter((m) => m.direction === 'received' && m.kind === kind);
}

function sent(r: SippResult, kind: string): SipMessage[] {
  return parseMessageLog(r.messageLog).filter((m) => m.direction === 'sent' && m.kind === kind);
}

/** The ul.dump block of one AoR ('' if not registered). */
async function aorBlock(user: string): Promise<string> {
  const dump = await pbx.dump();
  const i = dump.indexOf(`AoR: ${user}\n`);
  if (i < 0) return '';
  const next = dump.indexOf('AoR: ', i + 5);
  return dump.slice(i, next < 0 ? undefined : next);
}

/** Register `user` at a fresh local port with SIPp; returns the port (contact). */
async function registerAt(user: string): Promise<number> {
  const localPort = await freeUdpPort();
  const r = await registerAgent({ pbxUdpPort: pbx.udpPort, user, localPort });
  expectOk(r);
  return localPort;
}

/** Remove the registration of `user` at `localPort` (Expires: 0). */
async function unregister(user: string, localPort: number): Promise<void> {
  expectOk(await registerAgent({ pbxUdpPort: pbx.udpPort, user, localPort, expires: 0 }));
}

function waitFor<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, rej) => {
      t = setTimeout(() => rej(new Error(`timeout after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

// ---------------------------------------------------------------------------------------------
// A minimal SIP-over-WebSocket user agent (what sip.js does on the wire, nothing more)

interface WsSip {
  raw: string;
  firstLine: string;
  method?: string;
  status?: number;
  header(name: string): string | undefined;
  headers(name: string): string[];
}

function parseSip(raw: string): WsSip {
  const [head = ''] = raw.split('\r\n\r\n');
  const lines = head.split('\r\n');
  const firstLine = lines[0] ?? '';
  const hdrs = lines.slice(1);
  const values = (name: string) =>
    hdrs.filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`)).map((l) => l.slice(name.length + 1).trim());
  const isReply = firstLine.startsWith('SIP/2.0 ');
  return {
    raw,
    firstLine,
    method: isReply ? undefined : firstLine.split(' ')[0],
    status: isReply ? Number(firstLine.split(' ')[1]) : undefined,
    header: (n) => values(n)[0],
    headers: values,
  };
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const rnd = (n = 6) => randomBytes(n).toString('hex');

class WsAgent {
  readonly host = `${rnd(4)}.invalid`;
  readonly inbox: WsSip[] = [];
  private waiters: { pred: (m: WsSip) => boolean; res: (m: WsSip) => void }[] = [];
  private cseq = 1;
  private readonly regCallId = rnd(8);
  private readonly regTag = rnd(4);

  private constructor(
    readonly ws: WebSocket,
    readonly user: string,
  ) {
    ws.on('message', (data) => {
      const msg = parseSip(data.toString());
      const i = this.waiters.findIndex((w) => w.pred(msg));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.res(msg);
      else this.inbox.push(msg);
    });
  }

  static connect(url: string, user: string): Promise<WsAgent> {
    return waitFor(
      new Promise<WsAgent>((res, rej) => {
        const ws = new WebSocket(url, 'sip');
        ws.once('open', () => res(new WsAgent(ws, user)));
        ws.once('error', rej);
      }),
      5000,
      `WebSocket ${url}`,
    );
  }

  get protocol(): string {
    return this.ws.protocol;
  }

  next(pred: (m: WsSip) => boolean, what: string, ms = 5000): Promise<WsSip> {
    const i = this.inbox.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]!);
    return waitFor(new Promise<WsSip>((res) => this.waiters.push({ pred, res })), ms, `${what} on WS agent ${this.user}`);
  }

  send(lines: string[], body = ''): void {
    this.ws.send(`${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  private digest(challenge: string, method: string, uri: string, password: string): string {
    const p = Object.fromEntries([...challenge.matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1]!, m[2]!]));
    const nc = '00000001';
    const cnonce = rnd(4);
    const ha1 = md5(`${this.user}:${p.realm}:${password}`);
    const ha2 = md5(`${method}:${uri}`);
    const response = md5(`${ha1}:${p.nonce}:${nc}:${cnonce}:auth:${ha2}`);
    return (
      `Digest username="${this.user}", realm="${p.realm}", nonce="${p.nonce}", uri="${uri}", ` +
      `response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}"`
    );
  }

  private registerRequest(auth?: string): string {
    const branch = `z9hG4bK${rnd()}`;
    this.send([
      'REGISTER sip:127.0.0.1 SIP/2.0',
      `Via: SIP/2.0/WS ${this.host};branch=${branch}`,
      'Max-Forwards: 70',
      `To: <sip:${this.user}@127.0.0.1>`,
      `From: <sip:${this.user}@127.0.0.1>;tag=${this.regTag}`,
      `Call-ID: ${this.regCallId}`,
      `CSeq: ${this.cseq++} REGISTER`,
      `Contact: <sip:${this.user}@${this.host};transport=ws>;expires=600`,
      ...(auth ? [`Authorization: ${auth}`] : []),
    ]);
    return branch;
  }

  /** REGISTER, answer the 401 with digest; returns [challenge, final reply]. */
  async register(password = DEV_PASSWORD): Promise<[WsSip, WsSip]> {
    const b1 = this.registerRequest();
    const challenge = await this.next((m) => m.status !== undefined && m.raw.includes(b1), 'REGISTER reply');
    if (challenge.status !== 401) return [challenge, challenge];
    const b2 = this.registerRequest(this.digest(challenge.header('WWW-Authenticate') ?? '', 'REGISTER', 'sip:127.0.0.1', password));
    const final = await this.next((m) => m.status !== undefined && m.raw.includes(b2), 'REGISTER final reply');
    return [challenge, final];
  }

  /** Send an INVITE; if challenged and a password is given, ACK and retry with credentials. */
  async invite(target: string, password?: string): Promise<WsSip[]> {
    const callId = rnd(8);
    const tag = rnd(4);
    const uri = `sip:${target}@127.0.0.1`;
    const finals: WsSip[] = [];
    let auth: string | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const branch = `z9hG4bK${rnd()}`;
      const cseq = this.cseq++;
      const common = [
        `Via: SIP/2.0/WS ${this.host};branch=${branch}`,
        'Max-Forwards: 70',
        `From: <sip:${this.user}@127.0.0.1>;tag=${tag}`,
        `Call-ID: ${callId}`,
      ];
      this.send([
        `INVITE ${uri} SIP/2.0`,
        ...common,
        `To: <${uri}>`,
        `CSeq: ${cseq} INVITE`,
        `Contact: <sip:${this.user}@${this.host};transport=ws>`,
        ...(auth ? [`Proxy-Authorization: ${auth}`] : []),
      ]);
      const final = await this.next((m) => (m.status ?? 0) >= 200 && m.raw.includes(branch), 'INVITE final reply');
      finals.push(final);
      // ACK of a non-2xx final reply: same branch, To with the reply's tag
      this.send([`ACK ${uri} SIP/2.0`, ...common, `To: ${final.header('To')}`, `CSeq: ${cseq} ACK`]);
      if (final.status !== 407 || password === undefined) break;
      auth = this.digest(final.header('Proxy-Authenticate') ?? '', 'INVITE', uri, password);
    }
    return finals;
  }

  /** Reply to a request received over the WebSocket. */
  reply(req: WsSip, status: number, reason: string, o: { toTag?: string; body?: string } = {}): void {
    const to = req.header('To') ?? '';
    const lines = [
      `SIP/2.0 ${status} ${reason}`,
      ...req.headers('Via').map((v) => `Via: ${v}`),
      ...(status < 300 && req.method === 'INVITE' ? req.headers('Record-Route').map((v) => `Record-Route: ${v}`) : []),
      `From: ${req.header('From')}`,
      `To: ${o.toTag && !/;tag=/.test(to) ? `${to};tag=${o.toTag}` : to}`,
      `Call-ID: ${req.header('Call-ID')}`,
      `CSeq: ${req.header('CSeq')}`,
      `Contact: <sip:${this.user}@${this.host};transport=ws>`,
      ...(o.body ? ['Content-Type: application/sdp'] : []),
    ];
    this.send(lines, o.body);
  }

  close(): Promise<void> {
    return new Promise((res) => {
      if (this.ws.readyState === WebSocket.CLOSED) return res();
      this.ws.once('close', () => res());
      this.ws.close();
      setTimeout(() => {
        this.ws.terminate();
        res();
      }, 1000).unref();
    });
  }
}

// ---------------------------------------------------------------------------------------------

describe('dev PBX (real Kamailio + SIPp)', () => {
  beforeAll(async () => {
    const missing = [
      ['kamailio', findBinary('kamailio', 'PRONTO_KAMAILIO_BIN')],
      ['kamcmd', findBinary('kamcmd', 'PRONTO_KAMCMD_BIN')],
      ['sipp', process.env.PRONTO_SIPP_BIN ?? findBinary('sipp')],
    ].filter(([, p]) => !p);
    if (missing.length) {
      throw new Error(
        `missing binaries: ${missing.map(([n]) => n).join(', ')}. Install: apt-get install -y kamailio ` +
          'kamailio-websocket-modules kamailio-extra-modules sip-tester',
      );
    }
    pbx = await startPbx();
  });

  afterAll(async () => {
    await pbx?.stop();
  });

  it('starts on free loopback ports and answers OPTIONS keepalives', async () => {
    expect(pbx.wsUrl).toBe(`ws://127.0.0.1:${pbx.wsPort}`);
    expect(pbx.udpPort).not.toBe(5060);
    expect(pbx.wsPort).not.toBe(8080);
    expect(await sipOptionsPing(pbx.udpPort, 1000)).toBe(true);
    expect(await pbx.rpc('htable.get', 'queues', 's:600')).toContain('sales');
    const http = await fetch(`http://127.0.0.1:${pbx.wsPort}/`); // plain HTTP: no upgrade, no service
    expect(http.status).toBe(404);
  });

  it('REGISTER with the right password: 401 challenge, then 200, listed in ul.dump; Expires 0 removes it', async () => {
    const localPort = await freeUdpPort();
    const r = await registerAgent({ pbxUdpPort: pbx.udpPort, user: '1001', localPort });
    expectOk(r);
    expect(received(r, '401')).toHaveLength(1);
    expect(received(r, '401')[0]!.header('WWW-Authenticate')).toMatch(/Digest realm="pronto.local"/);
    expect(received(r, '200')).toHaveLength(1);
    const block = await aorBlock('1001');
    expect(block).toContain(`Address: sip:1001@127.0.0.1:${localPort}`);

    const un = await registerAgent({ pbxUdpPort: pbx.udpPort, user: '1001', localPort, expires: 0 });
    expectOk(un);
    expect(await aorBlock('1001')).toBe('');
  });

  it('REGISTER with a wrong password (or as somebody else) is refused and not registered', async () => {
    const r = await runSipp({
      scenario: 'register-wrong-password',
      remote: pbx.udpPort,
      localPort: await freeUdpPort(),
      csv: [registerRow('1002', 'not-the-password')],
    });
    expectOk(r);
    expect(received(r, '403')).toHaveLength(1);
    expect(received(r, '200')).toHaveLength(0);

    // right password of 1003, but registering 1002: auth user != To user
    const r2 = await runSipp({
      scenario: 'register-wrong-password',
      remote: pbx.udpPort,
      localPort: await freeUdpPort(),
      csv: [`1002;[authentication username=1003 password=${DEV_PASSWORD}];3600`],
    });
    expectOk(r2);
    expect(await aorBlock('1002')).toBe('');
    expect(await aorBlock('1003')).toBe('');
  });

  it('trunk INVITE to a registered user rings it, with X-Pronto-Line and the caller identity headers', async () => {
    const agentPort = await registerAt('1010');
    const uas = startSipp({ scenario: 'uas-ring', localPort: agentPort, timeoutS: 15 });
    const uac = await runSipp({
      scenario: 'uac-invite-cancel',
      remote: pbx.udpPort,
      localPort: await freeUdpPort(),
      csv: [callRow({ caller: TRUNK_CALLER, target: '1010', headers: IDENTITY_HEADERS })],
      pauseMs: 300,
    });
    const agent = await uas.done;
    expectOk(uac);
    expectOk(agent);

    const [invite] = received(agent, 'INVITE');
    expect(invite, explain(agent)).toBeDefined();
    expect(invite!.firstLine).toMatch(new RegExp(`^INVITE sip:1010@127\\.0\\.0\\.1:${agentPort}`));
    expect(invite!.header('X-Pronto-Line')).toBe('1010');
    expect(invite!.header('To')).toMatch(/^<sip:1010@127\.0\.0\.1:\d+>$/);
    expect(invite!.header('From')).toContain(`sip:${TRUNK_CALLER}@`);
    for (const h of IDENTITY_HEADERS) {
      const name = h.slice(0, h.indexOf(':'));
      expect(invite!.header(name), name).toBe(h.slice(name.length + 1).trim());
    }
    expect(received(agent, 'CANCEL')).toHaveLength(1);
    expect(received(uac, '180').length).toBeGreaterThanOrEqual(1);
    expect(received(uac, '487')).toHaveLength(1);
  });

  it('600 rings every registered "sales" agent at once (not "support"); the CANCEL reaches every branch', async () => {
    const portA = await registerAt('1004'); // sales
    const portB = await registerAt('1005'); // sales
    const portSupport = await registerAt('1009'); // support: must not ring
    const supportSocket: Socket = createSocket('udp4');
    const supportGot: string[] = [];
    supportSocket.on('message', (m) => supportGot.push(m.toString()));
    await new Promise<void>((res) => supportSocket.bind(portSupport, '127.0.0.1', () => res()));
    try {
      const uasA = startSipp({ scenario: 'uas-ring', localPort: portA, timeoutS: 15 });
      const uasB = startSipp({ scenario: 'uas-ring', localPort: portB, timeoutS: 15 });
      const uac = await runSipp({
        scenario: 'uac-invite-cancel',
        remote: pbx.udpPort,
        localPort: await freeUdpPort(),
        csv: [callRow({ caller: TRUNK_CALLER, target: '600', headers: [IDENTITY_HEADERS[0]!] })],
        pauseMs: 800,
      });
      const [a, b] = await Promise.all([uasA.done, uasB.done]);
      expectOk(uac);
      expectOk(a);
      expectOk(b);

      const cancelSentAt = sent(uac, 'CANCEL')[0]!.time;
      const invites = [a, b].map((r) => received(r, 'INVITE'));
      for (const [i, inv] of invites.entries()) {
        expect(inv, `agent ${i}`).toHaveLength(1);
        expect(inv[0]!.header('X-Pronto-Line')).toBe('600');
        expect(inv[0]!.header('X-Pronto-Group')).toBe('sales');
        expect(inv[0]!.header('To')).toMatch(/^<sip:600@127\.0\.0\.1:\d+>$/); // the dialed number
        expect(inv[0]!.header('P-Asserted-Identity')).toBe(`<sip:${TRUNK_CALLER}@trunk.example.com>`);
        expect(inv[0]!.time).toBeLessThan(cancelSentAt); // both rang before the caller hung up
      }
      // parallel fork: both INVITEs left Kamailio together, not one after the other's timeout
      expect(Math.abs(invites[0]![0]!.time - invites[1]![0]!.time)).toBeLessThan(500);
      expect(received(uac, '180').length).toBeGreaterThanOrEqual(2); // one per ringing agent
      expect(received(a, 'CANCEL')).toHaveLength(1);
      expect(received(b, 'CANCEL')).toHaveLength(1);
      expect(received(uac, '487')).toHaveLength(1);
      expect(supportGot, 'support agent 1009 must not ring for 600').toEqual([]);
    } finally {
      supportSocket.close();
      await unregister('1004', portA);
      await unregister('1005', portB);
      await unregister('1009', portSupport);
    }
  });

  it('unknown number -> 404, known but unregistered user -> 480', async () => {
    const r = await runSipp({
      scenario: 'uac-invite-reject',
      remote: pbx.udpPort,
      localPort: await freeUdpPort(),
      calls: 2,
      csv: [callRow({ caller: TRUNK_CALLER, target: '7777' }), callRow({ caller: TRUNK_CALLER, target: '1006' })],
    });
    expectOk(r);
    expect(received(r, '404')).toHaveLength(1);
    expect(received(r, '480')).toHaveLength(1);
  });

  it('answered call: 200, ACK and BYE follow the Record-Route', async () => {
    const agentPort = await registerAt('1007');
    const uas = startSipp({ scenario: 'uas-answer', localPort: agentPort, pauseMs: 100, timeoutS: 15 });
    const uac = await runSipp({
      scenario: 'uac-invite-answer',
      remote: pbx.udpPort,
      localPort: await freeUdpPort(),
      csv: [callRow({ caller: TRUNK_CALLER, target: '1007' })],
      pauseMs: 200,
    });
    const agent = await uas.done;
    expectOk(uac);
    expectOk(agent);
    expect(received(uac, '200').length).toBeGreaterThanOrEqual(2); // INVITE + BYE
    expect(received(uac, '200')[0]!.header('Record-Route')).toContain(`127.0.0.1:${pbx.udpPort};lr`);
    expect(received(agent, 'ACK')).toHaveLength(1);
    expect(received(agent, 'BYE')).toHaveLength(1);
    await unregister('1007', agentPort);
  });

  it('ring-all answered by one agent: the other agent gets a CANCEL saying the call was completed elsewhere', async () => {
    const portA = await registerAt('1001');
    const portB = await registerAt('1002');
    try {
      const answering = startSipp({ scenario: 'uas-answer', localPort: portA, pauseMs: 300, timeoutS: 15 });
      const ringing = startSipp({ scenario: 'uas-ring', localPort: portB, timeoutS: 15 });
      const uac = await runSipp({
        scenario: 'uac-invite-answer',
        remote: pbx.udpPort,
        localPort: await freeUdpPort(),
        csv: [callRow({ caller: TRUNK_CALLER, target: '600' })],
        pauseMs: 200,
      });
      const [a, b] = await Promise.all([answering.done, ringing.done]);
      expectOk(uac);
      expectOk(a);
      expectOk(b);
      expect(received(b, 'CANCEL')).toHaveLength(1);
      // what lets the colleague's card say "answered by a colleague" instead of "missed"
      expect(received(b, 'CANCEL')[0]!.header('Reason')).toMatch(/cause=200/);
      expect(received(a, 'BYE')).toHaveLength(1);
    } finally {
      await unregister('1001', portA);
      await unregister('1002', portB);
    }
  });

  it('WebSocket agent: handshake (subprotocol sip), 401 then 200 with digest, calls reach it over WS', async () => {
    const agent = await WsAgent.connect(pbx.wsUrl, '1008');
    try {
      expect(agent.protocol).toBe('sip');
      const [challenge, final] = await agent.register();
      expect(challenge.status).toBe(401);
      expect(final.status, final.raw).toBe(200);
      const block = await aorBlock('1008');
      expect(block).toContain(`Address: sip:1008@${agent.host};transport=ws`);
      expect(block).toMatch(/Received: sip:127\.0\.0\.1:\d+;transport=ws/);

      // trunk -> WS agent, answered: INVITE, 180, 200 over WS; ACK and BYE routed back over WS
      const uac = runSipp({
        scenario: 'uac-invite-answer',
        remote: pbx.udpPort,
        localPort: await freeUdpPort(),
        csv: [callRow({ caller: TRUNK_CALLER, target: '1008', headers: [IDENTITY_HEADERS[0]!] })],
        pauseMs: 200,
      });
      const invite = await agent.next((m) => m.method === 'INVITE', 'INVITE');
      expect(invite.header('X-Pronto-Line')).toBe('1008');
      expect(invite.header('P-Asserted-Identity')).toBe(`<sip:${TRUNK_CALLER}@trunk.example.com>`);
      const toTag = rnd(4);
      agent.reply(invite, 180, 'Ringing', { toTag });
      const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n';
      agent.reply(invite, 200, 'OK', { toTag, body: sdp });
      const ack = await agent.next((m) => m.method === 'ACK', 'ACK');
      expect(ack.firstLine).toContain(`sip:1008@${agent.host}`);
      const bye = await agent.next((m) => m.method === 'BYE', 'BYE');
      agent.reply(bye, 200, 'OK');
      expectOk(await uac);

      // INVITE from a WS client must authenticate: 407 first, then it is routed (here: 404)
      const [challenged, routed] = await agent.invite('7777', DEV_PASSWORD);
      expect(challenged!.status).toBe(407);
      expect(challenged!.header('Proxy-Authenticate')).toMatch(/Digest realm="pronto.local"/);
      expect(routed!.status).toBe(404);
      // ...and a wrong password is refused
      const [, refused] = await agent.invite('7777', 'wrong');
      expect(refused!.status).toBe(403);
    } finally {
      await agent.close();
    }
  });

  it('600 with WebSocket agents: both ring, the CANCEL reaches both over WS, 487 to the trunk', async () => {
    const agents = [await WsAgent.connect(pbx.wsUrl, '1002'), await WsAgent.connect(pbx.wsUrl, '1003')];
    try {
      for (const ag of agents) expect((await ag.register())[1].status).toBe(200);
      const uac = runSipp({
        scenario: 'uac-invite-cancel',
        remote: pbx.udpPort,
        localPort: await freeUdpPort(),
        csv: [callRow({ caller: TRUNK_CALLER, target: '600' })],
        pauseMs: 300,
      });
      const ring = async (ag: WsAgent) => {
        const invite = await ag.next((m) => m.method === 'INVITE', 'INVITE');
        const toTag = rnd(4);
        ag.reply(invite, 180, 'Ringing', { toTag });
        const cancel = await ag.next((m) => m.method === 'CANCEL', 'CANCEL');
        ag.reply(cancel, 200, 'OK', { toTag });
        ag.reply(invite, 487, 'Request Terminated', { toTag });
        const ack = await ag.next((m) => m.method === 'ACK', 'ACK of the 487');
        return { invite, cancel, ack };
      };
      const legs = await Promise.all(agents.map(ring));
      for (const { invite, cancel } of legs) {
        expect(invite.header('X-Pronto-Line')).toBe('600');
        expect(invite.header('To')).toMatch(/^<sip:600@127\.0\.0\.1:\d+>$/);
        expect(cancel.header('Call-ID')).toBe(invite.header('Call-ID'));
      }
      const r = await uac;
      expectOk(r);
      expect(received(r, '487')).toHaveLength(1);
    } finally {
      await Promise.all(agents.map((a) => a.close()));
    }
  });

  it('a garbage datagram and malformed INVITEs do not kill Kamailio', async () => {
    const sock = createSocket('udp4');
    await new Promise<void>((res) => sock.bind(0, '127.0.0.1', () => res()));
    const replies: string[] = [];
    sock.on('message', (m) => replies.push(m.toString()));
    const send = (b: Buffer | string) =>
      new Promise<void>((res, rej) => sock.send(b, pbx.udpPort, '127.0.0.1', (e) => (e ? rej(e) : res())));
    const lp = sock.address().port;
    try {
      await send(randomBytes(700));
      await send(Buffer.from([0, 1, 2, 255, 13, 10, 13, 10]));
      // no Call-ID/CSeq/From, bad Via
      await send(`INVITE sip:600@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP\r\nTo: <sip:600@127.0.0.1>\r\nContent-Length: 0\r\n\r\n`);
      // Content-Length larger than the body, CSeq not a number, R-URI garbage
      await send(
        `INVITE sip:@@@:::x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${lp};branch=z9hG4bK-bad1\r\n` +
          `From: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:600@127.0.0.1>\r\nCall-ID: bad1\r\nCSeq: abc INVITE\r\n` +
          `Max-Forwards: 70\r\nContent-Length: 5000\r\n\r\nv=0\r\n`,
      );
      // request line only
      await send('INVITE sip:600@127.0.0.1 SIP/2.0\r\n\r\n');
      await new Promise((r) => setTimeout(r, 300));
      expect(pbx.running, pbx.logs().slice(-2000)).toBe(true);
      expect(replies.filter((r) => /^SIP\/2\.0 2\d\d/.test(r))).toEqual([]); // nothing was accepted
      expect(await sipOptionsPing(pbx.udpPort, 1000)).toBe(true);
      const r = await registerAgent({ pbxUdpPort: pbx.udpPort, user: '1006', localPort: await freeUdpPort() });
      expectOk(r);
    } finally {
      sock.close();
    }
  });

  it('kill -9 of Kamailio, then restart(): same ports, new pid, empty registrar, works again', async () => {
    expect(await aorBlock('1006')).not.toBe('');
    const oldPid = pbx.pid;
    await pbx.kill9();
    expect(pbx.running).toBe(false);
    expect(await sipOptionsPing(pbx.udpPort, 300)).toBe(false);

    await pbx.restart();
    expect(pbx.running).toBe(true);
    expect(pbx.pid).not.toBe(oldPid);
    expect(await sipOptionsPing(pbx.udpPort, 1000)).toBe(true);
    expect(await aorBlock('1006')).toBe(''); // usrloc is memory-only
    const localPort = await freeUdpPort();
    expectOk(await registerAgent({ pbxUdpPort: pbx.udpPort, user: '1006', localPort }));
    expect(await aorBlock('1006')).toContain(`127.0.0.1:${localPort}`);
  });
});
