// One test per schema version: each migration applies to a store that already holds data from
// the version before it, and leaves that data readable.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { defaultMigrationsDir, openStore } from './store';
import { tempDir } from '../../test-support/desktop/fixtures';

const dir = defaultMigrationsDir();
const journal = JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function applyRange(db: Database.Database, from: number, to: number): void {
  for (const e of journal.entries.slice(from, to)) {
    for (const stmt of readFileSync(join(dir, `${e.tag}.sql`), 'utf8').split('--> statement-breakpoint')) {
      if (stmt.trim()) db.exec(stmt);
    }
  }
}

describe('desktop migrations', () => {
  it('every SQL file is in the journal and vice versa', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort();
    expect(files).toEqual(journal.entries.map((e) => e.tag).sort());
  });

  it('0000_init creates the store tables with WAL on open', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const store = openStore(t.dir);
    cleanups.push(() => store.close());
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = store.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    for (const t of ['accounts', 'credit_terms', 'customer_phones', 'customers', 'meta', 'products', 'purchases']) expect(tables).toContain(t);
    const idx = store.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all();
    expect(idx).toContain('customer_phones_e164');
    expect(idx).toContain('purchases_customer_time');
  });

  it('0001_customer_search applies to a store holding 0000 data and indexes it', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = new Database(join(t.dir, 'old.sqlite'));
    cleanups.push(() => db.close());
    applyRange(db, 0, 1);
    db.prepare("INSERT INTO customers (customer_id, name, country) VALUES ('C1', 'Anna Verdi', 'IT')").run();
    db.prepare("INSERT INTO customer_phones (customer_id, e164, raw) VALUES ('C1', '+390287654321', '02 8765 4321')").run();
    applyRange(db, 1, 2);
    // existing customers are back-filled into the index: by name and by the number as written
    expect(db.prepare("SELECT rowid FROM customer_search WHERE customer_search MATCH 'verdi'").pluck().get()).toBe(1);
    expect(db.prepare(`SELECT rowid FROM customer_search WHERE customer_search MATCH '"0287654321"'`).pluck().get()).toBe(1);
    expect(db.prepare("SELECT name FROM customers WHERE customer_id = 'C1'").pluck().get()).toBe('Anna Verdi');
  });

  it('0002_calls applies to a store holding 0001 data and records calls', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = new Database(join(t.dir, 'old.sqlite'));
    cleanups.push(() => db.close());
    applyRange(db, 0, 2);
    db.prepare("INSERT INTO customers (customer_id, name, country) VALUES ('C1', 'Anna Verdi', 'IT')").run();
    applyRange(db, 2, 3);
    db.prepare("INSERT INTO calls (call_id, direction, remote_raw, match_kind, customer_id, offered_at, updated_at) VALUES ('x', 'inbound', '0287654321', 'single', 'C1', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')").run();
    expect(db.prepare("SELECT c.name FROM calls k JOIN customers c USING (customer_id)").pluck().get()).toBe('Anna Verdi');
  });

  it('0003_sync adds the outbox and notes to a store holding calls', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = new Database(join(t.dir, 'old.sqlite'));
    cleanups.push(() => db.close());
    applyRange(db, 0, 3);
    db.prepare("INSERT INTO calls (call_id, direction, remote_raw, match_kind, offered_at, updated_at) VALUES ('x', 'inbound', 'anonymous', 'withheld', '2026-01-01', '2026-01-01')").run();
    applyRange(db, 3, 4);
    const seq = db.prepare("INSERT INTO outbox (id, kind, payload, created_at) VALUES ('m1', 'note', '{}', '2026-01-01') RETURNING seq").pluck().get();
    expect(seq).toBe(1);
    expect(db.prepare('SELECT count(*) FROM calls').pluck().get()).toBe(1);
  });

  it('0004_cases adds cases with default dispositions to a store holding outbox rows', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = new Database(join(t.dir, 'old.sqlite'));
    cleanups.push(() => db.close());
    applyRange(db, 0, 4);
    db.prepare("INSERT INTO outbox (id, kind, payload, created_at) VALUES ('m1', 'note', '{}', '2026-01-01')").run();
    applyRange(db, 4, 5);
    expect(db.prepare("SELECT label_it FROM dispositions WHERE code = 'ORDER'").pluck().get()).toBe('Ordine inserito');
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(1);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('0005_pop_paths clusters accounts and credit terms and widens the purchases index, keeping the data', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = new Database(join(t.dir, 'old.sqlite'));
    cleanups.push(() => db.close());
    applyRange(db, 0, 5);
    db.prepare("INSERT INTO customers (customer_id, name, country) VALUES ('C1', 'Anna Verdi', 'IT')").run();
    db.prepare("INSERT INTO accounts (customer_id, balance_minor, currency, overdue_minor, oldest_due_date) VALUES ('C1', 12050, 'EUR', 500, '2026-01-31')").run();
    db.prepare("INSERT INTO credit_terms (customer_id, credit_limit_minor, currency, payment_terms, status, risk_class) VALUES ('C1', 500000, 'EUR', '30 days', 'hold', 'B')").run();
    db.prepare("INSERT INTO purchases VALUES ('O1', 'SKU1', 'C1', 2, 9900, 'EUR', '2026-01-02T10:00:00.000Z')").run();
    applyRange(db, 5, 6);
    const ddl = (name: string): string => db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").pluck().get(name) as string;
    expect(ddl('accounts')).toMatch(/WITHOUT ROWID/);
    expect(ddl('credit_terms')).toMatch(/WITHOUT ROWID/);
    expect(db.prepare("SELECT balance_minor, overdue_minor, oldest_due_date FROM accounts WHERE customer_id = 'C1'").raw().get()).toEqual([12050, 500, '2026-01-31']);
    expect(db.prepare("SELECT status, credit_limit_minor FROM credit_terms WHERE customer_id = 'C1'").raw().get()).toEqual(['hold', 500000]);
    // the pop's purchase history is answered from the index alone
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT order_id, sku, quantity, amount_minor, currency, purchased_at FROM purchases WHERE customer_id = 'C1' ORDER BY purchased_at DESC, order_id DESC").raw().all() as unknown[][];
    expect(plan.map((r) => r[3]).join(' ')).toMatch(/COVERING INDEX purchases_customer_time/);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('0006_phone_order serves the phones of a customer in order from one index, keeping the data', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = new Database(join(t.dir, 'old.sqlite'));
    cleanups.push(() => db.close());
    applyRange(db, 0, 6);
    db.prepare("INSERT INTO customers (customer_id, name, country) VALUES ('C1', 'Anna Verdi', 'IT')").run();
    db.prepare("INSERT INTO customer_phones (customer_id, e164, label, raw, position) VALUES ('C1', '+390287654321', 'office', '02 8765 4321', 1), ('C1', '+393471234567', 'mobile', '347 123 4567', 0)").run();
    applyRange(db, 6, 7);
    const sql = "SELECT e164, label FROM customer_phones WHERE customer_id = 'C1' ORDER BY position";
    expect(db.prepare(sql).raw().all()).toEqual([['+393471234567', 'mobile'], ['+390287654321', 'office']]);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).raw().all() as unknown[][]).map((r) => r[3]).join(' ');
    expect(plan).toMatch(/COVERING INDEX customer_phones_customer/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('0007_open_cases answers the open-cases list from a partial index, keeping the data', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = new Database(join(t.dir, 'old.sqlite'));
    cleanups.push(() => db.close());
    applyRange(db, 0, 7);
    const ins = db.prepare("INSERT INTO cases (case_id, status, origin, created_at, updated_at) VALUES (?, ?, ?, '2026-01-01T00:00:00Z', ?)");
    for (let i = 0; i < 50; i++) ins.run(`S${i}`, 'submitted', 'local', `2026-02-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z`);
    ins.run('D1', 'draft', 'local', '2026-03-01T00:00:00Z');
    ins.run('W1', 'wrap_up', 'local', '2026-03-02T00:00:00Z');
    ins.run('H1', 'draft', 'hub', '2026-03-03T00:00:00Z');
    applyRange(db, 7, 8);
    // the query of CaseService.open()
    const sql = "SELECT case_id FROM cases WHERE status != 'submitted' AND origin = 'local' ORDER BY updated_at DESC LIMIT 20";
    expect(db.prepare(sql).pluck().all()).toEqual(['W1', 'D1']);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).raw().all() as unknown[][]).map((r) => r[3]).join(' ');
    expect(plan).toMatch(/INDEX cases_open/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
    expect(db.prepare('SELECT count(*) FROM cases').pluck().get()).toBe(53);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('0008_call_failure_reason adds a nullable failure reason to a store holding calls', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = new Database(join(t.dir, 'old.sqlite'));
    cleanups.push(() => db.close());
    applyRange(db, 0, 8);
    db.prepare("INSERT INTO calls (call_id, direction, remote_raw, match_kind, offered_at, ended_at, outcome, updated_at) VALUES ('x', 'inbound', '0287654321', 'none', '2026-01-01', '2026-01-01', 'failed', '2026-01-01')").run();
    applyRange(db, 8, 9);
    // calls recorded before it keep their outcome, with no reason known
    expect(db.prepare("SELECT outcome, failure_reason FROM calls WHERE call_id = 'x'").raw().get()).toEqual(['failed', null]);
    db.prepare("UPDATE calls SET failure_reason = 'no microphone was found' WHERE call_id = 'x'").run();
    expect(db.prepare("SELECT failure_reason FROM calls WHERE call_id = 'x'").pluck().get()).toBe('no microphone was found');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('opening an existing store is idempotent and keeps its data', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const a = openStore(t.dir);
    a.sqlite.prepare("INSERT INTO meta (key, value) VALUES ('k', 'v')").run();
    a.close();
    const b = openStore(t.dir);
    cleanups.push(() => b.close());
    expect(b.sqlite.prepare("SELECT value FROM meta WHERE key = 'k'").pluck().get()).toBe('v');
    expect(b.sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
  });
});
