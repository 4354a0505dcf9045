// The hub's HTTP surface (Fastify). Every route declares its access level in `config.auth`
// ('public' | 'agent' | 'supervisor' | 'admin'); registering a route without one fails at
// start-up, and one onRequest hook enforces it before any body is read:
//   no / unknown token → 401, role too low → 403. Roles are ranked agent < supervisor < admin.
//
//   GET  /v1/health             public   {ok:true} (or 503 {ok:false}); reveals nothing else
//   POST /v1/auth/login         public   {name,password} → LoginResponse (./auth.ts); rate-limited per IP and per account
//   POST /v1/auth/logout        agent    revokes the token used
//   GET  /v1/me                 agent    who am I, my scope
//   GET  /v1/me/sip             agent    a fresh SIP credential (./auth.ts)
//   GET  /v1/sync/pull          agent    NDJSON change stream (src-shared/sync/protocol.ts)
//   GET  /v1/sync/live          agent    WebSocket pokes (token in Authorization or ?token=)
//   POST /v1/sync/push          agent    exactly-once mutations
//   GET  /v1/sync/snapshot      agent    the caller's scope as one SQLite file (src-shared/sync/snapshot.ts); 404 if none
//   POST /v1/sync/snapshot/build admin   {team?,all?} build snapshots now (like `pronto-hub snapshot build`)
//   GET  /v1/teams              supervisor
//   GET  /v1/reports/sync       supervisor  sync health per user
//   GET  /v1/users              admin
//   POST /v1/users              admin    {name,role,team?,password?}
//   PUT  /v1/teams/:name        admin    {regions:[…]}
//   POST /v1/feeds/:source      admin    CSV (text/csv) or NDJSON (application/x-ndjson) feed
//   GET  /v1/dispositions       agent    the hub's disposition codes (active first)
//   PUT  /v1/dispositions       admin    [{code,category,labelEn,labelIt,position?}] replaces the active set
//   POST /v1/offers/train       admin    train + publish the offer model (like `pronto-hub train-offers`)
//   agents, break reasons, queues, events: ./agents.ts; statistics and reports: ./stats.ts
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream';
import { basename } from 'node:path';
import { createGzip, constants as zlibConstants } from 'node:zlib';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import { z } from 'zod';
import { FEED_KINDS, type FeedKind } from '../../src-shared/feeds/spec';
import { LoginRequest, PullQuery, PushRequest, type ErrorResponse, type Role } from '../../src-shared/sync/protocol';
import type { Store } from '../db/store';
import { AdminError, addUser, checkToken, hubId, listTeams, listUsers, revokeToken, setTeam } from '../admin';
import { answerLogin, authRoutes, visibility, type AuthOptions } from './auth';
import { HubBusyError, highWater } from '../changes';
import { importFeed, type FeedFormat } from '../feeds/import';
import { scopeOf, type AuthUser } from '../scope';
import { pullBody } from '../sync/pull';
import { buildSnapshots, findSnapshot } from '../sync/snapshot';
import { SNAPSHOT_HEADERS, SNAPSHOT_PATH } from '../../src-shared/sync/snapshot';
import { open } from 'node:fs/promises';
import { applyPush, type PushOptions } from '../sync/push';
import { LiveHub, type LiveOptions } from '../sync/live';
import { DispositionSet, listDispositions, setDispositions } from '../dispositions';
import { trainOffers } from '../offers/train';
import { agentRoutes } from './agents';
import { wallboardRoutes } from '../wallboard/routes';
import { statsRoutes, STATS_LIVE_PATH } from './stats';
import { LiveStats, type LiveStatsOptions } from '../stats/live';
import { hubServerFactory, type HubTls } from './server-options';

export type Access = 'public' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: Access;
    /** Also open to a wallboard's display token (read-only statistics). */
    display?: boolean;
  }
  interface FastifyInstance {
    /** Every registered route with its access level (tests check each one). */
    hubRoutes: { method: string; url: string; auth: Access }[];
  }
  interface FastifyRequest {
    hubUser: AuthUser | null;
    bearer: string | null;
    /** What else the token told about its user (issue 20). */
    hubSession: { displayName: string; extension: string | null; expiresAt: string | null } | null;
  }
}

export interface HubOptions extends AuthOptions {
  store: Store;
  /** The hub's clock in ms (tests inject one: token expiry, login backoff, SIP credentials). */
  now?: () => number;
  /** Login attempts per IP and window (default 10 per minute). */
  loginRateLimit?: { max: number; timeWindow: number | string };
  logger?: boolean;
  push?: PushOptions;
  live?: LiveOptions;
  /** Largest feed body accepted over HTTP (bytes; default 1 GiB, PRONTO_HUB_MAX_FEED_MB). */
  maxFeedBytes?: number;
  /** gzip level of pull responses (default 1: fast, ~4-6× smaller NDJSON). */
  gzipLevel?: number;
  /** Compress pulls to loopback peers too (default false: it only costs CPU there). */
  gzipLoopback?: boolean;
  /** Most problems returned in a 422 (all are counted in `total`). */
  maxFeedProblems?: number;
  /** Proxies whose X-Forwarded-* headers are believed (PRONTO_HUB_TRUST_PROXY); default none. */
  trustProxy?: boolean | string[];
  /** Speak HTTPS/WSS with this certificate and key (PRONTO_HUB_TLS_CERT/KEY); default plain HTTP. */
  tls?: HubTls;
  /** Where initial-sync snapshots live (none served when absent). */
  snapshotDir?: string;
  /** Live statistics: the day's time zone, push pace. */
  stats?: LiveStatsOptions;
}

const RANK: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3 };
const LIVE_PATH = '/v1/sync/live';

function fail(reply: FastifyReply, status: number, error: string, message: string, issues?: ErrorResponse['issues']) {
  const body: ErrorResponse = issues ? { error, message, issues } : { error, message };
  return reply.code(status).send(body);
}

function zodIssues(err: z.ZodError): NonNullable<ErrorResponse['issues']> {
  return err.issues.map((i) => ({ path: i.path.length ? i.path.join('.') : '(body)', message: i.message }));
}

function badRequest(reply: FastifyReply, what: string, err: z.ZodError) {
  const issues = zodIssues(err);
  return fail(reply, 400, 'bad_request', `${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

function bearerOf(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (h) {
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    return m ? m[1]! : null;
  }
  // Browsers cannot set headers on a WebSocket: the live routes also take ?token=.
  if (req.routeOptions.url === LIVE_PATH || req.routeOptions.url === STATS_LIVE_PATH) {
    const t = (req.query as Record<string, unknown> | undefined)?.token;
    return typeof t === 'string' ? t : null;
  }
  return null;
}

function acceptsGzip(req: FastifyRequest): boolean {
  const h = req.headers['accept-encoding'];
  if (typeof h !== 'string') return false;
  return h.split(',').some((part) => {
    const [enc, ...params] = part.trim().split(';');
    if (enc?.trim().toLowerCase() !== 'gzip') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}

function isLoopback(addr: string | undefined): boolean {
  return !!addr && (addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.'));
}

class ByteLimit extends Transform {
  private seen = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) cb(Object.assign(new Error(`feed body is larger than ${this.max} bytes`), { statusCode: 413 }));
    else cb(null, chunk);
  }
}

const NewUserBody = z.object({
  name: z.string(),
  role: z.string(),
  team: z.string().nullable().optional(),
  password: z.string().nullable().optional(),
  extension: z.string().nullable().optional(),
  displayName: z.string().nullable().optional(),
});
const TeamBody = z.object({ regions: z.array(z.string()) });
const SnapshotBuildBody = z.object({ team: z.string().optional(), all: z.boolean().optional() }).strict();

export async function buildHub(opts: HubOptions): Promise<FastifyInstance> {
  const { store } = opts;
  const hid = await hubId(store);
  const app = Fastify({
    logger: opts.logger
      ? {
          // Never log bearer tokens given as ?token= (live route).
          serializers: {
            req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.replace(/([?&]token=)[^&]*/g, '$1[redacted]') }),
          },
        }
      : false,
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: 8 << 20,
    serverFactory: hubServerFactory(opts.tls),
  });
  const live = new LiveHub(store, opts.live);

  // Plugins first: @fastify/websocket's own onRequest hook must run before ours, so that a
  // refused upgrade (401/403) still gets its socket closed.
  await app.register(rateLimit, { global: false });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  app.decorateRequest('hubUser', null);
  app.decorateRequest('bearer', null);
  app.decorateRequest('hubSession', null);
  const now = opts.now ?? Date.now;

  app.decorate('hubRoutes', []);
  app.addHook('onRoute', (route) => {
    const auth = route.config?.auth;
    if (!auth) throw new Error(`route ${String(route.method)} ${route.url} declares no config.auth`);
    for (const method of [route.method].flat()) app.hubRoutes.push({ method, url: route.url, auth });
  });

  app.addHook('onRequest', async (req, reply) => {
    const access = req.routeOptions.config?.auth;
    if (!access || access === 'public') return; // unknown routes fall through to 404
    const token = bearerOf(req);
    const check = token ? await checkToken(store, token, now()) : null;
    if (check && !check.ok && check.error !== 'unknown') {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      return check.error === 'token_expired'
        ? fail(reply, 401, 'token_expired', 'your session has expired: sign in again (POST /v1/auth/login)')
        : fail(reply, 401, 'user_disabled', 'this account is disabled; ask an administrator');
    }
    const user = check?.ok ? check.user : null;
    if (!user) {
      reply.header('www-authenticate', 'Bearer');
      return fail(reply, 401, 'unauthorized', 'a valid bearer token is required (POST /v1/auth/login, or pronto-hub token NAME)');
    }
    if (user.display && req.routeOptions.config?.display !== true) return fail(reply, 403, 'forbidden', 'a display token only shows statistics');
    if (RANK[user.role] < RANK[access]) return fail(reply, 403, 'forbidden', `this needs the ${access} role (you are ${user.role})`);
    req.hubUser = user;
    req.bearer = token;
    if (check?.ok) req.hubSession = { displayName: check.displayName, extension: check.extension, expiresAt: check.expiresAt };
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof HubBusyError) {
      reply.header('retry-after', '2');
      return fail(reply, 503, 'busy', err.message);
    }
    if (err instanceof AdminError) return fail(reply, err.status, 'bad_request', err.message);
    const status = err.statusCode ?? 500;
    if (status < 500) {
      const code = err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError ? 'bad_json' : 'bad_request';
      return fail(reply, status, code, err.message);
    }
    req.log.error(err);
    return fail(reply, 500, 'internal', 'internal error');
  });


  // Feed bodies stay streams: the importer parses them as they arrive.
  const rawStream = (_req: FastifyRequest, payload: NodeJS.ReadableStream, done: (err: Error | null, body?: unknown) => void) => done(null, payload);
  app.addContentTypeParser('text/csv', rawStream);
  app.addContentTypeParser('application/x-ndjson', rawStream);

  // ---- public ----
  app.get('/v1/health', { config: { auth: 'public' } }, async (_req, reply) => {
    try {
      await store.query('SELECT 1');
      return { ok: true };
    } catch {
      return reply.code(503).send({ ok: false });
    }
  });

  const limit = opts.loginRateLimit ?? { max: 10, timeWindow: '1 minute' };
  app.post('/v1/auth/login', {
    config: {
      auth: 'public',
      rateLimit: {
        max: limit.max,
        timeWindow: limit.timeWindow,
        errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, error: 'too_many_requests', message: `too many login attempts; retry in ${ctx.after}` }),
      },
    },
  }, async (req, reply) => {
    const body = LoginRequest.safeParse(req.body);
    if (!body.success) return badRequest(reply, 'invalid login request', body.error);
    return answerLogin(store, opts, now(), body.data, reply, fail);
  });

  // ---- agent ----
  app.post('/v1/auth/logout', { config: { auth: 'agent' } }, async (req) => {
    await revokeToken(store, req.bearer!);
    return { ok: true };
  });

  app.get('/v1/me', { config: { auth: 'agent' } }, async (req) => {
    const u = req.hubUser!;
    const scope = scopeOf(u, hid);
    const s = req.hubSession;
    return { name: u.name, role: u.role, team: u.team, regions: u.regions, scope: scope.hash, all: scope.all,
      displayName: s?.displayName ?? u.name, expiresAt: s?.expiresAt ?? null, ...visibility(u) };
  });
  authRoutes(app, opts, now, fail); // GET /v1/me/sip

  app.get('/v1/sync/pull', { config: { auth: 'agent' } }, async (req, reply) => {
    const q = PullQuery.safeParse(req.query);
    if (!q.success) return badRequest(reply, 'invalid pull query', q.error);
    const scope = scopeOf(req.hubUser!, hid);
    const params = { after: q.data.after, limit: q.data.limit, scope: q.data.scope, total: q.data.total === '1' };
    reply.header('content-type', 'application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').header('vary', 'accept-encoding');
    // Most pulls are small deltas: read ahead up to 64 KB and, when that is the whole answer,
    // send it in one piece (no stream machinery, no gzip for a few lines). A failure before
    // the first bytes still gets a proper error status.
    const gen = pullBody(store, scope, params);
    let head = '';
    let done = false;
    while (head.length < 64 * 1024) {
      const r = await gen.next();
      if (r.done) {
        done = true;
        break;
      }
      head += r.value;
    }
    // Compression costs more CPU than it saves bytes on loopback (a desktop and hub on one
    // machine, or a local reverse proxy that compresses itself).
    const gzip = acceptsGzip(req) && (!done || head.length > 4096) && (opts.gzipLoopback === true || !isLoopback(req.socket.remoteAddress));
    if (done && !gzip) return reply.send(head);
    const body = Readable.from((async function* () {
      yield head;
      if (!done) yield* gen;
    })(), { objectMode: false });
    if (gzip) {
      const gz = createGzip({ level: opts.gzipLevel ?? 1, flush: zlibConstants.Z_SYNC_FLUSH });
      reply.header('content-encoding', 'gzip');
      // A failure mid-stream aborts the response: without its checkpoint line the client discards it.
      return reply.send(pipeline(body, gz, () => {}));
    }
    return reply.send(body);
  });

  app.get(LIVE_PATH, { websocket: true, config: { auth: 'agent' } }, (socket, req) => {
    void live.add(socket, scopeOf(req.hubUser!, hid), req.hubUser!.name).catch(() => socket.terminate());
  });

  app.post('/v1/sync/push', { config: { auth: 'agent' } }, async (req, reply) => {
    const body = PushRequest.safeParse(req.body);
    if (!body.success) return badRequest(reply, 'invalid push', body.error);
    const u = req.hubUser!;
    return applyPush(store, u, scopeOf(u, hid), body.data, opts.push);
  });

  app.get(SNAPSHOT_PATH, { config: { auth: 'agent' } }, async (req, reply) => {
    const scope = scopeOf(req.hubUser!, hid);
    const snap = opts.snapshotDir ? findSnapshot(opts.snapshotDir, scope.hash) : null;
    // Open before answering: a rebuild may replace the file, and an open file stays readable.
    const fh = snap ? await open(snap.path).catch(() => null) : null;
    if (!snap || !fh) return fail(reply, 404, 'no_snapshot', 'no snapshot is built for your scope (pronto-hub snapshot build); pull the stream instead');
    if (snap.checkpoint > (await highWater(store))) {
      await fh.close();
      return fail(reply, 404, 'no_snapshot', 'the snapshot is ahead of this hub database (restored?); pull the stream instead');
    }
    reply
      .header('content-type', 'application/vnd.sqlite3')
      .header('content-length', String(snap.bytes))
      .header('cache-control', 'no-store')
      .header(SNAPSHOT_HEADERS.format, String(snap.format))
      .header(SNAPSHOT_HEADERS.scope, snap.scope)
      .header(SNAPSHOT_HEADERS.checkpoint, String(snap.checkpoint))
      .header(SNAPSHOT_HEADERS.rows, String(snap.rows))
      .header(SNAPSHOT_HEADERS.sha256, snap.sha256);
    return reply.send(fh.createReadStream({ highWaterMark: 1 << 20 }));
  });

  // ---- supervisor ----
  app.get('/v1/teams', { config: { auth: 'supervisor' } }, async () => ({ teams: await listTeams(store) }));

  app.get('/v1/reports/sync', { config: { auth: 'supervisor' } }, async (req) => {
    const u = req.hubUser!;
    const onlyTeam = u.role === 'supervisor' && u.team ? u.team : null;
    const rows = await store.query<{ name: string; team: string | null; clients: number; last_push_at: Date | null; applied: number; rejected: number }>(
      `SELECT u.name, u.team,
              (SELECT count(*)::int FROM sync_clients c WHERE c.user_id = u.id) AS clients,
              (SELECT max(c.last_push_at) FROM sync_clients c WHERE c.user_id = u.id) AS last_push_at,
              (SELECT count(*)::int FROM sync_mutations m WHERE m.user_id = u.id AND m.status = 'applied') AS applied,
              (SELECT count(*)::int FROM sync_mutations m WHERE m.user_id = u.id AND m.status = 'rejected') AS rejected
       FROM users u WHERE ($1::text IS NULL OR u.team = $1) ORDER BY u.name`,
      [onlyTeam]);
    return {
      highWater: await highWater(store),
      users: rows.map((r) => ({ ...r, last_push_at: r.last_push_at ? new Date(r.last_push_at).toISOString() : null })),
    };
  });

  // ---- admin ----
  app.get('/v1/users', { config: { auth: 'admin' } }, async () => ({ users: await listUsers(store) }));

  app.post('/v1/users', { config: { auth: 'admin' } }, async (req, reply) => {
    const body = NewUserBody.safeParse(req.body);
    if (!body.success) return badRequest(reply, 'invalid user', body.error);
    const r = await addUser(store, body.data);
    return reply.code(201).send({ name: r.name, role: r.role, team: r.team, extension: r.extension, ...(r.generatedPassword ? { password: r.generatedPassword } : {}) });
  });

  app.put('/v1/teams/:name', { config: { auth: 'admin' } }, async (req, reply) => {
    const body = TeamBody.safeParse(req.body);
    if (!body.success) return badRequest(reply, 'invalid team', body.error);
    return setTeam(store, (req.params as { name: string }).name, body.data.regions);
  });

  app.post('/v1/feeds/:source', { config: { auth: 'admin' } }, async (req, reply) => {
    const source = (req.params as { source: string }).source;
    if (!(FEED_KINDS as string[]).includes(source)) return fail(reply, 404, 'unknown_feed', `feed source must be one of ${FEED_KINDS.join(', ')}`);
    const ct = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const format: FeedFormat | null = ct === 'text/csv' ? 'csv' : ct === 'application/x-ndjson' ? 'ndjson' : null;
    if (!format || !req.body || typeof (req.body as Readable).pipe !== 'function') {
      return fail(reply, 415, 'unsupported_media_type', 'send the feed as text/csv or application/x-ndjson');
    }
    const query = req.query as Record<string, unknown>;
    const fileParam = typeof query.file === 'string' && query.file ? basename(query.file).slice(0, 200) : null;
    const file = fileParam ?? `${source}.${format === 'csv' ? 'csv' : 'ndjson'}`;
    const full = query.mode === 'full';
    const maxFeed = opts.maxFeedBytes ?? 2 ** 30;
    // A declared size over the limit is refused before a byte is read; a chunked body is cut at it.
    if (Number(req.headers['content-length'] ?? 0) > maxFeed) return fail(reply, 413, 'payload_too_large', `feed body is larger than ${maxFeed} bytes`);
    const limited = pipeline(req.body as Readable, new ByteLimit(maxFeed), () => {});
    const r = await importFeed(store, source as FeedKind, limited, { file, format, full, maxProblems: opts.maxFeedProblems ?? 1000 });
    if (!r.ok) return reply.code(422).send({ errors: r.problems, total: r.total });
    return { source: r.source, rows: r.rows, changed: r.changed, deleted: r.deleted, moved: r.moved, seq: r.seq };
  });

  app.get('/v1/dispositions', { config: { auth: 'agent' } }, async () => ({ dispositions: await listDispositions(store) }));

  app.put('/v1/dispositions', { config: { auth: 'admin' } }, async (req, reply) => {
    const body = DispositionSet.safeParse(req.body);
    if (!body.success) return badRequest(reply, 'invalid dispositions', body.error);
    return setDispositions(store, body.data);
  });

  app.post('/v1/sync/snapshot/build', { config: { auth: 'admin' } }, async (req, reply) => {
    if (!opts.snapshotDir) return fail(reply, 409, 'no_snapshot_dir', 'this hub runs without a snapshot directory');
    const body = SnapshotBuildBody.safeParse(req.body ?? {});
    if (!body.success) return badRequest(reply, 'invalid snapshot build request', body.error);
    const built = await buildSnapshots(store, opts.snapshotDir, { team: body.data.team, all: body.data.all, log: (m) => req.log.info(m) });
    return { snapshots: built.map(({ team, scope, checkpoint, rows, bytes, builtAt }) => ({ team, scope, checkpoint, rows, bytes, builtAt })) };
  });

  // Over HTTP so it can run while `serve` holds a PGlite data dir.
  app.post('/v1/offers/train', { config: { auth: 'admin' } }, async () => {
    const r = await trainOffers(store);
    return { version: r.model.version, products: r.products, customers: r.customers, purchases: r.purchases, pairs: r.pairs, outcomes: r.outcomes, seq: r.seq };
  });

  agentRoutes(app, store, fail, badRequest);
  wallboardRoutes(app); // GET /wallboard: the TV page (public; its data comes from the stats routes)
  const stats = new LiveStats(store, opts.stats);
  statsRoutes(app, store, stats, fail, badRequest);

  await live.start();
  await stats.start();
  app.addHook('preClose', async () => {
    await stats.stop();
    await live.stop();
  });
  return app;
}
