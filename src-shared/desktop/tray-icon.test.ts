// The tray dot: one colour per state, transparent corners, a size check.
import { describe, expect, it } from 'vitest';
import { TRAY_COLOURS, trayBitmap } from './tray-icon';

describe('tray icon', () => {
  it('draws a dot in the state colour (BGRA) with transparent corners', () => {
    const size = 32;
    const px = trayBitmap('ready', size);
    expect(px).toHaveLength(size * size * 4);
    const at = (x: number, y: number) => Array.from(px.slice((y * size + x) * 4, (y * size + x) * 4 + 4));
    expect(at(0, 0)).toEqual([0, 0, 0, 0]);
    const [r, g, b] = TRAY_COLOURS.ready;
    expect(at(16, 16)).toEqual([b, g, r, 255]);
  });

  it('differs by state and refuses silly sizes', () => {
    expect(trayBitmap('busy', 16)).not.toEqual(trayBitmap('ready', 16));
    expect(() => trayBitmap('ready', 4)).toThrow(RangeError);
    expect(() => trayBitmap('ready', 1.5)).toThrow(RangeError);
  });
});
