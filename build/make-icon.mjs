// Writes build/icon.png (1024×1024), the app icon electron-builder turns into each platform's
// format (icns, ico, the Linux sizes): a blue rounded square with a white ring and dot (a "pop").
// Run once after a design change: node build/make-icon.mjs. No image library needed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const SIZE = 1024;
const BLUE = [0x25, 0x63, 0xeb];

function crc32(buf) {
  let c;
  const table = [];
  for (let n = 0; n < 256; n++) {
    c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  let crc = 0xffffffff;
  for (const b of buf) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** Coverage of a pixel by a shape given its signed distance (negative inside), anti-aliased. */
const cover = (d) => Math.max(0, Math.min(1, 0.5 - d));

const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
const c = SIZE / 2;
const corner = SIZE * 0.22;
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    // rounded square (margin 6 %)
    const m = SIZE * 0.06;
    const qx = Math.abs(x + 0.5 - c) - (c - m - corner);
    const qy = Math.abs(y + 0.5 - c) - (c - m - corner);
    const dSquare = Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - corner;
    const a = cover(dSquare);
    const r = Math.hypot(x + 0.5 - c, y + 0.5 - c);
    const ring = cover(Math.abs(r - SIZE * 0.27) - SIZE * 0.045);
    const dot = cover(r - SIZE * 0.11);
    const white = Math.max(ring, dot);
    const i = y * (SIZE * 4 + 1) + 1 + x * 4;
    raw[i] = Math.round(BLUE[0] * (1 - white) + 255 * white);
    raw[i + 1] = Math.round(BLUE[1] * (1 - white) + 255 * white);
    raw[i + 2] = Math.round(BLUE[2] * (1 - white) + 255 * white);
    raw[i + 3] = Math.round(255 * a);
  }
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(fileURLToPath(new URL('./icon.png', import.meta.url)), png);
console.log(`build/icon.png: ${SIZE}×${SIZE}, ${png.length} bytes`);
