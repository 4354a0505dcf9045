// What the renderer holds: the contract, carried by whichever host it runs in.
import type { EventName, EventPayload, Input, MethodName, Output } from './contract';
import type { Reply } from './envelope';

export type Unsubscribe = () => void;

export interface ProntoBridge {
  invoke<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
}

/**
 * What the Electron preload exposes: calls answer with the host's reply envelope as it came (an
 * object crosses contextBridge intact; an Error's code would not), read by the renderer with readReply.
 */
export interface ExposedBridge {
  invoke(method: MethodName, input: unknown): Promise<Reply>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
}

/** Name of the object the Electron preload exposes on window. */
export const BRIDGE_GLOBAL = 'pronto';
/** Electron IPC channel names, one per method; events on one channel. */
export const ipcChannel = (method: MethodName): string => `pronto:${method}`;
export const IPC_EVENT_CHANNEL = 'pronto:event';
/** Web host routes. */
export const HTTP_API_PREFIX = '/api/';
export const WS_EVENTS_PATH = '/api/events';
