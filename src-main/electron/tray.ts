// The tray icon: the agent's state (registration until agent states exist) as a coloured dot and
// a tooltip, and a menu built by trayMenu (src-shared/desktop/presence.ts): quick state changes,
// show the window, quit. It stays while the window is hidden, so Pronto keeps taking calls.
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { trayIconKind, trayMenu, trayTooltip, type Presence, type PresenceHub, type TrayIconKind, type TrayMenuItem } from '../../src-shared/desktop/presence';
import { trayBitmap } from '../../src-shared/desktop/tray-icon';

export interface TrayActions {
  show(): void;
  quit(): void;
  chooseState(stateId: string): void;
}

const ICON_SIZE = process.platform === 'darwin' ? 18 : process.platform === 'win32' ? 16 : 22;

function icon(kind: TrayIconKind): NativeImage {
  // @2x for HiDPI panels; createFromBitmap takes the platform's BGRA pixels
  const img = nativeImage.createFromBitmap(Buffer.from(trayBitmap(kind, ICON_SIZE)), { width: ICON_SIZE, height: ICON_SIZE, scaleFactor: 1 });
  img.addRepresentation({ scaleFactor: 2, width: ICON_SIZE * 2, height: ICON_SIZE * 2, buffer: Buffer.from(trayBitmap(kind, ICON_SIZE * 2)) });
  return img;
}

function template(items: TrayMenuItem[], actions: TrayActions): MenuItemConstructorOptions[] {
  return items.map((i): MenuItemConstructorOptions => {
    if (i.type === 'separator') return { type: 'separator' };
    if (i.type === 'radio') {
      const stateId = i.id.slice('state:'.length);
      return { type: 'radio', label: i.label, checked: i.checked, enabled: i.enabled, click: () => actions.chooseState(stateId) };
    }
    if (i.id === 'status') return { label: i.label, enabled: false };
    return { label: i.label, enabled: i.enabled, click: i.id === 'show' ? actions.show : actions.quit };
  });
}

/** Creates the tray and keeps it in step with the presence; returns a function that removes it. */
export function startTray(presence: PresenceHub, actions: TrayActions): () => void {
  const tray = new Tray(icon('offline'));
  let shownKind: TrayIconKind | null = null;
  const render = (p: Presence): void => {
    const kind = trayIconKind(p);
    if (kind !== shownKind) {
      tray.setImage(icon(kind));
      shownKind = kind;
    }
    tray.setToolTip(trayTooltip(p));
    tray.setContextMenu(Menu.buildFromTemplate(template(trayMenu(p), actions)));
  };
  render(presence.get());
  const off = presence.onChange(render);
  tray.on('click', actions.show);
  return () => {
    off();
    tray.destroy();
  };
}
