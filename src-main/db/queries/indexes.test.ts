// Indexes set aside by a bulk load come back: at its end, or when the store is next opened
// after the load was killed midway.
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../store';
import { tempDir } from '../../../test-support/desktop/fixtures';
import { deferIndexes, finishDeferredIndexes, pendingIndexes, DEFERRED_INDEXES_KEY } from './indexes';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).reverse().forEach((c) => c()));

const exists = (s: ReturnType<typeof openStore>, name: string): boolean =>
  s.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").get(name) !== undefined;

it('deferred indexes are remembered durably and built once at the end', () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const s = openStore(t.dir);
  cleanups.push(() => s.close());
  expect(deferIndexes(s.sqlite, ['purchases_customer_time', 'no_such_index'])).toHaveLength(1);
  expect(exists(s, 'purchases_customer_time')).toBe(false);
  expect(pendingIndexes(s.sqlite)[0]).toMatch(/CREATE INDEX .purchases_customer_time/);
  // a second load while one is pending adds to the list instead of forgetting the first
  deferIndexes(s.sqlite, ['customer_phones_customer']);
  expect(pendingIndexes(s.sqlite)).toHaveLength(2);
  s.sqlite.prepare("INSERT INTO purchases VALUES ('O1', 'S', 'C1', 1, 100, 'EUR', '2025-01-01T00:00:00.000Z')").run();
  expect(finishDeferredIndexes(s.sqlite)).toBe(2);
  expect(exists(s, 'purchases_customer_time') && exists(s, 'customer_phones_customer')).toBe(true);
  expect(s.sqlite.prepare('SELECT value FROM meta WHERE key = ?').get(DEFERRED_INDEXES_KEY)).toBeUndefined();
  expect(finishDeferredIndexes(s.sqlite)).toBe(0);
  // the pop's purchase query uses it again
  const plan = s.sqlite.prepare("EXPLAIN QUERY PLAN SELECT order_id FROM purchases WHERE customer_id = 'C1' ORDER BY purchased_at DESC").all() as { detail: string }[];
  expect(plan.map((p) => p.detail).join(' ')).toMatch(/purchases_customer_time/);
});

it('a store left with deferred indexes (load killed) gets them back when opened', () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const s = openStore(t.dir);
  deferIndexes(s.sqlite, ['purchases_customer_time']);
  s.close(); // as if the process died here
  const again = openStore(t.dir);
  cleanups.push(() => again.close());
  expect(exists(again, 'purchases_customer_time')).toBe(true);
  expect(pendingIndexes(again.sqlite)).toEqual([]);
});
