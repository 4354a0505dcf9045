// Getting the agent's attention when a call rings: the host first (Electron brings the window
// forward and shows an OS notification); the web host says handled:false and the page uses
// the Notification API itself.
import { bridge } from '../bridge';
import { useTelephony, type NotifyPermission } from './store';

const open = new Map<string, Notification>();

export function notifyPermission(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export function syncNotifyPermission(): void {
  useTelephony.setState({ notify: notifyPermission() });
}

/** Must run from a click (browsers ignore it otherwise). */
export async function requestNotifyPermission(): Promise<void> {
  if (typeof Notification === 'undefined') return;
  try {
    await Notification.requestPermission();
  } catch {
    /* old signature or refused */
  }
  syncNotifyPermission();
}

export async function attention(callId: string, title: string, body: string): Promise<void> {
  let handled = false;
  // The web host has no window to bring forward (it answers handled:false): skip the round trip.
  if (bridge.kind === 'electron') {
    try {
      handled = (await bridge.invoke('attention', { title: title.slice(0, 200), body: body.slice(0, 500) })).handled;
    } catch {
      handled = false;
    }
  }
  if (handled || useTelephony.getState().notify !== 'granted') return;
  // Only while the page is not what the agent looks at: a visible pop needs no toast.
  if (document.visibilityState === 'visible' && document.hasFocus()) return;
  try {
    const n = new Notification(title, { body, tag: `pronto-call-${callId}`, requireInteraction: true, silent: true });
    n.onclick = () => {
      window.focus();
      n.close();
    };
    open.set(callId, n);
  } catch {
    /* e.g. Android Chrome wants a service worker: no toast then */
  }
}

export function clearAttention(callId: string): void {
  const n = open.get(callId);
  if (!n) return;
  open.delete(callId);
  try {
    n.close();
  } catch {
    /* already gone */
  }
}
