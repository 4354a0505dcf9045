/**
 * Issue 20: the hub's SIP credentials against the REAL Kamailio (deploy/kamailio/kamailio.cfg +
 * autheph.cfg, auth_ephemeral module). The hub (PGlite) logs an agent in and hands out
 * `<expiry>:<extension>` + HMAC; a minimal SIP-over-WebSocket client registers with it.
 *
 *   npx vitest run test-int/autheph.test.ts
 *
 * Needs kamailio, kamailio-websocket-modules and kamailio-autheph-modules: FAILS (no skip) without.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { startPbx, type PbxHandle } from '../test-support/pbx/pbx-process';
import { PASSWORD, seedPeople, testStore } from '../test-support/hub/helpers';
import { buildHub } from '../src-hub/http/app';
import { setUserExtension } from '../src-hub/admin';
import { ephemeralCredential } from '../src-hub/auth/sip';
import type { Store } from '../src-hub/db/store';
import { SipProvisioning } from '../src-shared/sync/protocol';

const SECRET = `pronto-test-${randomBytes(12).toString('base64url')}`;
const DEV_PASSWORD = 'pronto-dev';

let dir: string;
let pbx: PbxHandle;
let store: Store;
let hub: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pronto-autheph-'));
  const secretFile = join(dir, 'autheph.secret');
  writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
  pbx = await startPbx({ authephSecretFile: secretFile, mediaBridge: false });
  store = await testStore('pglite');
  await seedPeople(store);
  await setUserExtension(store, 'nina', '1001');
  await setUserExtension(store, 'sven', '1002');
  hub = await buildHub({ store, sip: { server: pbx.wsUrl, domain: '127.0.0.1', realm: 'pronto.local', secret: SECRET, credentialHours: 10 } });
}, 60_000);
afterAll(async () => {
  await hub?.close();
  await store?.close();
  await pbx?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// A minimal SIP-over-WebSocket user agent: what sip.js sends, with the digest user name apart
// from the SIP user (autheph: `<expiry>:<extension>` registering as `<extension>`).

interface Sip {
  raw: string;
  status?: number;
  reason: string;
  header(name: string): string | undefined;
}

function parseSip(raw: string): Sip {
  const lines = (raw.split('\r\n\r\n')[0] ?? '').split('\r\n');
  const first = lines[0] ?? '';
  const isReply = first.startsWith('SIP/2.0 ');
  return {
    raw,
    status: isReply ? Number(first.split(' ')[1]) : undefined,
    reason: isReply ? first.split(' ').slice(2).join(' ') : '',
    header: (n) => lines.slice(1).find((l) => l.toLowerCase().startsWith(`${n.toLowerCase()}:`))?.slice(n.length + 1).trim(),
  };
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const rnd = (n = 6) => randomBytes(n).toString('hex');

class Agent {
  private readonly host = `${rnd(4)}.invalid`;
  private readonly inbox: Sip[] = [];
  private waiters: { pred: (m: Sip) => boolean; res: (m: Sip) => void }[] = [];
  private cseq = 1;
  private readonly callId = rnd(8);
  private readonly tag = rnd(4);

  private constructor(private readonly ws: WebSocket, readonly user: string) {
    ws.on('message', (data) => {
      const msg = parseSip(data.toString());
      const i = this.waiters.findIndex((w) => w.pred(msg));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.res(msg);
      else this.inbox.push(msg);
    });
  }

  static connect(url: string, user: string): Promise<Agent> {
    return new Promise((res, rej) => {
      const ws = new WebSocket(url, 'sip');
      ws.once('open', () => res(new Agent(ws, user)));
      ws.once('error', rej);
    });
  }

  private next(pred: (m: Sip) => boolean, what: string): Promise<Sip> {
    const i = this.inbox.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]!);
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error(`${what}: no answer in 5 s\n${pbx.logs().slice(-2000)}`)), 5000);
      this.waiters.push({ pred, res: (m) => (clearTimeout(t), res(m)) });
    });
  }

  private static digest(challenge: string, authUser: string, password: string, method: string, uri: string): string {
    const p = Object.fromEntries([...challenge.matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1]!, m[2]!]));
    const nc = '00000001';
    const cnonce = rnd(4);
    const response = md5(`${md5(`${authUser}:${p.realm}:${password}`)}:${p.nonce}:${nc}:${cnonce}:auth:${md5(`${method}:${uri}`)}`);
    return `Digest username="${authUser}", realm="${p.realm}", nonce="${p.nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}"`;
  }

  private sendRegister(auth?: string): string {
    const branch = `z9hG4bK${rnd()}`;
    const lines = [
      'REGISTER sip:127.0.0.1 SIP/2.0',
      `Via: SIP/2.0/WS ${this.host};branch=${branch}`,
      'Max-Forwards: 70',
      `To: <sip:${this.user}@127.0.0.1>`,
      `From: <sip:${this.user}@127.0.0.1>;tag=${this.tag}`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${this.cseq++} REGISTER`,
      `Contact: <sip:${this.user}@${this.host};transport=ws>;expires=600`,
      ...(auth ? [`Authorization: ${auth}`] : []),
    ];
    this.ws.send(`${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`);
    return branch;
  }

  /** REGISTER, answer the 401 with the given digest credentials; the final reply. */
  async register(authUser: string, password: string): Promise<Sip> {
    const b1 = this.sendRegister();
    const challenge = await this.next((m) => m.status !== undefined && m.raw.includes(b1), 'REGISTER');
    expect(challenge.status).toBe(401);
    const b2 = this.sendRegister(Agent.digest(challenge.header('WWW-Authenticate') ?? '', authUser, password, 'REGISTER', 'sip:127.0.0.1'));
    return this.next((m) => m.status !== undefined && m.raw.includes(b2), 'REGISTER with credentials');
  }

  /** INVITE `target`, answer the 407 with the given credentials; the final reply. */
  async invite(target: string, authUser: string, password: string): Promise<Sip> {
    const callId = rnd(8);
    const tag = rnd(4);
    const uri = `sip:${target}@127.0.0.1`;
    let auth: string | undefined;
    for (;;) {
      const branch = `z9hG4bK${rnd()}`;
      const cseq = this.cseq++;
      const common = [`Via: SIP/2.0/WS ${this.host};branch=${branch}`, 'Max-Forwards: 70', `From: <sip:${this.user}@127.0.0.1>;tag=${tag}`, `Call-ID: ${callId}`];
      const lines = [`INVITE ${uri} SIP/2.0`, ...common, `To: <${uri}>`, `CSeq: ${cseq} INVITE`, `Contact: <sip:${this.user}@${this.host};transport=ws>`, ...(auth ? [`Proxy-Authorization: ${auth}`] : [])];
      this.ws.send(`${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`);
      const final = await this.next((m) => (m.status ?? 0) >= 200 && m.raw.includes(branch), 'INVITE');
      const ack = [`ACK ${uri} SIP/2.0`, ...common, `To: ${final.header('To')}`, `CSeq: ${cseq} ACK`];
      this.ws.send(`${ack.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`);
      if (final.status !== 407 || auth) return final;
      auth = Agent.digest(final.header('Proxy-Authenticate') ?? '', authUser, password, 'INVITE', uri);
    }
  }

  /** The next request received (e.g. an INVITE from the PBX). */
  request(method: string): Promise<Sip> {
    return this.next((m) => m.status === undefined && m.raw.startsWith(`${method} `), `${method} to ${this.user}`);
  }

  /** Answer a received request with a final status (no dialog). */
  reply(req: Sip, status: number, reason: string): void {
    const vias = req.raw.split('\r\n').filter((l) => /^via:/i.test(l));
    const lines = [`SIP/2.0 ${status} ${reason}`, ...vias, `From: ${req.header('From')}`, `To: ${req.header('To')};tag=${rnd(4)}`, `Call-ID: ${req.header('Call-ID')}`, `CSeq: ${req.header('CSeq')}`];
    this.ws.send(`${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`);
  }

  close(): void {
    this.ws.close();
  }
}

async function registerWith(user: string, authUser: string, password: string): Promise<Sip> {
  const a = await Agent.connect(pbx.wsUrl, user);
  try {
    return await a.register(authUser, password);
  } finally {
    a.close();
  }
}

async function registered(user: string): Promise<boolean> {
  return (await pbx.dump()).includes(`AoR: ${user}\n`);
}

async function hubLogin(name: string) {
  const res = await hub.inject({ method: 'POST', url: '/v1/auth/login', payload: { name, password: PASSWORD } });
  expect(res.statusCode, res.body).toBe(200);
  return SipProvisioning.parse(res.json().sip);
}

// ---------------------------------------------------------------------------------------------

describe('hub-issued SIP credentials (auth_ephemeral) at the real PBX', () => {
  it('the credential from POST /v1/auth/login registers its extension: 200', async () => {
    const sip = await hubLogin('nina');
    expect(sip).toMatchObject({ extension: '1001', server: pbx.wsUrl, realm: 'pronto.local' });
    const r = await registerWith(sip.extension, sip.authUser, sip.password);
    expect(r.status, pbx.logs().slice(-2000)).toBe(200);
    expect(await registered('1001')).toBe(true);
  });

  it('a renewed one (GET /v1/me/sip) works too', async () => {
    const login = await hub.inject({ method: 'POST', url: '/v1/auth/login', payload: { name: 'sven', password: PASSWORD } });
    const res = await hub.inject({ method: 'GET', url: '/v1/me/sip', headers: { authorization: `Bearer ${login.json().token}` } });
    const sip = SipProvisioning.parse(res.json());
    expect((await registerWith('1002', sip.authUser, sip.password)).status).toBe(200);
  });

  it('an agent signed in with hub credentials calls another: the PBX asserts the extension (P-Asserted-Identity)', async () => {
    const nina = await hubLogin('nina');
    const sven = await hubLogin('sven');
    const caller = await Agent.connect(pbx.wsUrl, '1001');
    const callee = await Agent.connect(pbx.wsUrl, '1002');
    try {
      expect((await callee.register(sven.authUser, sven.password)).status).toBe(200);
      const ringing = callee.request('INVITE');
      const answered = caller.invite('1002', nina.authUser, nina.password);
      const invite = await ringing;
      expect(invite.header('P-Asserted-Identity')).toBe('<sip:1001@127.0.0.1>');
      callee.reply(invite, 486, 'Busy Here');
      expect((await answered).status).toBe(486);
      // the credential of 1001 does not call as 1002 (From must be its extension)
      const impostor = await Agent.connect(pbx.wsUrl, '1002');
      try {
        expect((await impostor.invite('1001', nina.authUser, nina.password)).status).toBe(403);
      } finally {
        impostor.close();
      }
    } finally {
      caller.close();
      callee.close();
    }
  });

  it('an expired credential is refused: 403 Credential Expired', async () => {
    const past = Math.floor(Date.now() / 1000) - 5;
    const c = ephemeralCredential(SECRET, '1003', past);
    const r = await registerWith('1003', c.authUser, c.password);
    expect(r.status).toBe(403);
    expect(r.reason).toBe('Credential Expired');
    expect(await registered('1003')).toBe(false);
  });

  it("1001's credential used to register 1002 is refused: 403", async () => {
    const sip = await hubLogin('nina');
    const r = await registerWith('1002', sip.authUser, sip.password);
    expect(r.status).toBe(403);
    // …and a forged expiry (the HMAC no longer matches) too
    const later = `${Number(sip.authUser.split(':')[0]) + 3600}:1001`;
    expect((await registerWith('1001', later, sip.password)).status).toBe(403);
  });

  it('a credential signed with another secret is refused: 403', async () => {
    const c = ephemeralCredential('not-the-pbx-secret-123456', '1004', Math.floor(Date.now() / 1000) + 600);
    expect((await registerWith('1004', c.authUser, c.password)).status).toBe(403);
  });

  it('the secret is on no command line and in no log', async () => {
    const cmdline = (await import('node:fs')).readFileSync(`/proc/${pbx.pid}/cmdline`, 'utf8');
    expect(cmdline).toContain('kamailio');
    expect(cmdline).not.toContain(SECRET);
    expect(pbx.logs()).not.toContain(SECRET);
  });

  // edge.cfg's brute-force counter (route[EDGE_REGISTER]) must not count a valid hub credential
  // as a wrong htable password: a call center behind one NAT re-registers often.
  it('eleven REGISTERs of one extension with hub credentials from one address all get 200', async () => {
    for (let i = 0; i < 11; i++) {
      const c = ephemeralCredential(SECRET, '1008', Math.floor(Date.now() / 1000) + 600);
      expect((await registerWith('1008', c.authUser, c.password)).status, `REGISTER ${i + 1}`).toBe(200);
    }
  }, 30_000);

  it('the dev users with their htable passwords keep working beside it', async () => {
    expect((await registerWith('1005', '1005', DEV_PASSWORD)).status).toBe(200);
    expect((await registerWith('1006', '1006', 'wrong')).status).toBe(403);
  });
});

describe('a PBX without a secret behaves as before', () => {
  it('dev users register; hub-style credentials are refused', async () => {
    const plain = await startPbx({ mediaBridge: false });
    try {
      const c = ephemeralCredential(SECRET, '1001', Math.floor(Date.now() / 1000) + 600);
      const a = await Agent.connect(plain.wsUrl, '1001');
      try {
        expect((await a.register(c.authUser, c.password)).status).toBe(403);
      } finally {
        a.close();
      }
      const b = await Agent.connect(plain.wsUrl, '1007');
      try {
        expect((await b.register('1007', DEV_PASSWORD)).status).toBe(200);
      } finally {
        b.close();
      }
    } finally {
      await plain.stop();
    }
  }, 30_000);
});
