// View state of the pop: the current call (raw identity + lookup result) and the customer
// whose pop is on screen (from the lookup, the chooser or a search). No business logic here:
// matching, money and dates come computed from the main side through the bridge.
import { create } from 'zustand';
import type { LookupResult, Pop } from '../../src-shared/pop/schema';
import { bridge } from '../bridge';
import { markAnswered, markRequested } from '../app/perf';
import { useSearch } from './searchStore';

export type Source = 'lookup' | 'chooser' | 'search';

export interface CallState {
  /** Increments per call; stale answers of an earlier call are dropped. */
  id: number;
  raw: string;
  status: 'loading' | 'done' | 'error';
  result: LookupResult | null;
  error: string | null;
}

export interface SelectedState {
  customerId: string;
  source: Source;
  status: 'loading' | 'done' | 'missing' | 'error';
  pop: Pop | null;
  error: string | null;
}

interface PopState {
  call: CallState | null;
  selected: SelectedState | null;
  /** Duration of the last simulated call from request to paint, ms. */
  lastPopMs: number | null;
  startCall(raw: string): Promise<void>;
  openCustomer(customerId: string, source: Source): Promise<void>;
  backToChooser(): void;
  /** Re-reads what is on screen after the store changed (import, sync). */
  refreshOnScreen(): Promise<void>;
  setLastPopMs(ms: number | null): void;
  reset(): void;
}

/**
 * A call without a customer on screen (unknown, withheld, invalid): the search box moves from
 * the header into the pop, where the agent's eyes are. Only one search box exists at a time.
 */
export function selectInlineSearch(s: Pick<PopState, 'call' | 'selected'>): boolean {
  const m = s.call?.status === 'done' ? s.call.result?.match : undefined;
  return !s.selected && (m === 'none' || m === 'withheld' || m === 'invalid');
}

let callSeq = 0;
let openSeq = 0;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const usePop = create<PopState>((set, get) => ({
  call: null,
  selected: null,
  lastPopMs: null,

  async startCall(raw) {
    const identity = raw.trim();
    markRequested();
    const id = ++callSeq;
    openSeq++; // cancels a pending openCustomer of the previous call
    set({ call: { id, raw: identity, status: 'loading', result: null, error: null }, selected: null, lastPopMs: null });
    // A new caller: the previous caller's search is stale.
    useSearch.getState().clear();
    useSearch.getState().setOpen(false);
    try {
      const result = await bridge.invoke('lookup', { identity });
      if (get().call?.id !== id) return;
      markAnswered();
      const selected: SelectedState | null =
        result.match === 'single' && result.pop
          ? { customerId: result.pop.customer.customerId, source: 'lookup', status: 'done', pop: result.pop, error: null }
          : null;
      set({ call: { id, raw: identity, status: 'done', result, error: null }, selected });
    } catch (err) {
      if (get().call?.id !== id) return;
      set({ call: { id, raw: identity, status: 'error', result: null, error: message(err) } });
    }
  },

  async openCustomer(customerId, source) {
    const seq = ++openSeq;
    const prev = get().selected;
    set({ selected: { customerId, source, status: 'loading', pop: prev?.customerId === customerId ? prev.pop : null, error: null } });
    try {
      const pop = await bridge.invoke('openCustomer', { customerId });
      if (seq !== openSeq) return;
      set({ selected: { customerId, source, status: pop ? 'done' : 'missing', pop, error: null } });
    } catch (err) {
      if (seq !== openSeq) return;
      set({ selected: { customerId, source, status: 'error', pop: null, error: message(err) } });
    }
  },

  backToChooser() {
    openSeq++;
    set({ selected: null });
  },

  async refreshOnScreen() {
    const { selected } = get();
    if (!selected || selected.status !== 'done') return;
    const seq = openSeq;
    try {
      const pop = await bridge.invoke('openCustomer', { customerId: selected.customerId });
      if (seq !== openSeq || get().selected?.customerId !== selected.customerId) return;
      set({ selected: { ...selected, status: pop ? 'done' : 'missing', pop } });
    } catch {
      /* keep what is on screen; the next call will surface a real failure */
    }
  },

  setLastPopMs(ms) {
    set({ lastPopMs: ms });
  },

  reset() {
    callSeq++;
    openSeq++;
    set({ call: null, selected: null, lastPopMs: null });
  },
}));
