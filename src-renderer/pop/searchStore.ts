// Search over the local store (name, company, e-mail, customer ID, phone).
import { create } from 'zustand';
import type { SearchHit } from '../../src-shared/pop/schema';
import { bridge } from '../bridge';

export const MIN_QUERY = 2;
export const SEARCH_LIMIT = 25;

interface SearchState {
  query: string;
  hits: SearchHit[];
  /** Query the hits belong to. */
  hitsFor: string;
  status: 'idle' | 'loading' | 'done' | 'error';
  error: string | null;
  open: boolean;
  active: number;
  setQuery(q: string): void;
  run(q: string): Promise<void>;
  setOpen(open: boolean): void;
  setActive(i: number): void;
  clear(): void;
}

let seq = 0;

export const useSearch = create<SearchState>((set, get) => ({
  query: '',
  hits: [],
  hitsFor: '',
  status: 'idle',
  error: null,
  open: false,
  active: 0,
  setQuery(query) {
    set({ query, open: true });
  },
  async run(q) {
    const query = q.trim();
    const mine = ++seq;
    if (query.length < MIN_QUERY) {
      set({ hits: [], hitsFor: query, status: 'idle', error: null, active: 0 });
      return;
    }
    set({ status: 'loading', error: null });
    try {
      const hits = await bridge.invoke('search', { query, limit: SEARCH_LIMIT });
      if (mine !== seq) return;
      set({ hits, hitsFor: query, status: 'done', active: 0 });
    } catch (err) {
      if (mine !== seq) return;
      set({ hits: [], hitsFor: query, status: 'error', error: err instanceof Error ? err.message : String(err) });
    }
  },
  setOpen(open) {
    if (get().open !== open) set({ open });
  },
  setActive(active) {
    set({ active });
  },
  clear() {
    seq++;
    const s = get();
    // already clear (every ringing call clears it): no new state, no re-render
    if (s.query === '' && s.hits.length === 0 && s.hitsFor === '' && s.status === 'idle' && s.error === null && s.active === 0) return;
    set({ query: '', hits: [], hitsFor: '', status: 'idle', error: null, active: 0 });
  },
}));
