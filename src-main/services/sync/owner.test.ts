// Migration 0009_desk_owner on a store holding data of the version before it (outbox rows, a
// draft), and what it serves: new work is tagged with the agent signed in, sync sends only theirs
// and the unowned rows, the others wait for their agent.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { defaultMigrationsDir } from '../../db/store';
import { tempDir } from '../../../test-support/desktop/fixtures';
import { Outbox } from './outbox';
import { currentOwner, ownerKey, setCurrentOwner } from './owner';
import { CaseService } from '../cases/service';
import type { Sqlite } from '../../db/store';

const dir = defaultMigrationsDir();
const journal = JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
const at = journal.entries.findIndex((e) => e.tag === '0009_desk_owner');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function applyRange(db: Database.Database, from: number, to: number): void {
  for (const e of journal.entries.slice(from, to)) {
    for (const stmt of readFileSync(join(dir, `${e.tag}.sql`), 'utf8').split('--> statement-breakpoint')) {
      if (stmt.trim()) db.exec(stmt);
    }
  }
}

function oldStore(): Database.Database {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const db = new Database(join(t.dir, 'old.sqlite'));
  cleanups.push(() => db.close());
  applyRange(db, 0, at);
  db.prepare("INSERT INTO outbox (id, kind, payload, created_at) VALUES ('m1', 'customerNote.upsert', '{}', '2026-01-01')").run();
  db.prepare("INSERT INTO cases (case_id, status, origin, created_at, updated_at) VALUES ('D0', 'draft', 'local', '2026-01-01', '2026-01-01')").run();
  applyRange(db, at, at + 1);
  return db;
}

describe('0009_desk_owner', () => {
  it('is in the journal after 0008', () => {
    expect(at).toBeGreaterThan(0);
    expect(journal.entries[at - 1]!.tag.startsWith('0008')).toBe(true);
  });

  it("keeps the older rows as nobody's and tags new work with the agent signed in", () => {
    const db = oldStore();
    const sqlite = db as unknown as Sqlite;
    expect(db.prepare("SELECT owner FROM outbox WHERE id = 'm1'").pluck().get()).toBe('');
    expect(db.prepare("SELECT owner FROM cases WHERE case_id = 'D0'").pluck().get()).toBe('');
    expect(currentOwner(sqlite)).toBe('');
    const nina = ownerKey('nina', 'https://hub.example.com/');
    expect(nina).toBe('nina@https://hub.example.com');
    setCurrentOwner(sqlite, nina);
    const outbox = new Outbox(sqlite);
    db.transaction(() => outbox.enqueue('case.submit', { a: 1 }, 'm2'))();
    const cases = new CaseService(sqlite);
    const draft = cases.start({ callId: 'c1', customerId: null });
    expect(db.prepare("SELECT owner FROM outbox WHERE id = 'm2'").pluck().get()).toBe(nina);
    expect(db.prepare('SELECT owner FROM cases WHERE case_id = ?').pluck().get(draft.caseId)).toBe(nina);
    // a hub's case is nobody's draft
    db.prepare("INSERT INTO cases (case_id, status, origin, created_at, updated_at) VALUES ('H1', 'submitted', 'hub', '2026-01-01', '2026-01-01')").run();
    expect(db.prepare("SELECT owner FROM cases WHERE case_id = 'H1'").pluck().get()).toBe('');

    // nina's shift ends; nick signs in on the same desk
    setCurrentOwner(sqlite, ownerKey('nick', 'https://hub.example.com'));
    expect(outbox.pending().map((r) => r.id)).toEqual(['m1']); // the unowned row, not nina's
    expect(outbox.counts().pending).toBe(1);
    expect(outbox.othersPending()).toBe(1);
    expect(cases.open().map((c) => c.caseId)).toEqual(['D0']);
    expect(cases.get(draft.caseId)).toBeNull();
    expect(cases.start({ callId: 'c1' }).caseId).not.toBe(draft.caseId); // her call's draft is not his

    // the same name at another hub is another agent
    setCurrentOwner(sqlite, ownerKey('nina', 'https://other.example.com'));
    expect(outbox.pending().map((r) => r.id)).toEqual(['m1']);

    setCurrentOwner(sqlite, nina);
    expect(outbox.pending().map((r) => r.id)).toEqual(['m1', 'm2']);
    expect(cases.open().map((c) => c.caseId)).toContain(draft.caseId);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
