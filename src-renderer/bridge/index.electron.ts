// Electron adapter: the preload exposes `window.pronto` (contextBridge), already a ProntoBridge.
// We only wrap it so errors surface as BridgeError like on the web host.
import { BRIDGE_GLOBAL, type ProntoBridge } from '../../src-shared/api/bridge';
import type { EventName, EventPayload, Input, MethodName, Output } from '../../src-shared/api/contract';
import { toBridgeError } from './errors';

export function exposedBridge(): ProntoBridge | null {
  const candidate = (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL];
  if (candidate && typeof candidate === 'object' && typeof (candidate as ProntoBridge).invoke === 'function') {
    return candidate as ProntoBridge;
  }
  return null;
}

export function createElectronBridge(exposed: ProntoBridge): ProntoBridge {
  return {
    async invoke<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>> {
      try {
        return await exposed.invoke(method, input);
      } catch (err) {
        throw toBridgeError(err);
      }
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      return exposed.on(event, listener);
    },
  };
}
