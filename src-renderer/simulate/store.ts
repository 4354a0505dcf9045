// The simulated incoming call (training and testing until the SIP phone arrives).
import { create } from 'zustand';

const RECENT_KEY = 'pronto.recentCalls';
const MAX_RECENT = 6;

function loadRecent(): string[] {
  try {
    const v: unknown = JSON.parse(window.localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

interface SimulateState {
  number: string;
  recent: string[];
  setNumber(n: string): void;
  remember(raw: string): void;
  clearRecent(): void;
}

export const useSimulate = create<SimulateState>((set, get) => ({
  number: '',
  recent: loadRecent(),
  setNumber(number) {
    set({ number });
  },
  remember(raw) {
    const v = raw.trim();
    if (!v) return;
    const recent = [v, ...get().recent.filter((r) => r !== v)].slice(0, MAX_RECENT);
    try {
      window.localStorage.setItem(RECENT_KEY, JSON.stringify(recent));
    } catch {
      /* ignore */
    }
    set({ recent });
  },
  clearRecent() {
    try {
      window.localStorage.removeItem(RECENT_KEY);
    } catch {
      /* ignore */
    }
    set({ recent: [] });
  },
}));
