// What a host holds of sync: the same few verbs whether the client runs on the host's own thread
// or in a sync thread (thread.ts), so the API and the shells never know which.
import type { Entity } from '../../../src-shared/sync/protocol';
import type { SyncStatus } from '../../../src-shared/sync/status';
import type { SyncTuning } from '../../config';
import type { AgentStatePoke } from '../../../src-shared/agent-state/states';

export interface SyncRound {
  pushed: number;
  rejected: number;
  pulled: number;
}

export interface SyncHandle {
  /** Live mode: pokes, polls, retries. */
  start(): void;
  /** A round now, or right after the current one. */
  kick(): void;
  /** Network back or machine awake: retry at once. */
  wake(): void;
  /** One full round (push, then pull until up to date); rejects with the round's error. */
  syncOnce(): Promise<SyncRound>;
  stop(): Promise<void>;
  status(): SyncStatus;
}

/** The part of the status that lives in memory in the client (the rest is in the store). */
export type SyncLiveState = Pick<SyncStatus, 'online' | 'live' | 'error' | 'progress'>;

/** The sync thread (sync-worker.ts) as its host (thread.ts) drives it; see src-shared/node/worker-host.ts. */
export interface SyncThreadProtocol {
  data: { file: string; cfg: { hubUrl: string; token: string; pageSize?: number; tuning?: Partial<SyncTuning> } };
  calls: {
    start(): void;
    kick(): void;
    wake(): void;
    syncOnce(): SyncRound;
  };
  events: {
    status: SyncLiveState;
    changed: { rows: number; entities: Entity[] };
    log: string;
    /** The live socket's `agentState` message, for the host's agent-state service. */
    agentState: AgentStatePoke;
  };
}
