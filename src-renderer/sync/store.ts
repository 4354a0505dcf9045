// Sync status as the header shows it, always: pushed by the host (`syncStatus` event) and re-read
// after every local write (a standalone desktop has no sync loop to push it) and on a slow poll.
import { create } from 'zustand';
import type { SyncStatus } from '../../src-shared/sync/status';
import { bridge } from '../bridge';

const POLL_MS = 15_000;

interface SyncState {
  status: SyncStatus | null;
  error: string | null;
  refresh(): Promise<void>;
  syncNow(): Promise<void>;
}

let seq = 0;

export const useSync = create<SyncState>((set) => ({
  status: null,
  error: null,
  async refresh() {
    const mine = ++seq;
    try {
      const status = await bridge.invoke('syncStatus', {});
      if (mine === seq) set({ status, error: null });
    } catch (err) {
      if (mine === seq) set({ error: err instanceof Error ? err.message : String(err) });
    }
  },
  async syncNow() {
    try {
      await bridge.invoke('syncNow', {});
    } catch {
      /* the status shows the outcome */
    }
    await useSync.getState().refresh();
  },
}));

/** Listeners for "the pending/rejected counts changed" (history and notes refresh their markers). */
const deliveredListeners = new Set<() => void>();
export function onDelivered(l: () => void): () => void {
  deliveredListeners.add(l);
  return () => deliveredListeners.delete(l);
}

let started = false;
/** Subscribes once (idempotent): event, reconnects, poll. Returns nothing; lives with the page. */
export function startSyncStatus(): void {
  if (started) return;
  started = true;
  let lastPending: number | null = null;
  const apply = (status: SyncStatus) => {
    seq++; // an in-flight refresh is older than a pushed status
    useSync.setState({ status, error: null });
  };
  useSync.subscribe((s) => {
    const p = s.status?.pending ?? null;
    if (lastPending !== null && p !== null && p < lastPending) for (const l of deliveredListeners) l();
    lastPending = p;
  });
  bridge.on('syncStatus', apply);
  bridge.onConnection((c) => {
    if (c === 'open') void useSync.getState().refresh();
  });
  void useSync.getState().refresh();
  setInterval(() => {
    if (document.visibilityState === 'visible') void useSync.getState().refresh();
  }, POLL_MS);
}
