// GET /wallboard: a public static page with strict headers; no data in it, no inline script.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../db/store';
import { buildHub } from '../http/app';
import { testStore } from '../../test-support/hub/helpers';
import { WALLBOARD_CSP } from './routes';

let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  store = await testStore('pglite');
  app = await buildHub({ store });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await store?.close();
});

function expectStrictHeaders(headers: Record<string, unknown>) {
  expect(headers['content-security-policy']).toBe(WALLBOARD_CSP);
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
}

describe('wallboard routes', () => {
  it('are public and declared so', () => {
    const mine = app.hubRoutes.filter((r) => r.url.startsWith('/wallboard') && r.method === 'GET');
    expect(mine.map((r) => `${r.url} ${r.auth}`).sort()).toEqual(['/wallboard public', '/wallboard/:file public']);
  });

  it('serve the page without a token, with a CSP that allows no inline script and no framing', async () => {
    const res = await app.inject({ method: 'GET', url: '/wallboard' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expectStrictHeaders(res.headers);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    // every script is an external file of this origin
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.body).not.toMatch(/\son[a-z]+=/i);
  });

  it('serve the script, its module and the style with their types; anything else is 404', async () => {
    for (const [file, type] of [['wallboard.js', 'text/javascript'], ['figures.js', 'text/javascript'], ['wallboard.css', 'text/css']]) {
      const res = await app.inject({ method: 'GET', url: `/wallboard/${file}` });
      expect(res.statusCode, file).toBe(200);
      expect(res.headers['content-type']).toBe(`${type}; charset=utf-8`);
      expectStrictHeaders(res.headers);
      expect(res.body.length).toBeGreaterThan(100);
    }
    for (const bad of ['routes.ts', 'figures.test.ts', '..%2Fhttp%2Fapp.ts', '%2E%2E%2Fdb%2Fstore.ts', 'index.html']) {
      expect((await app.inject({ method: 'GET', url: `/wallboard/${bad}` })).statusCode, bad).toBe(404);
    }
    const slash = await app.inject({ method: 'GET', url: '/wallboard/' });
    expect(slash.statusCode).toBe(301);
    expect(slash.headers.location).toBe('/wallboard');
  });

  it('the script writes data as text: no innerHTML, outerHTML, insertAdjacentHTML or document.write', async () => {
    for (const file of ['wallboard.js', 'figures.js']) {
      const body = (await app.inject({ method: 'GET', url: `/wallboard/${file}` })).body;
      expect(body, file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
    }
  });
});
