import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { openStore, openConnection, type Store } from '../../db/store';
import { Importer } from '../import/importer';
import { DesktopApi } from '../../api/desktop-api';
import { writeFixtures, tempDir } from '../../../test-support/desktop/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).reverse().forEach((c) => c()));

async function setup(): Promise<{ store: Store; app: DesktopApi; dir: string }> {
  const fx = writeFixtures();
  const t = tempDir();
  const store = openStore(t.dir);
  const conn = openConnection(store);
  await new Importer(conn).importFiles(Object.values(fx.files));
  conn.close();
  cleanups.push(fx.cleanup, t.cleanup, () => store.close());
  return { store, app: new DesktopApi({ store, region: 'IT', host: 'web' }), dir: t.dir };
}

describe('cases', () => {
  it('a call draft is started once, saved as typed, moved to wrap-up when the call ends, submitted once', async () => {
    const { app, store } = await setup();
    const a = await app.call('caseStart', { callId: 'call-1', customerId: 'C1', line: '600' });
    const again = await app.call('caseStart', { callId: 'call-1', customerId: 'C1', line: '600' });
    expect(again.caseId).toBe(a.caseId);
    expect(a).toMatchObject({ status: 'draft', customerId: 'C1', callLine: '600', notes: '', pending: false });

    await app.call('caseSave', { caseId: a.caseId, notes: 'Wants a quote for' });
    await app.call('caseSave', { caseId: a.caseId, notes: 'Wants a quote for the Pro model', disposition: 'QUOTE', followUpDate: '2026-12-01', followUpTask: 'send quote' });
    const ended = await app.call('caseCallEnded', { callId: 'call-1', durationS: 95 });
    expect(ended).toMatchObject({ status: 'wrap_up', callDurationS: 95, disposition: 'QUOTE', category: 'sales' });
    expect((await app.call('casesOpen', {})).map((c) => c.caseId)).toEqual([a.caseId]);

    const done = await app.call('caseSubmit', { caseId: a.caseId, offers: [{ sku: 'ESP-2', kind: 'up_sell', outcome: 'accepted' }, { sku: 'CAP-50', kind: 'cross_sell', outcome: 'declined' }] });
    expect(done).toMatchObject({ status: 'submitted', pending: true, notes: 'Wants a quote for the Pro model' });
    expect(done.offers.map((o) => [o.sku, o.outcome])).toEqual([['CAP-50', 'declined'], ['ESP-2', 'accepted']]);
    // exactly one outbox mutation, keyed by the case id, carrying the outcomes
    const pending = app.cases.outbox.pending();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ id: a.caseId, kind: 'case.submit' });
    expect((pending[0]!.payload as { offers: unknown[] }).offers).toHaveLength(2);
    // submitted is final
    await expect(app.call('caseSubmit', { caseId: a.caseId })).rejects.toThrow(/already submitted/);
    await expect(app.call('caseSave', { caseId: a.caseId, notes: 'x' })).rejects.toThrow(/already submitted/);
    expect(app.cases.outbox.pending()).toHaveLength(1);
    expect((await app.call('casesOpen', {}))).toEqual([]);
    // history for the customer, newest first, marked pending until the hub has it
    const history = await app.call('caseHistory', { customerId: 'C1' });
    expect(history.map((c) => [c.caseId, c.pending])).toEqual([[a.caseId, true]]);
    app.cases.outbox.settle([a.caseId], []);
    expect((await app.call('caseHistory', { customerId: 'C1' }))[0]!.pending).toBe(false);
    expect(store.sqlite.prepare('SELECT count(*) FROM offer_outcomes WHERE customer_id = ?').pluck().get('C1')).toBe(2);
  });

  it('refuses to submit without a disposition and leaves nothing half-written', async () => {
    const { app, store } = await setup();
    const c = await app.call('caseStart', { customerId: 'C3' });
    await expect(app.call('caseSubmit', { caseId: c.caseId, notes: 'n', offers: [{ sku: 'ESP-1', kind: 'cross_sell', outcome: 'accepted' }] })).rejects.toThrow(/disposition: choose one/);
    expect((await app.call('caseGet', { caseId: c.caseId }))!.status).toBe('draft');
    expect(store.sqlite.prepare('SELECT count(*) FROM offer_outcomes').pluck().get()).toBe(0);
    expect(app.cases.outbox.pending()).toHaveLength(0);
    await expect(app.call('caseSave', { caseId: c.caseId, disposition: 'NOPE' })).rejects.toThrow(/disposition: "NOPE" is not a known code/);
    await expect(app.dispatch('caseSave', { caseId: c.caseId, followUpDate: '01/02/2026' })).rejects.toThrow(/followUpDate/);
  });

  it('ships default dispositions', async () => {
    const { app } = await setup();
    const d = await app.call('dispositions', {});
    expect(d.map((x) => x.code)).toContain('ORDER');
    expect(d.find((x) => x.code === 'COMPLAINT')).toMatchObject({ labelIt: 'Reclamo', category: 'service' });
  });

  it('notes typed before a crash (kill -9) are there after restart', async () => {
    const { store, dir, app } = await setup();
    const c = await app.call('caseStart', { callId: 'crash-call', customerId: 'C1' });
    store.close();
    // A separate process types into the draft and is killed without any shutdown.
    const script = `
      import { openStore } from './src-main/db/store.ts';
      import { CaseService } from './src-main/services/cases/service.ts';
      const s = openStore(${JSON.stringify(dir)});
      const cases = new CaseService(s.sqlite);
      let text = '';
      for (const ch of 'Customer asks about invoice 2026-118') {
        text += ch;
        cases.save({ caseId: ${JSON.stringify(c.caseId)}, notes: text });
      }
      process.stdout.write('typed\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((ok, fail) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('typed') && ok());
      child.on('exit', (code) => fail(new Error(`child exited ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const reopened = openStore(dir);
    cleanups.push(() => reopened.close());
    expect(reopened.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    const restored = new DesktopApi({ store: reopened, region: 'IT', host: 'web' });
    const open = await restored.call('casesOpen', {});
    expect(open.map((x) => [x.caseId, x.notes])).toEqual([[c.caseId, 'Customer asks about invoice 2026-118']]);
  });
});

describe('outbox', () => {
  it('refuses to enqueue outside a transaction, keeps order, settles applied and rejected rows', async () => {
    const { app, store } = await setup();
    const ob = app.cases.outbox;
    expect(() => ob.enqueue('x', {})).toThrow(/inside the transaction/);
    const ids = store.sqlite.transaction(() => [ob.enqueue('note', { n: 1 }).id, ob.enqueue('note', { n: 2 }).id, ob.enqueue('note', { n: 3 }).id])();
    expect(ob.pending().map((r) => r.id)).toEqual(ids);
    ob.failed([ids[0]!], 'ECONNREFUSED');
    expect(ob.pending()[0]).toMatchObject({ attempts: 1, lastError: 'ECONNREFUSED' });
    ob.settle([ids[0]!, ids[2]!], [{ id: ids[1]!, reason: 'payload: text: too long' }]);
    expect(ob.counts()).toEqual({ pending: 0, rejected: 1 });
    expect(ob.rejected()[0]).toMatchObject({ id: ids[1], reason: 'payload: text: too long', kind: 'note' });
  });
});
