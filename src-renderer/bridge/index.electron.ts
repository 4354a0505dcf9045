// Electron adapter: the preload exposes `window.pronto` (contextBridge), whose calls answer with
// the host's reply envelope. Read here like the web host's: results checked against the
// contract, errors as BridgeError with the host's code; events checked against their schemas.
import { BRIDGE_GLOBAL, type ExposedBridge, type ProntoBridge } from '../../src-shared/api/bridge';
import { events, type EventName, type EventPayload, type Input, type MethodName, type Output } from '../../src-shared/api/contract';
import { readReply } from '../../src-shared/api/envelope';
import { toBridgeError } from './errors';

export function exposedBridge(): ExposedBridge | null {
  const candidate = (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL];
  if (candidate && typeof candidate === 'object' && typeof (candidate as ExposedBridge).invoke === 'function') {
    return candidate as ExposedBridge;
  }
  return null;
}

export function createElectronBridge(exposed: ExposedBridge): ProntoBridge {
  return {
    async invoke<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>> {
      let reply: unknown;
      try {
        reply = await exposed.invoke(method, input);
      } catch (err) {
        throw toBridgeError(err); // refused by the main process (untrusted frame) or IPC failed
      }
      return readReply(method, reply);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      return exposed.on(event, (payload) => {
        const parsed = events[event].safeParse(payload);
        if (!parsed.success) {
          console.warn(`pronto: dropped malformed ${event} event`, parsed.error.issues);
          return;
        }
        listener(parsed.data as EventPayload<E>);
      });
    },
  };
}
