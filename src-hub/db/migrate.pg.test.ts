// Migrations: apply to empty PGlite and PostgreSQL, re-apply to stores holding data, and stay in
// step with src-hub/db/schema.ts (drizzle-kit finds nothing to generate).
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openStore, type Store } from './store';
import { hubId } from '../admin';
import { buildHub } from '../http/app';
import { PASSWORD, pullAll, seedData, seedPeople, startPostgres } from '../../test-support/hub/helpers';
import type { TestPostgres } from '../../test-support/hub/postgres';

const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
const EXPECTED_TABLES = [
  'accounts', 'agent_states', 'break_reasons', 'call_events', 'cases', 'changes', 'contacts', 'credit_terms', 'customer_notes', 'customers',
  'dispositions', 'hub_meta', 'login_failures', 'note_history', 'offer_outcomes', 'products', 'purchases', 'queues', 'sync_clients', 'sync_mutations', 'teams',
  'tokens', 'users',
];

async function tables(store: Store): Promise<string[]> {
  const r = await store.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
  return r.map((x) => x.table_name);
}

async function applied(store: Store): Promise<number> {
  const r = await store.rows('SELECT count(*) FROM drizzle.__drizzle_migrations');
  return Number(r[0]![0]);
}

/** Opens, fills with data through the real code paths, returns what a client would pull. */
async function fill(store: Store) {
  const t = await seedPeople(store);
  await seedData(store);
  const app = await buildHub({ store });
  // a case with an offer outcome in the tables 0001 added
  const caseId = '7a1c3f9e-0b7d-4c55-9a35-1f1d2f3e4a5b';
  const payload = { caseId, customerId: 'C1', callId: null, callLine: '', callDurationS: 12, disposition: 'ORDER', category: 'sales', notes: 'n',
    followUpDate: null, followUpTask: '', createdAt: '2026-01-01T10:00:00.000Z', submittedAt: '2026-01-01T10:05:00.000Z',
    offers: [{ sku: 'P2', kind: 'cross_sell', outcome: 'accepted', decidedAt: '2026-01-01T10:05:00.000Z' }] };
  const pushed = await app.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${t.north}` },
    payload: { clientId: 'mig', mutations: [{ id: caseId, seq: 1, kind: 'case.submit', payload }] } });
  expect(pushed.json()).toMatchObject({ applied: [caseId] });
  const before = await pullAll(app, t.admin);
  expect(before.changes.filter((c) => c.entity === 'case')).toHaveLength(1);
  await app.close();
  return before;
}

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

describe('migrations', () => {
  it('every migration file is in the journal', () => {
    const files = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort();
    expect(files).toEqual(journal.entries.map((e) => e.tag).sort());
  });

  it('apply to an empty PGlite and an empty PostgreSQL, creating every table', async () => {
    for (const open of [() => openStore({}), async () => openStore({ databaseUrl: await pg.createDatabase() })]) {
      const store = await open();
      try {
        expect(await tables(store)).toEqual(EXPECTED_TABLES);
        expect(await applied(store)).toBe(journal.entries.length);
        expect(await hubId(store)).toMatch(/^[0-9a-f-]{36}$/);
        // 0001 seeds the same default dispositions as the desktop's 0004
        const codes = (await store.rows('SELECT code FROM dispositions WHERE active ORDER BY position')).map((r) => r[0]);
        expect(codes).toEqual(['INFO', 'ORDER', 'QUOTE', 'PAYMENT', 'CREDIT', 'COMPLAINT', 'TECH', 'CALLBACK', 'WRONG']);
      } finally {
        await store.close();
      }
    }
  }, 60_000);

  it('re-apply to a PGlite data dir holding data: nothing lost, same hub id, same pull', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pronto-hub-mig-'));
    try {
      const s1 = await openStore({ dataDir: dir });
      const before = await fill(s1);
      const id = await hubId(s1);
      await s1.close();
      const s2 = await openStore({ dataDir: dir });
      try {
        expect(await applied(s2)).toBe(journal.entries.length);
        expect(await hubId(s2)).toBe(id);
        const token = (await s2.query<{ n: number }>(`SELECT count(*)::int AS n FROM users`))[0]!.n;
        expect(token).toBe(5);
        // 0003 (issue 20): users keep working; CLI tokens made before it never expire
        expect(await s2.query(`SELECT name FROM users WHERE disabled_at IS NOT NULL OR display_name IS NOT NULL`)).toEqual([]);
        expect(await s2.query(`SELECT label FROM tokens WHERE expires_at IS NOT NULL AND label <> 'login'`)).toEqual([]);
        const app = await buildHub({ store: s2 });
        const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { name: 'ada', password: PASSWORD } });
        const after = await pullAll(app, login.json().token);
        await app.close();
        expect(after.changes).toEqual(before.changes);
      } finally {
        await s2.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('re-apply to a PostgreSQL database holding data, also from two hubs starting at once', async () => {
    const url = await pg.createDatabase();
    const s1 = await openStore({ databaseUrl: url });
    const before = await fill(s1);
    await s1.close();
    const [a, b] = await Promise.all([openStore({ databaseUrl: url }), openStore({ databaseUrl: url })]);
    try {
      expect(await applied(a)).toBe(journal.entries.length);
      const app = await buildHub({ store: b });
      const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { name: 'ada', password: PASSWORD } });
      expect((await pullAll(app, login.json().token)).changes).toEqual(before.changes);
      await app.close();
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);

  it('are up to date with src-hub/db/schema.ts (drizzle-kit generate has nothing to add)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'pronto-hub-kit-'));
    try {
      cpSync(MIGRATIONS_FOLDER, out, { recursive: true });
      const root = fileURLToPath(new URL('../..', import.meta.url));
      const kit = join(root, 'node_modules', 'drizzle-kit', 'bin.cjs');
      // (drizzle-kit wants --out relative to the working directory)
      const r = await promisify(execFile)(process.execPath, [kit, 'generate', '--dialect', 'postgresql', '--schema', 'src-hub/db/schema.ts', '--out', relative(root, out)], { cwd: root });
      expect(r.stdout + r.stderr).toMatch(/No schema changes/);
      expect(readdirSync(out).filter((f) => f.endsWith('.sql'))).toHaveLength(journal.entries.length);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
