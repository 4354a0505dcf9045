// Serves the wallboard (a static page for a TV: index.html, wallboard.js, figures.js,
// wallboard.css from this folder) at GET /wallboard. The page itself is public — it holds no data;
// its figures come from the statistics routes, which check the token the page sends
// (src-hub/stats). The files are read once, at start-up.
//
// Headers: a strict CSP (only this origin's own script and style, no inline script, no eval;
// connect-src 'self' covers the same-origin ws:/wss: socket in CSP3 browsers), no framing
// (clickjacking a supervisor's sign-in), no sniffing, no referrer (the page never puts its
// token in a URL, but say so anyway).
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const WALLBOARD_PATH = '/wallboard';

export const WALLBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ASSETS: Record<string, string> = {
  'wallboard.js': 'text/javascript; charset=utf-8',
  'figures.js': 'text/javascript; charset=utf-8',
  'wallboard.css': 'text/css; charset=utf-8',
};

function load(name: string): Buffer {
  return readFileSync(new URL(`./${name}`, import.meta.url));
}

function secure(reply: FastifyReply, type: string): FastifyReply {
  return reply
    .header('content-type', type)
    .header('content-security-policy', WALLBOARD_CSP)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cross-origin-resource-policy', 'same-origin')
    .header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()')
    // Small files: always revalidate, so a hub upgrade reaches every TV at its next reload.
    .header('cache-control', 'no-cache');
}

export function wallboardRoutes(app: FastifyInstance): void {
  const page = load('index.html');
  const assets = new Map(Object.entries(ASSETS).map(([name, type]) => [name, { body: load(name), type }]));

  app.get(WALLBOARD_PATH, { config: { auth: 'public' } }, async (_req, reply) => secure(reply, 'text/html; charset=utf-8').send(page));

  app.get(`${WALLBOARD_PATH}/:file`, { config: { auth: 'public' } }, async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const asset = assets.get(file);
    // `/wallboard/` (a typed trailing slash) → the page; the fragment survives a redirect.
    if (file === '') return reply.redirect(WALLBOARD_PATH, 301);
    if (!asset) return secure(reply, 'application/json; charset=utf-8').code(404).send({ error: 'not_found', message: 'no such wallboard file' });
    return secure(reply, asset.type).send(asset.body);
  });
}
