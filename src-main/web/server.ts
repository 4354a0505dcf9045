// The web host: the built renderer and the same API as the Electron host, over HTTP + WebSocket
// on 127.0.0.1 only. Any web page the agent visits can reach loopback too, so every request must
// prove it comes from our own page: right Host (no DNS rebinding), same Origin, and a custom
// header with a JSON body (which a cross-site page can only send after a CORS preflight we refuse).
// Any local process can reach loopback as well, and sends whatever Host and Origin it likes: so
// every request (HTTP and the WebSocket) must also carry this launch's key, which only the URL
// printed at start holds (see launch-key.ts).
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { HTTP_API_PREFIX, WS_EVENTS_PATH } from '../../src-shared/api/bridge';
import { CSP, CSP_META, metaOf } from '../../src-shared/api/csp';
import type { DesktopApi } from '../api/desktop-api';
import { createCallPath, httpStatus } from '../api/call-path';
import { LAUNCH_KEY_PARAM, keyCookie, newLaunchKey, presentedKey, sameKey } from './launch-key';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
};

const MAX_BODY = 64 * 1024;

export interface WebHostOptions {
  app: DesktopApi;
  rendererDir: string;
  port: number;
  host?: string;
  log?: (line: string) => void;
  /** Method calls slower than this are logged (PRONTO_SLOW_API_MS; default 50). */
  slowApiMs?: number;
  /** This launch's key (PRONTO_WEB_KEY); a new random one when absent. */
  launchKey?: string;
  /** The policy to send, asked per page (it names the configured SIP server: cspFor); default CSP. */
  csp?: () => string;
}

export interface WebHost {
  /** The URL to open: it carries the launch key (the page trades it for a cookie at once). */
  url: string;
  /** This launch's key: an `X-Pronto-Key` header (scripts) or the cookie the URL sets (the page). */
  launchKey: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const host = opts.host ?? '127.0.0.1';
  const root = resolve(opts.rendererDir);
  let port = opts.port;
  const log = opts.log ?? (() => {});
  const launchKey = opts.launchKey ?? newLaunchKey();
  const authorized = (req: IncomingMessage): boolean => sameKey(presentedKey(req, port), launchKey);

  const sameOrigin = (req: IncomingMessage): boolean => {
    const hosts = allowedHosts(port);
    if (!req.headers.host || !hosts.has(req.headers.host)) return false;
    const origin = req.headers.origin;
    return origin === undefined || [...hosts].some((h) => origin === `http://${h}`);
  };

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    const json = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(json);
  };

  const callApi = createCallPath(opts.app, { log, slowMs: opts.slowApiMs ?? 50 });

  const handleApi = async (req: IncomingMessage, res: ServerResponse, method: string): Promise<void> => {
    if (req.method !== 'POST') return send(res, 405, { ok: false, error: { code: 'bad_request', message: 'use POST' } });
    if (req.headers['x-pronto-client'] === undefined || !/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
      return send(res, 403, { ok: false, error: { code: 'bad_request', message: 'missing X-Pronto-Client header or JSON content type' } });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) return send(res, 413, { ok: false, error: { code: 'bad_request', message: 'request body too large' } });
      chunks.push(c as Buffer);
    }
    let input: unknown;
    try {
      input = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch {
      return send(res, 400, { ok: false, error: { code: 'bad_request', message: 'body is not valid JSON' } });
    }
    const reply = await callApi(method, input);
    send(res, httpStatus(reply), reply);
  };

  const serveStatic = async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    let rel = decodeURIComponent(pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = resolve(join(root, rel));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(404).end();
      return;
    }
    let target = file;
    try {
      if (!(await stat(target)).isFile()) throw new Error('not a file');
    } catch {
      // Single-page app: unknown paths without an extension get the shell.
      if (extname(rel)) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      target = join(root, 'index.html');
    }
    let body: Buffer;
    try {
      body = await readFile(target);
    } catch {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end('The renderer is not built. Run `npm run build` (or `npm run web`, which builds first).');
      return;
    }
    const csp = opts.csp?.() ?? CSP;
    // the built meta tag holds the broad floor: the page gets the narrow policy there too
    if (target.endsWith('index.html') && csp !== CSP) body = Buffer.from(body.toString('utf8').replace(CSP_META, metaOf(csp)));
    res.writeHead(200, {
      'Content-Type': MIME[extname(target)] ?? 'application/octet-stream',
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': target.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const server = createServer((req, res) => {
    if (!sameOrigin(req)) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('forbidden: wrong Host or Origin');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const offered = url.searchParams.get(LAUNCH_KEY_PARAM);
    if (offered !== null && (req.method === 'GET' || req.method === 'HEAD') && sameKey(offered, launchKey)) {
      // The printed URL: trade the key for a cookie and drop it from the address bar and history.
      url.searchParams.delete(LAUNCH_KEY_PARAM);
      res.writeHead(303, { Location: url.pathname + url.search, 'Set-Cookie': keyCookie(port, launchKey), 'Cache-Control': 'no-store' }).end();
      return;
    }
    if (!authorized(req)) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end('forbidden: open the URL `pronto serve` printed (it carries this launch\'s key)');
      return;
    }
    const p = url.pathname.startsWith(HTTP_API_PREFIX)
      ? handleApi(req, res, url.pathname.slice(HTTP_API_PREFIX.length))
      : serveStatic(req, res, url.pathname);
    p.catch((err: unknown) => {
      log(`request failed: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  // The events socket also carries method calls ({"id","method","input"} → {"id","ok",…}): a
  // message on an open socket costs the renderer far less than an HTTP request (the pop path
  // makes a few per call). Same origin check as the upgrade; the renderer falls back to POST.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  const rpc = async (ws: WebSocket, raw: unknown): Promise<void> => {
    let msg: { id?: unknown; method?: unknown; input?: unknown };
    try {
      msg = JSON.parse(String(raw)) as typeof msg;
    } catch {
      return;
    }
    if (!msg || typeof msg !== 'object' || typeof msg.id !== 'number' || typeof msg.method !== 'string') return;
    const reply = await callApi(msg.method, msg.input ?? {});
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: msg.id, ...reply }));
  };
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== WS_EVENTS_PATH || !sameOrigin(req) || req.headers.origin === undefined || !authorized(req)) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('message', (data) => void rpc(ws, data));
      ws.send(JSON.stringify({ rpc: 1 })); // this host takes method calls on the socket
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
    });
  });
  const unsubscribe = opts.app.onEvent((event, payload) => {
    const msg = JSON.stringify({ event, payload });
    for (const ws of sockets) ws.send(msg);
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, host, () => ok());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return {
    url: `http://127.0.0.1:${port}/?${LAUNCH_KEY_PARAM}=${launchKey}`,
    launchKey,
    port,
    server,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
