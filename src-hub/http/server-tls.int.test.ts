// The hub over TLS, for real: a self-signed certificate made here with openssl, `hubHttpOptions`
// reading it as `pronto-hub serve` does, HTTPS and WSS on one port, plain HTTP refused on it; the
// feed size limit from the config; X-Forwarded-For believed only from a configured proxy.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { WebSocket } from 'ws';
import type { Store } from '../db/store';
import { loadHubConfig } from '../config';
import { buildHub } from './app';
import { hubHttpOptions } from './server-options';
import { seedPeople, testStore } from '../../test-support/hub/helpers';

let dir: string;
let store: Store;
let tokens: Awaited<ReturnType<typeof seedPeople>>;
let app: FastifyInstance;
let port: number;
let ca: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pronto-hub-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=pronto-hub-test', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  ca = readFileSync(join(dir, 'cert.pem'));
  store = await testStore('pglite');
  tokens = await seedPeople(store);
  // as `pronto-hub serve --tls-cert … --tls-key …` with PRONTO_HUB_MAX_FEED_MB=1
  const config = loadHubConfig({ 'tls-cert': join(dir, 'cert.pem'), 'tls-key': join(dir, 'key.pem') }, { PRONTO_HUB_MAX_FEED_MB: '1' });
  app = await buildHub({ store, ...hubHttpOptions(config) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
}, 90_000);
afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function https(path: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<{ status: number; body: string; protocol: string | null }> {
  return new Promise((ok, fail) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers, ca }, (res) => {
      let body = '';
      const protocol = (res.socket as TLSSocket).getProtocol();
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body, protocol }));
    });
    req.on('error', fail);
    req.end(init.body);
  });
}

describe('hub over TLS', () => {
  it('answers HTTPS with the configured certificate (TLS 1.2+)', async () => {
    const r = await https('/v1/health');
    expect(r.status).toBe(200);
    expect(r.protocol).toMatch(/^TLSv1\.[23]$/);
    const me = await https('/v1/me', { headers: { authorization: `Bearer ${tokens.north}` } });
    expect(JSON.parse(me.body)).toMatchObject({ name: 'nina' });
  });

  it('refuses a client that does not trust the certificate, and plain HTTP on its port', async () => {
    await expect(new Promise((ok, fail) => httpsRequest({ host: '127.0.0.1', port, path: '/v1/health' }, ok).on('error', fail).end())).rejects.toThrow(/self[- ]signed/i);
    const plain = await new Promise<number | string>((ok) => {
      httpRequest({ host: '127.0.0.1', port, path: '/v1/health' }, (res) => ok(res.statusCode ?? 0)).on('error', (e) => ok(String((e as NodeJS.ErrnoException).code))).end();
    });
    expect(plain).not.toBe(200);
  });

  it('carries the live sync socket as WSS', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${port}/v1/sync/live`, { ca, headers: { authorization: `Bearer ${tokens.north}` } });
    const first = await new Promise<string>((ok, fail) => {
      ws.once('message', (d) => ok(String(d)));
      ws.once('error', fail);
      ws.once('unexpected-response', (_q, res) => fail(new Error(`HTTP ${res.statusCode}`)));
    });
    expect(first.length).toBeGreaterThan(0);
    ws.close();
  });

  it('refuses a feed larger than PRONTO_HUB_MAX_FEED_MB with 413', async () => {
    const header = 'sku,name,category,family,tier,price,currency,margin\n';
    const row = 'SKU-X,A product,machines,espresso,1,10.00,EUR,0.3\n';
    const body = header + row.repeat(Math.ceil((1.2 * 2 ** 20) / row.length));
    const r = await https('/v1/feeds/products', { method: 'POST', headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'text/csv' }, body });
    expect(r.status).toBe(413);
    const small = await https('/v1/feeds/products', { method: 'POST', headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'text/csv' }, body: header + row });
    expect(small.status).toBe(200);
  });
});

describe('--trust-proxy', () => {
  async function loginsFrom(trustProxy: string[] | false): Promise<number[]> {
    const hub = await buildHub({ store, trustProxy, loginRateLimit: { max: 2, timeWindow: 60_000 } });
    try {
      const codes: number[] = [];
      for (const client of ['198.51.100.1', '198.51.100.1', '198.51.100.1', '198.51.100.2']) {
        const r = await hub.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': client }, payload: { name: 'nina', password: 'wrong' } });
        codes.push(r.statusCode);
      }
      return codes;
    } finally {
      await hub.close();
    }
  }

  it('believes X-Forwarded-For only from a configured proxy (login limits per real client)', async () => {
    // behind the proxy: the third try of one client is limited, another client is not
    expect(await loginsFrom(['127.0.0.1'])).toEqual([401, 401, 429, 401]);
    // not configured: the header is ignored, everyone is the proxy's address
    expect(await loginsFrom(false)).toEqual([401, 401, 429, 429]);
  });

  it('takes addresses or CIDRs only, never "trust everyone"', () => {
    expect(loadHubConfig({ 'trust-proxy': '127.0.0.1, 10.0.0.0/8,::1' }, {}).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    for (const bad of ['true', '*', '1', 'proxy.example.com']) expect(() => loadHubConfig({}, { PRONTO_HUB_TRUST_PROXY: bad })).toThrow(/PRONTO_HUB_TRUST_PROXY: must be IP addresses or CIDRs/);
  });

  it('TLS needs both files, readable', () => {
    expect(() => hubHttpOptions(loadHubConfig({ 'tls-cert': join(dir, 'cert.pem') }, {}))).toThrow('PRONTO_HUB_TLS_KEY: TLS needs both a certificate and its key');
    expect(() => hubHttpOptions(loadHubConfig({ 'tls-cert': join(dir, 'nope.pem'), 'tls-key': join(dir, 'key.pem') }, {}))).toThrow(/PRONTO_HUB_TLS_CERT: cannot read .*nope\.pem \(ENOENT\)/);
    expect(hubHttpOptions(loadHubConfig({}, {}))).toEqual({ trustProxy: false, maxFeedBytes: 2 ** 30 });
  });
});
