// The tray icon: a round dot coloured by the agent's state, drawn here as raw pixels so no image
// file has to be found inside the package at run time (nativeImage.createFromBitmap takes them).
import type { TrayIconKind } from './presence';

/** RGB per state: green ready, red busy (a call or wrap-up), amber away/connecting, grey offline, dark red problem. */
export const TRAY_COLOURS: Record<TrayIconKind, readonly [number, number, number]> = {
  ready: [0x1f, 0xa8, 0x4f],
  busy: [0xd9, 0x3b, 0x2b],
  away: [0xe8, 0xa3, 0x17],
  offline: [0x8a, 0x8f, 0x98],
  problem: [0x8b, 0x1a, 0x1a],
};

/**
 * size×size pixels, 4 bytes each in BGRA order (Chromium's native bitmap order on the desktop
 * platforms), premultiplied alpha: a filled circle with an anti-aliased edge and a white ring.
 */
export function trayBitmap(kind: TrayIconKind, size: number): Uint8Array {
  if (!Number.isInteger(size) || size < 8 || size > 256) throw new RangeError(`tray icon size ${size}`);
  const [r, g, b] = TRAY_COLOURS[kind];
  const out = new Uint8Array(size * size * 4);
  const c = (size - 1) / 2;
  const radius = size / 2 - 0.5;
  const ring = Math.max(1, size / 16);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      const alpha = Math.max(0, Math.min(1, radius - d + 0.5));
      if (alpha === 0) continue;
      const white = d > radius - ring ? 1 : 0; // a light ring keeps the dot visible on dark panels
      const [pr, pg, pb] = white ? [255, 255, 255] : [r, g, b];
      const i = (y * size + x) * 4;
      out[i] = Math.round(pb * alpha);
      out[i + 1] = Math.round(pg * alpha);
      out[i + 2] = Math.round(pr * alpha);
      out[i + 3] = Math.round(255 * alpha);
    }
  }
  return out;
}
