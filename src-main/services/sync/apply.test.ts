// Applying pulled cases, dispositions and the offer model to the desktop store; what a reset keeps.
import { afterEach, expect, it } from 'vitest';
import { openStore, openConnection, type Store } from '../../db/store';
import { Importer } from '../import/importer';
import { DesktopApi } from '../../api/desktop-api';
import { writeFixtures, tempDir } from '../../../test-support/desktop/fixtures';
import { makeApplier, clearSynced, OFFER_MODEL_REJECTED_KEY } from './apply';
import { loadModel, saveModel } from '../offers/train-local';
import { emptyModel } from '../../../src-shared/offers/model';
import type { ChangeLine, EntityData } from '../../../src-shared/sync/protocol';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).reverse().forEach((c) => c()));

async function setup(): Promise<{ store: Store; app: DesktopApi }> {
  const fx = writeFixtures();
  const t = tempDir();
  const store = openStore(t.dir);
  const conn = openConnection(store);
  await new Importer(conn).importFiles(Object.values(fx.files));
  conn.close();
  cleanups.push(fx.cleanup, t.cleanup, () => store.close());
  return { store, app: new DesktopApi({ store, region: 'IT', host: 'web' }) };
}

let seq = 0;
const up = <E extends keyof EntityData>(entity: E, key: string, data: EntityData[E]) => ({ seq: ++seq, entity, op: 'upsert', key, data }) as ChangeLine;
const hubCase = (caseId: string, over: Partial<EntityData['case']> = {}): EntityData['case'] => ({
  caseId, customerId: 'C1', agent: 'nina', team: 'North', callId: null, callLine: '600', callDurationS: 60, disposition: 'ORDER',
  category: 'sales', notes: 'from a colleague', followUpDate: null, followUpTask: '', createdAt: '2026-01-01T09:00:00.000Z',
  submittedAt: '2026-01-01T09:05:00.000Z', offers: [{ sku: 'CAP-50', kind: 'cross_sell', outcome: 'accepted', decidedAt: '2026-01-01T09:05:00.000Z' }], ...over,
});

it('a pulled case joins the customer history (newest first) with its outcomes; a local case of the same id is kept as is', async () => {
  const { store, app } = await setup();
  const apply = makeApplier(store.sqlite);
  const mine = app.cases.start({ customerId: 'C1' });
  app.cases.submit({ caseId: mine.caseId, disposition: 'INFO', notes: 'mine' });
  store.sqlite.transaction(() => apply([
    up('case', 'a0000000-0000-4000-8000-000000000001', hubCase('a0000000-0000-4000-8000-000000000001')),
    up('case', mine.caseId, hubCase(mine.caseId, { notes: 'hub copy', agent: 'me' })),
  ]))();
  const history = app.cases.history('C1');
  expect(history.map((c) => [c.origin, c.notes, c.pending])).toEqual([['local', 'mine', true], ['hub', 'from a colleague', false]]);
  expect(history[1]!.offers).toEqual([{ sku: 'CAP-50', kind: 'cross_sell', outcome: 'accepted', decidedAt: '2026-01-01T09:05:00.000Z' }]);
  // the same line again (a re-pull) changes nothing; a tombstone removes only hub history
  store.sqlite.transaction(() => apply([up('case', 'a0000000-0000-4000-8000-000000000001', hubCase('a0000000-0000-4000-8000-000000000001'))]))();
  expect(app.cases.history('C1')).toHaveLength(2);
  apply([{ seq: ++seq, entity: 'case', op: 'delete', key: mine.caseId }, { seq: ++seq, entity: 'case', op: 'delete', key: 'a0000000-0000-4000-8000-000000000001' }]);
  expect(app.cases.history('C1').map((c) => c.origin)).toEqual(['local']);
  expect(store.sqlite.prepare('SELECT count(*) FROM offer_outcomes').pluck().get()).toBe(0);
});

it('dispositions from the hub replace the local ones; retired codes are not offered', async () => {
  const { store, app } = await setup();
  const apply = makeApplier(store.sqlite);
  apply([
    up('disposition', 'RENEWAL', { code: 'RENEWAL', category: 'sales', labelEn: 'Renewal', labelIt: 'Rinnovo', position: 5, active: true }),
    up('disposition', 'INFO', { code: 'INFO', category: 'service', labelEn: 'Info', labelIt: 'Info', position: 10, active: true }),
    up('disposition', 'WRONG', { code: 'WRONG', category: 'other', labelEn: 'Wrong number', labelIt: 'Numero errato', position: 90, active: false }),
  ]);
  const codes = app.cases.dispositions().map((d) => d.code);
  expect(codes.slice(0, 2)).toEqual(['RENEWAL', 'INFO']);
  expect(codes).not.toContain('WRONG');
  expect(app.cases.dispositions()[1]!.labelEn).toBe('Info');
  apply([{ seq: ++seq, entity: 'disposition', op: 'delete', key: 'RENEWAL' }]);
  expect(app.cases.dispositions().map((d) => d.code)).not.toContain('RENEWAL');
});

it('an offer model from the hub is stored; an invalid one is refused with a reason and the old one kept', async () => {
  const { store } = await setup();
  const warnings: string[] = [];
  const apply = makeApplier(store.sqlite, { warn: (m) => warnings.push(m) });
  saveModel(store.sqlite, { ...emptyModel(), version: 7, source: 'local' });
  apply([up('offerModel', 'current', { ...emptyModel('2026-01-01T00:00:00.000Z'), version: 3, source: 'hub' })]);
  expect(loadModel(store.sqlite).model).toMatchObject({ version: 3, source: 'hub' });
  apply([up('offerModel', 'current', { format: 'pronto.offers/1', version: 4, products: 'nope' })]);
  expect(loadModel(store.sqlite).model).toMatchObject({ version: 3, source: 'hub' });
  expect(warnings).toEqual([expect.stringMatching(/^offer model v4 from the hub is invalid and was not used \(.+\)$/)]);
  expect(store.sqlite.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(OFFER_MODEL_REJECTED_KEY)).toBe(warnings[0]);
});

it('a reset drops hub history but keeps the agent\'s own cases, the dispositions and the model', async () => {
  const { store, app } = await setup();
  const apply = makeApplier(store.sqlite);
  const mine = app.cases.start({ customerId: 'C1' });
  app.cases.submit({ caseId: mine.caseId, disposition: 'INFO', offers: [{ sku: 'ESP-2', kind: 'up_sell', outcome: 'declined' }] });
  apply([
    up('case', 'b0000000-0000-4000-8000-000000000002', hubCase('b0000000-0000-4000-8000-000000000002')),
    up('offerModel', 'current', { ...emptyModel(), version: 2, source: 'hub' }),
  ]);
  store.sqlite.transaction(() => clearSynced(store.sqlite))();
  expect(store.sqlite.prepare('SELECT case_id, origin FROM cases').raw().all()).toEqual([[mine.caseId, 'local']]);
  expect(store.sqlite.prepare('SELECT sku FROM offer_outcomes').pluck().all()).toEqual(['ESP-2']);
  expect(app.cases.dispositions()).toHaveLength(9);
  expect(loadModel(store.sqlite).model?.version).toBe(2);
});

it('a customer tombstone removes the customer with its children and hub history, not the agent\'s own cases', async () => {
  const { store, app } = await setup();
  const apply = makeApplier(store.sqlite);
  const mine = app.cases.start({ customerId: 'C1' });
  app.cases.submit({ caseId: mine.caseId, disposition: 'INFO' });
  apply([up('case', 'c0000000-0000-4000-8000-000000000003', hubCase('c0000000-0000-4000-8000-000000000003'))]);
  store.sqlite.transaction(() => apply([{ seq: ++seq, entity: 'customer', op: 'delete', key: 'C1' }]))();
  const q = (sql: string) => store.sqlite.prepare(sql).pluck().all('C1');
  expect(q('SELECT customer_id FROM customers WHERE customer_id = ?')).toEqual([]);
  expect(q('SELECT sku FROM purchases WHERE customer_id = ?')).toEqual([]);
  expect(q('SELECT origin FROM cases WHERE customer_id = ?')).toEqual(['local']);
});
