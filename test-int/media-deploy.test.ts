/**
 * The PBX's production shape (deploy/kamailio/production.cfg) really runs: agents on SIP over
 * SECURE WebSocket (Kamailio's tls module) with a certificate, the trunk on UDP, the media bridge
 * configured. A throw-away copy of deploy/kamailio with the addresses moved to 127.0.0.1 and a
 * self-signed certificate (openssl) is started with real Kamailio; a wss:// client sends OPTIONS
 * and gets Kamailio's 200. The dev shape (no TLS) stays loopback-only: it has no wss listener.
 *
 *   npx vitest run test-int/media-deploy.test.ts
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { findBinary, freeTcpPort, freeUdpPort } from '../test-support/pbx/pbx-process';

const REPO = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'pronto-prod-shape-'));
let kam: ChildProcess | null = null;

afterAll(() => {
  if (kam?.pid) {
    try {
      process.kill(-kam.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(work, { recursive: true, force: true });
});

/** production.cfg with its defines pointed at this machine's loopback and the test's files. */
function productionCopy(wssPort: number, udpPort: number): string {
  const dir = join(work, 'kamailio');
  cpSync(join(REPO, 'deploy/kamailio'), dir, { recursive: true });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=pbx.test',
    '-keyout', join(work, 'key.pem'), '-out', join(work, 'cert.pem')], { stdio: 'ignore' });
  const tls = readFileSync(join(dir, 'tls.cfg'), 'utf8')
    .replace(/^private_key = .*$/m, `private_key = ${join(work, 'key.pem')}`)
    .replace(/^certificate = .*$/m, `certificate = ${join(work, 'cert.pem')}`);
  writeFileSync(join(dir, 'tls.cfg'), tls);
  const set = (text: string, name: string, value: string) => {
    const re = new RegExp(`^#!define ${name} .*$`, 'm');
    expect(text, `production.cfg defines ${name}`).toMatch(re);
    return text.replace(re, `#!define ${name} ${value}`);
  };
  let cfg = readFileSync(join(dir, 'production.cfg'), 'utf8');
  cfg = set(cfg, 'SIP_IP', '127.0.0.1');
  cfg = set(cfg, 'WSS_PORT', String(wssPort));
  cfg = set(cfg, 'UDP_PORT', String(udpPort));
  cfg = set(cfg, 'TLS_CFG', `"${join(dir, 'tls.cfg')}"`);
  cfg = set(cfg, 'TRUNK_IP', '"127.0.0.2"');
  cfg = set(cfg, 'TRUNK_GW', '"sip:127.0.0.2:5060"');
  cfg = set(cfg, 'CTL_SOCKET', `"unix:${join(work, 'ctl')}"`);
  cfg = set(cfg, 'DATA_URL', `"text://${join(dir, 'data')}"`);
  cfg = set(cfg, 'MOH_FILE', `"${join(dir, 'media/hold-music.wav')}"`);
  cfg = set(cfg, 'EVAPI_ADDR', `"127.0.0.1:${wssPort + 1}"`);
  const file = join(dir, 'production.cfg');
  writeFileSync(file, cfg);
  return file;
}

describe('production shape (deploy/kamailio/production.cfg)', () => {
  it('parses, starts with TLS and answers SIP over wss:// with its certificate', async () => {
    const kamailio = findBinary('kamailio', 'PRONTO_KAMAILIO_BIN');
    expect(kamailio, 'kamailio installed').toBeTruthy();
    const wssPort = await freeTcpPort();
    const udpPort = await freeUdpPort();
    const cfg = productionCopy(wssPort, udpPort);
    execFileSync(kamailio!, ['-c', '-f', cfg], { stdio: 'pipe' }); // throws with Kamailio's message

    let log = '';
    kam = spawn(kamailio!, ['-f', cfg, '-DD', '-E', '-m', '64', '-M', '8', '-P', join(work, 'k.pid'), '-Y', work, '-w', work], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    kam.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 15_000;
    let reply = '';
    let cert = '';
    while (!reply && Date.now() < deadline) {
      reply = await new Promise<string>((res) => {
        const ws = new WebSocket(`wss://127.0.0.1:${wssPort}`, 'sip', { rejectUnauthorized: false });
        const t = setTimeout(() => (ws.terminate(), res('')), 2000);
        ws.once('error', () => (clearTimeout(t), res('')));
        ws.once('upgrade', (r) => {
          const peer = (r.socket as unknown as { getPeerCertificate(): { subject?: { CN?: string } } }).getPeerCertificate();
          cert = peer.subject?.CN ?? '';
        });
        ws.once('open', () => {
          const id = Math.random().toString(36).slice(2);
          ws.send(
            `OPTIONS sip:pbx.example.com SIP/2.0\r\nVia: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK${id}\r\nMax-Forwards: 70\r\n` +
              `To: <sip:pbx.example.com>\r\nFrom: <sip:probe@pbx.example.com>;tag=${id}\r\nCall-ID: ${id}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
          );
        });
        ws.once('message', (m) => {
          clearTimeout(t);
          ws.close();
          res(m.toString());
        });
      });
      if (!reply) await new Promise((r) => setTimeout(r, 200));
    }
    expect(reply.split('\r\n')[0], `a SIP answer over wss://\n${log.slice(-3000)}`).toMatch(/^SIP\/2\.0 200 /);
    expect(cert, 'the certificate of tls.cfg is served').toBe('pbx.test');
    expect(log).not.toMatch(/ERROR: .*tls/i);
  }, 40_000);

  it('the dev shape has no wss listener and listens on loopback only', () => {
    const cfg = readFileSync(join(REPO, 'deploy/kamailio/kamailio.cfg'), 'utf8');
    const devListen = cfg.split('#!else')[1]!.split('#!endif')[0]!;
    expect(devListen).toMatch(/listen=udp:LISTEN_IP:UDP_PORT/);
    expect(cfg).toMatch(/#!ifndef WITH_TLS\n#!define LISTEN_IP 127\.0\.0\.1/);
  });
});
