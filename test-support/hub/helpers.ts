// Shared test fixtures for the hub: stores, feeds as CSV text, users, pull parsing.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { FEED_COLUMNS, type FeedKind } from '../../src-shared/feeds/spec';
import { csvLine } from '../../src-shared/feeds/csv-quote';
import { parsePullLine, type ChangeLine, type CheckpointLine, type ResetLine } from '../../src-shared/sync/protocol';
import { openStore, type Store } from '../../src-hub/db/store';
import { issueToken, setTeam } from '../../src-hub/admin';
import { hashPassword } from '../../src-hub/auth/password';
import { buildHub, type HubOptions } from '../../src-hub/http/app';
import { importFeed, type ImportResult } from '../../src-hub/feeds/import';
import { startPostgres, type TestPostgres } from './postgres';

export type StoreKind = 'pglite' | 'postgres';

/** Opens a migrated store; for postgres, a fresh database on the given server. */
export async function testStore(kind: StoreKind, pgServer?: TestPostgres): Promise<Store> {
  if (kind === 'pglite') return openStore({});
  if (!pgServer) throw new Error('postgres store needs a server');
  return openStore({ databaseUrl: await pgServer.createDatabase(), poolSize: 20 });
}

export { startPostgres };

export interface SuiteContext {
  kind: StoreKind;
  store: Store;
  app: FastifyInstance;
  pg: TestPostgres | null;
}

/**
 * Runs the same tests against PGlite and a throwaway PostgreSQL (one store and one hub per
 * kind, shared by the tests of the block: isolate with resetStore).
 */
export function describeStores(name: string, body: (ctx: SuiteContext) => void, hubOptions: Omit<HubOptions, 'store'> = {}): void {
  describe.each(['pglite', 'postgres'] as const)(`${name} [%s]`, (kind) => {
    const ctx = { kind } as SuiteContext;
    beforeAll(async () => {
      ctx.pg = kind === 'postgres' ? await startPostgres() : null;
      ctx.store = await testStore(kind, ctx.pg ?? undefined);
      ctx.app = await buildHub({ store: ctx.store, ...hubOptions });
    }, 120_000);
    afterAll(async () => {
      await ctx.app?.close();
      await ctx.store?.close();
      await ctx.pg?.stop();
    }, 60_000);
    body(ctx);
  });
}

const TABLES = [
  'offer_outcomes', 'cases', 'changes', 'note_history', 'customer_notes', 'contacts', 'purchases', 'accounts', 'credit_terms',
  'customers', 'products', 'sync_mutations', 'sync_clients', 'call_events', 'agent_states', 'queues', 'tokens', 'users', 'teams',
  'login_failures',
];

/** Empties every table and restarts the change numbers (fast isolation between tests). */
export async function resetStore(store: Store): Promise<void> {
  await store.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`);
  await store.query(`ALTER SEQUENCE change_seq RESTART WITH 1`);
}

/** A feed as CSV text; missing columns are empty. */
export function csv(kind: FeedKind, rows: Record<string, string | number>[]): string {
  const cols = FEED_COLUMNS[kind] as readonly string[];
  return [cols.join(','), ...rows.map((r) => csvLine(cols.map((c) => String(r[c] ?? ''))))].join('\n') + '\n';
}

export const PRODUCTS = [
  { sku: 'P1', name: 'Printer', category: 'hw', family: 'print', tier: 1, price: '199.00', currency: 'EUR', margin: '0.3' },
  { sku: 'P2', name: 'Toner', category: 'supplies', family: 'print', tier: 2, price: '49.90', currency: 'EUR', margin: '45%' },
];

export function customer(id: string, region: string, extra: Record<string, string> = {}): Record<string, string> {
  const country = region === 'DACH' ? 'DE' : 'IT';
  const phone = country === 'DE' ? `+49 30 12345${id.replace(/\D/g, '').padStart(2, '0').slice(-2)}` : `02 8765 43${id.replace(/\D/g, '').padStart(2, '0').slice(-2)}`;
  return { customer_id: id, name: `Customer ${id}`, company: `${id} Srl`, email: `${id.toLowerCase()}@example.com`, segment: 'SMB', region, country, phones: `office=${phone}`, created_at: '2021-05-01', ...extra };
}

export function purchase(order: string, customerId: string, sku = 'P1', amount = '199.00'): Record<string, string> {
  return { order_id: order, customer_id: customerId, sku, quantity: '1', amount, currency: 'EUR', purchased_at: '2024-02-03T10:00:00Z' };
}

export function account(customerId: string, balance = '100.00'): Record<string, string> {
  return { customer_id: customerId, balance, currency: 'EUR', overdue_amount: '0', oldest_due_date: '', last_payment_at: '2024-01-01', last_payment_amount: '50.00' };
}

export function credit(customerId: string, status = 'ok'): Record<string, string> {
  return { customer_id: customerId, credit_limit: '5000', currency: 'EUR', payment_terms: '30 days', status, risk_class: 'B', reviewed_at: '2024-01-01' };
}

export async function importCsv(store: Store, kind: FeedKind, rows: Record<string, string | number>[], opts: { full?: boolean; file?: string } = {}): Promise<ImportResult> {
  return importFeed(store, kind, Buffer.from(csv(kind, rows)), { file: opts.file ?? `${kind}.csv`, full: opts.full ?? false });
}

/** Imports and asserts success. */
export async function mustImport(store: Store, kind: FeedKind, rows: Record<string, string | number>[], opts: { full?: boolean } = {}) {
  const r = await importCsv(store, kind, rows, opts);
  if (!r.ok) throw new Error(`import ${kind} failed:\n${r.problems.join('\n')}`);
  return r;
}

export const PASSWORD = 'correct horse battery';
let passwordHash: Promise<string> | null = null;

/**
 * Teams North (Nord-Ovest) and South (DACH); agents nina (North), sven (South), lou (no team),
 * supervisor sam (North), admin ada — all with PASSWORD. Returns a bearer token per person.
 */
export async function seedPeople(store: Store): Promise<Record<'admin' | 'supervisor' | 'north' | 'south' | 'loner', string>> {
  await setTeam(store, 'North', ['Nord-Ovest']);
  await setTeam(store, 'South', ['DACH']);
  const hash = await (passwordHash ??= hashPassword(PASSWORD)); // scrypt once per test process
  const people: [string, string, string | null][] = [['ada', 'admin', null], ['sam', 'supervisor', 'North'], ['nina', 'agent', 'North'], ['sven', 'agent', 'South'], ['lou', 'agent', null]];
  for (const [name, role, team] of people) {
    await store.query('INSERT INTO users (name, role, team, password_hash) VALUES ($1, $2, $3, $4)', [name, role, team, hash]);
  }
  return {
    admin: await issueToken(store, 'ada'),
    supervisor: await issueToken(store, 'sam'),
    north: await issueToken(store, 'nina'),
    south: await issueToken(store, 'sven'),
    loner: await issueToken(store, 'lou'),
  };
}

export async function seedData(store: Store): Promise<void> {
  await mustImport(store, 'products', PRODUCTS);
  await mustImport(store, 'customers', [customer('C1', 'Nord-Ovest'), customer('C2', 'Nord-Ovest'), customer('C3', 'DACH')]);
  await mustImport(store, 'purchases', [purchase('O1', 'C1'), purchase('O2', 'C2', 'P2', '49.90'), purchase('O3', 'C3')]);
  await mustImport(store, 'accounts', [account('C1'), account('C3')]);
  await mustImport(store, 'credit', [credit('C1'), credit('C3', 'watch')]);
}

/** A clean store with the people and data above; returns their tokens. */
export async function resetAndSeed(store: Store): Promise<Awaited<ReturnType<typeof seedPeople>>> {
  await resetStore(store);
  const t = await seedPeople(store);
  await seedData(store);
  return t;
}

export interface PullPage {
  reset: ResetLine | null;
  changes: ChangeLine[];
  checkpoint: CheckpointLine;
  status: number;
  headers: Record<string, unknown>;
}

export function parsePullBody(text: string): Omit<PullPage, 'status' | 'headers'> {
  const lines = text.split('\n').filter((l) => l !== '');
  let reset: ResetLine | null = null;
  const changes: ChangeLine[] = [];
  let checkpoint: CheckpointLine | null = null;
  lines.forEach((l, i) => {
    const v = parsePullLine(l);
    if ('reset' in v) {
      if (i !== 0) throw new Error('reset line not first');
      reset = v;
    } else if ('checkpoint' in v) {
      if (i !== lines.length - 1) throw new Error('checkpoint line not last');
      checkpoint = v;
    } else changes.push(v);
  });
  if (!checkpoint) throw new Error(`no checkpoint line in:\n${text.slice(0, 500)}`);
  return { reset, changes, checkpoint };
}

/** One pull request through app.inject. */
export async function pull(app: FastifyInstance, token: string, q: { after?: number; limit?: number; scope?: string; total?: boolean; gzip?: boolean; from?: string } = {}): Promise<PullPage> {
  const params = new URLSearchParams({ after: String(q.after ?? 0) });
  if (q.limit !== undefined) params.set('limit', String(q.limit));
  if (q.scope !== undefined) params.set('scope', q.scope);
  if (q.total) params.set('total', '1');
  const res = await app.inject({
    method: 'GET', url: `/v1/sync/pull?${params}`,
    headers: { authorization: `Bearer ${token}`, 'accept-encoding': q.gzip ? 'gzip' : 'identity' },
    remoteAddress: q.from ?? '10.0.0.2', // not loopback: the hub skips gzip for loopback peers
  });
  if (res.statusCode !== 200) throw new Error(`pull → ${res.statusCode}: ${res.body}`);
  const text = res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.rawPayload).toString('utf8') : res.body;
  return { ...parsePullBody(text), status: res.statusCode, headers: res.headers };
}

/** Pulls until `more` is false, following checkpoints; returns all changes and the last checkpoint. */
export async function pullAll(app: FastifyInstance, token: string, from: { after?: number; scope?: string } = {}, limit?: number) {
  let after = from.after ?? 0;
  let scope = from.scope;
  const changes: ChangeLine[] = [];
  const pages: PullPage[] = [];
  for (;;) {
    const p = await pull(app, token, { after, limit, scope });
    pages.push(p);
    if (p.reset) changes.length = 0;
    changes.push(...p.changes);
    after = p.checkpoint.checkpoint;
    scope = p.checkpoint.scope;
    if (!p.checkpoint.more) return { changes, checkpoint: p.checkpoint, pages };
  }
}

/** Applies change lines to a map "entity:key" → data, the way a client would (customer delete cascades). */
export function applyChanges(state: Map<string, unknown>, changes: ChangeLine[]): Map<string, unknown> {
  for (const c of changes) {
    const id = `${c.entity}:${c.key}`;
    if (c.op === 'upsert') state.set(id, c.data);
    else {
      state.delete(id);
      if (c.entity === 'customer') {
        for (const [k, v] of state) {
          if ((v as { customerId?: string }).customerId === c.key && !k.startsWith('customer:') && !k.startsWith('contact:')) state.delete(k);
        }
      }
    }
  }
  return state;
}
