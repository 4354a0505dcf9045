// Exposes the typed contract as window.pronto — and nothing else (no raw ipcRenderer). Replies go
// to the renderer as the host's envelope; the renderer's bridge reads and checks them.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_GLOBAL, ipcChannel, IPC_EVENT_CHANNEL, type ExposedBridge } from '../../src-shared/api/bridge';
import type { Reply } from '../../src-shared/api/envelope';
import { isEventName, isMethodName } from '../../src-shared/api/contract';

const bridge: ExposedBridge = {
  async invoke(method, input) {
    if (!isMethodName(method)) return { ok: false, error: { code: 'unknown_method', message: `unknown method ${String(method)}` } };
    return (await ipcRenderer.invoke(ipcChannel(method), input)) as Reply;
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`unknown event ${String(event)}`);
    const handler = (_e: IpcRendererEvent, msg: { event: string; payload: unknown }): void => {
      if (msg.event === event) listener(msg.payload as never);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
