// Exposes the typed contract as window.pronto — and nothing else (no raw ipcRenderer).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_GLOBAL, ipcChannel, IPC_EVENT_CHANNEL, type ProntoBridge } from '../../src-shared/api/bridge';
import { isEventName, isMethodName } from '../../src-shared/api/contract';

type Reply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

const bridge: ProntoBridge = {
  async invoke(method, input) {
    if (!isMethodName(method)) throw new Error(`unknown method ${String(method)}`);
    const reply = (await ipcRenderer.invoke(ipcChannel(method), input)) as Reply;
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    return reply.result as never;
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
