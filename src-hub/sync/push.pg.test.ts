// Push: exactly-once, permanent rejections that do not block, malformed batches, LWW notes,
// and pushed data reaching the right pulls (PGlite and PostgreSQL; concurrency and restarts: concurrency.pg.test.ts).
import { randomUUID } from 'node:crypto';
import { beforeEach, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { encodeHlc } from '../../src-shared/sync/hlc';
import type { PushResponse } from '../../src-shared/sync/protocol';
import type { Store } from '../db/store';
import { highWater } from '../changes';
import { describeStores, pull, resetAndSeed, type seedPeople } from '../../test-support/hub/helpers';

let store: Store;
let app: FastifyInstance;
let t: Awaited<ReturnType<typeof seedPeople>>;

let clock = Date.UTC(2026, 0, 1);
const hlc = (node = 'desk1', wall = ++clock, counter = 0) => encodeHlc({ wall, counter, node });
const note = (customerId: string, text: string, over: Partial<{ noteId: string; hlc: string }> = {}) => ({
  kind: 'customerNote.upsert', payload: { noteId: over.noteId ?? randomUUID(), customerId, text, hlc: over.hlc ?? hlc() },
});
const contact = (over: Record<string, unknown> = {}) => ({
  kind: 'contact.create', payload: { contactId: randomUUID(), name: 'Unknown Caller', phone: '+390287654399', country: 'IT', ...over },
});

function batch(clientId: string, items: { kind: string; payload: unknown }[], firstSeq = 1) {
  return { clientId, mutations: items.map((m, i) => ({ id: randomUUID(), seq: firstSeq + i, ...m })) };
}

async function push(token: string, body: unknown) {
  const res = await app.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${token}` }, payload: body as object });
  return { status: res.statusCode, body: res.json() as PushResponse & { error?: string; message?: string; issues?: { path: string; message: string }[] } };
}

const count = async (table: string) => Number((await store.rows(`SELECT count(*) FROM ${table}`))[0]![0]);

describeStores('push', (ctx) => {
  beforeEach(async () => {
    store = ctx.store;
    app = ctx.app;
    t = await resetAndSeed(store);
  });

  it('applies a batch once: the same batch again gets the same answer and changes nothing', async () => {
    const b = batch('desk-1', [note('C1', 'first'), contact()]);
    const r1 = await push(t.north, b);
    expect(r1.status).toBe(200);
    expect(r1.body).toEqual({ applied: b.mutations.map((m) => m.id), rejected: [], lastSeq: 2 });
    const hw = await highWater(store);
    const r2 = await push(t.north, b);
    expect(r2.body).toEqual(r1.body);
    expect(await highWater(store)).toBe(hw);
    expect(await count('customer_notes')).toBe(1);
    expect(await count('contacts')).toBe(1);
    expect(await count('sync_mutations')).toBe(2);
    // a later batch that overlaps: only the new mutation runs
    const b2 = { clientId: 'desk-1', mutations: [b.mutations[1]!, { id: randomUUID(), seq: 3, ...note('C2', 'second') }] };
    const r3 = await push(t.north, b2);
    expect(r3.body).toEqual({ applied: b2.mutations.map((m) => m.id), rejected: [], lastSeq: 3 });
    expect(await count('customer_notes')).toBe(2);
    // an already-passed seq under a new id is not applied again
    const r4 = await push(t.north, { clientId: 'desk-1', mutations: [{ id: randomUUID(), seq: 2, ...note('C2', 'dup') }] });
    expect(r4.body.lastSeq).toBe(3);
    expect(await count('customer_notes')).toBe(2);
  });

  it('permanently invalid mutations are rejected with a reason and do not block the ones after them', async () => {
    const b = batch('desk-2', [
      note('C1', 'ok'),
      { kind: 'offer.teleport', payload: {} },
      { kind: 'customerNote.upsert', payload: { noteId: 'nope', customerId: 'C1', text: 5, hlc: 'yesterday' } },
      note('C3', 'not my region'),
      note('C404', 'no such customer'),
      contact({ phone: '+391', country: 'IT' }),
      contact({ name: 'Real Caller' }),
    ]);
    const r = await push(t.north, b);
    expect(r.status).toBe(200);
    const id = (i: number) => b.mutations[i]!.id;
    expect(r.body.applied).toEqual([id(0), id(6)]);
    expect(r.body.rejected).toEqual([
      { id: id(1), reason: 'unknown mutation kind "offer.teleport"' },
      { id: id(2), reason: expect.stringMatching(/^invalid payload: noteId: .*; text: .*; hlc: is not a hybrid logical clock timestamp/) },
      { id: id(3), reason: 'customer "C3" is not in your scope' },
      { id: id(4), reason: 'customer "C404" is not in your scope' },
      { id: id(5), reason: expect.stringMatching(/^invalid payload: phone: /) },
    ]);
    expect(r.body.lastSeq).toBe(7);
    // the same answer on retry, from the record
    expect((await push(t.north, b)).body).toEqual(r.body);
    // and the client carries on
    const next = await push(t.north, batch('desk-2', [note('C2', 'later')], 8));
    expect(next.body).toMatchObject({ rejected: [], lastSeq: 8 });
  });

  it('a malformed push is rejected whole with 400 naming the field; nothing is applied', async () => {
    const good = batch('desk-3', [note('C1', 'a'), note('C1', 'b')]);
    const cases: [unknown, string][] = [
      [{ mutations: good.mutations }, 'clientId'],
      [{ ...good, mutations: [good.mutations[0], { ...good.mutations[1], seq: 'two' }] }, 'mutations.1.seq'],
      [{ ...good, mutations: [good.mutations[0], { ...good.mutations[1], id: 'not-a-uuid' }] }, 'mutations.1.id'],
      [{ ...good, mutations: [good.mutations[1], good.mutations[0]] }, 'mutations.1.seq'],
      [{ ...good, mutations: [good.mutations[0], { ...good.mutations[1], id: good.mutations[0]!.id }] }, 'mutations.1.id'],
      [{ ...good, mutations: 'all of them' }, 'mutations'],
      [[good], '(body)'],
    ];
    for (const [body, path] of cases) {
      const r = await push(t.north, body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body.error).toBe('bad_request');
      expect(r.body.issues!.map((i) => i.path)).toContain(path);
      expect(r.body.message).toContain(path);
    }
    const raw = await app.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${t.north}`, 'content-type': 'application/json' }, payload: '{"clientId":"x","mutations":[' });
    expect(raw.statusCode).toBe(400);
    expect(raw.json()).toMatchObject({ error: 'bad_json' });
    expect(await count('sync_mutations')).toBe(0);
    expect(await count('customer_notes')).toBe(0);
    expect(await count('sync_clients')).toBe(0);
  });

  it('notes and contacts reach the pulls of agents whose scope includes them, and nobody else', async () => {
    const before = await highWater(store);
    await push(t.north, batch('n', [note('C1', 'called, wants a quote'), contact({ name: 'North Caller' })]));
    await push(t.south, batch('s', [note('C3', 'DACH note'), contact({ name: 'South Caller', phone: '+493012345699', country: 'DE' })]));
    await push(t.loner, batch('l', [contact({ name: 'Loner Caller' })]));
    const seen = async (token: string) =>
      (await pull(app, token, { after: before })).changes.map((c) => (c.op === 'upsert' && 'text' in c.data ? `note:${c.data.text}` : c.op === 'upsert' && 'phone' in c.data ? `contact:${c.data.name}` : c.entity)).sort();
    expect(await seen(t.north)).toEqual(['contact:North Caller', 'note:called, wants a quote']);
    expect(await seen(t.supervisor)).toEqual(['contact:North Caller', 'note:called, wants a quote']);
    expect(await seen(t.south)).toEqual(['contact:South Caller', 'note:DACH note']);
    expect(await seen(t.loner)).toEqual(['contact:Loner Caller']);
    expect(await seen(t.admin)).toHaveLength(5);
    const n = (await pull(app, t.north, { after: before })).changes.find((c) => c.entity === 'note')!;
    expect(n).toMatchObject({ op: 'upsert', data: { customerId: 'C1', author: 'nina', hlc: expect.any(String) } });
  });

  it('concurrent edits of one note: the highest HLC wins whatever the arrival order; losers are kept (property)', async () => {
    const version = fc.record({
      wall: fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_050 }),
      counter: fc.nat({ max: 3 }),
      node: fc.constantFrom('deskA', 'deskB', 'deskC'),
      text: fc.string({ maxLength: 12 }),
    });
    const arb = fc
      .uniqueArray(version, { minLength: 2, maxLength: 5, selector: (v) => `${v.wall}-${v.counter}-${v.node}` })
      .chain((versions) => fc.record({ versions: fc.constant(versions), order: fc.shuffledSubarray(versions, { minLength: versions.length, maxLength: versions.length }) }));
    await fc.assert(
      fc.asyncProperty(arb, async ({ versions, order }) => {
        const noteId = randomUUID();
        let seq = 0;
        for (const v of order) {
          // each edit from its own desktop (client), as after an offline period
          const r = await push(t.north, { clientId: `c-${v.node}-${noteId}`, mutations: [{ id: randomUUID(), seq: ++seq, kind: 'customerNote.upsert', payload: { noteId, customerId: 'C1', text: v.text, hlc: encodeHlc(v) } }] });
          expect(r.body.rejected).toEqual([]);
        }
        const winner = [...versions].sort((a, b) => (encodeHlc(a) < encodeHlc(b) ? 1 : -1))[0]!;
        const [cur] = await store.query<{ text: string; hlc: string }>('SELECT text, hlc FROM customer_notes WHERE note_id = $1', [noteId]);
        expect(cur).toEqual({ text: winner.text, hlc: encodeHlc(winner) });
        const hist = await store.query<{ hlc: string }>('SELECT hlc FROM note_history WHERE note_id = $1', [noteId]);
        expect(hist.map((h) => h.hlc).sort()).toEqual(versions.filter((v) => v !== winner).map(encodeHlc).sort());
        const [ch] = await store.query<{ data: string }>(`SELECT data FROM changes WHERE entity = 'note' AND key = $1`, [noteId]);
        expect(JSON.parse(ch!.data)).toMatchObject({ text: winner.text, hlc: encodeHlc(winner) });
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it('the same note id on another customer, or a different text under the same HLC, is refused', async () => {
    const noteId = randomUUID();
    const h = hlc();
    await push(t.north, batch('d', [note('C1', 'one', { noteId, hlc: h })]));
    const r = await push(t.north, batch('d', [note('C2', 'moved?', { noteId }), note('C1', 'other text', { noteId, hlc: h }), note('C1', 'one', { noteId, hlc: h })], 2));
    expect(r.body.rejected.map((x) => x.reason)).toEqual([`note ${noteId} belongs to another customer`, `note ${noteId} already has a different version with hlc ${h}`]);
    expect(r.body.applied).toHaveLength(1);
  });
});
