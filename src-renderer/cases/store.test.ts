// The case store's save path against a fake bridge: debounced saves, the saved indicator, the
// local copy until the host acknowledged, retry while the host is down, submit rules.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Case } from '../../src-shared/cases/schema';

// ---- a browser just big enough for the store ----
const storage = new Map<string, string>();
const localStorage = {
  getItem: (k: string) => storage.get(k) ?? null,
  setItem: (k: string, v: string) => void storage.set(k, v),
  removeItem: (k: string) => void storage.delete(k),
  key: (i: number) => [...storage.keys()][i] ?? null,
  get length() {
    return storage.size;
  },
};
Object.assign(globalThis, {
  window: { localStorage, addEventListener: () => {}, removeEventListener: () => {} },
  document: { addEventListener: () => {}, visibilityState: 'visible' },
});

// ---- the fake host ----
type Handler = (input: Record<string, unknown>) => unknown;
const handlers = new Map<string, Handler>();
const calls: { method: string; input: Record<string, unknown> }[] = [];
class FakeBridgeError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}
vi.mock('../bridge', () => ({
  BridgeError: FakeBridgeError,
  bridge: {
    kind: 'web',
    async invoke(method: string, input: Record<string, unknown>) {
      calls.push({ method, input });
      const h = handlers.get(method);
      if (!h) throw new FakeBridgeError('unknown_method', method);
      return h(input);
    },
    on: () => () => {},
    connection: () => 'open',
    onConnection: () => () => {},
  },
}));

const { useCases } = await import('./store');

function makeCase(over: Partial<Case> = {}): Case {
  const at = new Date(Date.now() - 60_000).toISOString();
  return {
    caseId: '11111111-1111-4111-8111-111111111111', customerId: 'C1', callId: 'sim-1', callLine: '', callDurationS: null,
    disposition: null, category: null, notes: '', followUpDate: null, followUpTask: '', status: 'draft', origin: 'local',
    createdAt: at, updatedAt: at, callEndedAt: null, submittedAt: null, pending: false, offers: [], ...over,
  };
}

let stored: Case;
const saves = () => calls.filter((c) => c.method === 'caseSave');

beforeEach(async () => {
  vi.useFakeTimers();
  storage.clear();
  calls.length = 0;
  stored = makeCase({ caseId: crypto.randomUUID() });
  handlers.set('caseStart', () => stored);
  handlers.set('caseSave', (i) => {
    stored = { ...stored, ...(i as Partial<Case>), updatedAt: new Date().toISOString() };
    return stored;
  });
  handlers.set('caseSubmit', (i) => {
    stored = { ...stored, ...(i as Partial<Case>), status: 'submitted', pending: true, offers: ((i.offers as Case['offers']) ?? []).map((o) => ({ ...o, decidedAt: new Date().toISOString() })) };
    return stored;
  });
  handlers.set('casesOpen', () => []);
  handlers.set('caseHistory', () => []);
  handlers.set('syncStatus', () => ({ configured: false, hubUrl: null, online: false, live: false, lastSyncedAt: null, cursor: 0, pending: 0, rejected: 0, rejectedItems: [], error: null, progress: null }));
  await useCases.getState().startCaseForPop({ callId: 'sim-1', customerId: 'C1' });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('saving while the agent types', () => {
  it('shows the edit at once, saves once after a pause, then says saved and drops the local copy', async () => {
    const { edit } = useCases.getState();
    edit('notes', 'H');
    edit('notes', 'He');
    edit('notes', 'Hello');
    expect(useCases.getState().draft?.notes).toBe('Hello');
    expect(useCases.getState().saveState).toBe('pending');
    expect(storage.get(`pronto.caseDraft.${stored.caseId}`)).toContain('Hello');
    expect(saves()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(350);
    expect(saves()).toHaveLength(1);
    expect(saves()[0]!.input).toEqual({ caseId: stored.caseId, notes: 'Hello' });
    expect(useCases.getState().saveState).toBe('saved');
    expect(storage.has(`pronto.caseDraft.${stored.caseId}`)).toBe(false);
  });

  it('flush saves at once (blur, tab hidden, page hide)', async () => {
    useCases.getState().edit('notes', 'Now');
    await useCases.getState().flush();
    expect(saves()).toHaveLength(1);
    expect(useCases.getState().saveState).toBe('saved');
  });

  it('host down: keeps the text and the local copy, says so, retries until it lands', async () => {
    let down = true;
    const save = handlers.get('caseSave')!;
    handlers.set('caseSave', (i) => {
      if (down) throw new FakeBridgeError('unreachable', 'The Pronto host is not reachable');
      return save(i);
    });
    useCases.getState().edit('notes', 'Keep me');
    await vi.advanceTimersByTimeAsync(350);
    expect(useCases.getState().saveState).toBe('error');
    expect(useCases.getState().draft?.notes).toBe('Keep me');
    expect(storage.get(`pronto.caseDraft.${stored.caseId}`)).toContain('Keep me');
    down = false;
    await vi.advanceTimersByTimeAsync(2_100);
    expect(useCases.getState().saveState).toBe('saved');
    expect(stored.notes).toBe('Keep me');
    expect(storage.has(`pronto.caseDraft.${stored.caseId}`)).toBe(false);
  });

  it('a local copy the host never acknowledged wins when the case is shown again', async () => {
    const caseId = crypto.randomUUID();
    storage.set(`pronto.caseDraft.${caseId}`, JSON.stringify({ fields: { notes: 'typed, never sent' }, at: new Date().toISOString() }));
    stored = makeCase({ caseId, callId: 'sim-2' });
    await useCases.getState().startCaseForPop({ callId: 'sim-2', customerId: 'C1' });
    expect(useCases.getState().draft?.notes).toBe('typed, never sent');
    await vi.advanceTimersByTimeAsync(10);
    expect(stored.notes).toBe('typed, never sent');
  });
});

describe('submit', () => {
  it('needs a disposition: says so and sends nothing', async () => {
    expect(await useCases.getState().submit()).toBe(false);
    expect(useCases.getState().submitError).toBe('disposition');
    expect(calls.some((c) => c.method === 'caseSubmit')).toBe(false);
    useCases.getState().edit('disposition', 'INFO');
    expect(useCases.getState().submitError).toBeNull();
  });

  it('sends every field and the chosen offer outcomes in one call', async () => {
    const s = useCases.getState();
    s.edit('disposition', 'ORDER');
    s.edit('notes', 'Bought it');
    s.setChoice('RFC-200', 'cross_sell', 'accepted');
    s.setChoice('CAP-200', 'cross_sell', 'not_interested');
    s.setChoice('CAP-200', 'cross_sell', null);
    s.setChoice('MCK-300', 'up_sell', 'declined');
    expect(await s.submit()).toBe(true);
    const sub = calls.find((c) => c.method === 'caseSubmit')!;
    expect(sub.input).toMatchObject({ caseId: stored.caseId, disposition: 'ORDER', notes: 'Bought it' });
    expect(sub.input.offers).toEqual([
      { sku: 'RFC-200', kind: 'cross_sell', outcome: 'accepted' },
      { sku: 'MCK-300', kind: 'up_sell', outcome: 'declined' },
    ]);
    expect(useCases.getState().current?.status).toBe('submitted');
    expect([...storage.keys()].filter((k) => k.includes(stored.caseId))).toEqual([]);
  });
});

describe('the open-cases list during a burst of calls', () => {
  it('asks the host once at a time; asks made meanwhile become one more request with the newest list', async () => {
    let version = 0;
    handlers.set('casesOpen', () => [makeCase({ caseId: crypto.randomUUID(), notes: `v${++version}` })]);
    await vi.advanceTimersByTimeAsync(1000); // whatever the pop's start left pending
    const before = calls.filter((c) => c.method === 'casesOpen').length;
    const { refreshOpen } = useCases.getState();
    const first = refreshOpen();
    for (let i = 0; i < 10; i++) void refreshOpen();
    await vi.advanceTimersByTimeAsync(1000);
    await first;
    expect(calls.filter((c) => c.method === 'casesOpen').length - before).toBe(2);
    expect(useCases.getState().openCases.map((c) => c.notes)).toEqual([`v${version}`]);
    // quiet again: the next ask goes at once
    await refreshOpen();
    expect(calls.filter((c) => c.method === 'casesOpen').length - before).toBe(3);
  });
});
