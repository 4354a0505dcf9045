// What the host says about its store: data dir, region, customer count, demo flag.
import { create } from 'zustand';
import type { StoreStatus } from '../../src-shared/api/contract';
import { bridge, type ConnectionState } from '../bridge';

interface StatusState {
  status: StoreStatus | null;
  error: string | null;
  connection: ConnectionState;
  refresh(): Promise<void>;
}

export const useStatus = create<StatusState>((set) => ({
  status: null,
  error: null,
  connection: bridge.connection(),
  async refresh() {
    try {
      const status = await bridge.invoke('status', {});
      set({ status, error: null });
    } catch (err) {
      set({ error: (err as Error).message });
    }
  },
}));

bridge.onConnection((connection) => {
  useStatus.setState({ connection });
  // After a reconnect the store may have changed while we were away.
  if (connection === 'open') void useStatus.getState().refresh();
});
