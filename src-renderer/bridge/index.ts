// The renderer's only way to the main side. Electron: the preload's `window.pronto`;
// otherwise the web host over HTTP + WebSocket. Nothing else in the renderer talks to a host.
import type { ProntoBridge, Unsubscribe } from '../../src-shared/api/bridge';
import { createElectronBridge, exposedBridge } from './index.electron';
import { createWebBridge, type ConnectionState } from './index.web';

export { BridgeError } from './errors';
export type { ConnectionState } from './index.web';

export interface RendererBridge extends ProntoBridge {
  readonly kind: 'electron' | 'web';
  connection(): ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): Unsubscribe;
}

function pick(): RendererBridge {
  const exposed = exposedBridge();
  if (exposed) {
    const b = createElectronBridge(exposed);
    // IPC is always "connected" while the window lives.
    return { ...b, kind: 'electron', connection: () => 'open', onConnection: () => () => {} };
  }
  const web = createWebBridge();
  return Object.assign(web, { kind: 'web' as const });
}

export const bridge: RendererBridge = pick();
