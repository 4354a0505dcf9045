// Output files written in big chunks: Sink for string rows (64 KB strings: measured, 2 MB
// string chunks made V8 spend 40% of the time in GC flattening the ropes), ByteSink for the
// 5M-row purchases file written byte by byte. Both yield to the event loop between chunks.
import { closeSync, openSync, writeSync } from 'node:fs';
import { DAY, type Clock } from './clock';

const CHUNK = 64 << 10;

/** Output file written in big chunks. */
export class Sink {
  private fd: number;
  private buf = '';
  constructor(readonly path: string, header: readonly string[]) {
    this.fd = openSync(path, 'w');
    this.buf = header.join(',') + '\n';
  }
  /** Appends a row; returns true when the buffer should be flushed (await sink.flush()). */
  push(row: string): boolean {
    this.buf += row;
    return this.buf.length >= CHUNK;
  }
  async flush(): Promise<void> {
    if (this.buf) writeSync(this.fd, this.buf);
    this.buf = '';
    // Let the event loop breathe between chunks (timers, IPC, progress).
    await new Promise<void>((r) => setImmediate(r));
  }
  async close(): Promise<void> {
    if (this.buf) writeSync(this.fd, this.buf);
    this.buf = '';
    closeSync(this.fd);
  }
}

/**
 * ASCII output written digit by digit into a reusable buffer: no strings per row. Used for the
 * 5M-row purchases file, where string building dominated.
 */
export class ByteSink {
  private fd: number;
  private buf = Buffer.allocUnsafe(1 << 20);
  pos = 0;
  constructor(readonly path: string, header: readonly string[]) {
    this.fd = openSync(path, 'w');
    this.ascii(header.join(',') + '\n');
  }
  /** True when fewer than `n` bytes are free (then await flush()). */
  full(n: number): boolean {
    return this.pos + n > this.buf.length;
  }
  async flush(): Promise<void> {
    writeSync(this.fd, this.buf, 0, this.pos);
    this.pos = 0;
    await new Promise<void>((r) => setImmediate(r));
  }
  close(): void {
    if (this.pos) writeSync(this.fd, this.buf, 0, this.pos);
    this.pos = 0;
    closeSync(this.fd);
  }
  byte(c: number): void {
    this.buf[this.pos++] = c;
  }
  ascii(s: string): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }
  bytes(src: Uint8Array, from: number, len: number): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < len; i++) b[p++] = src[from + i]!;
    this.pos = p;
  }
  /** Non-negative integer below 2^31, left-padded with zeros to `width`. */
  uint(n: number, width = 1): void {
    let digits = 1;
    for (let t = n; t >= 10; t = (t / 10) | 0) digits++;
    if (digits < width) digits = width;
    const b = this.buf;
    let p = this.pos + digits;
    this.pos = p;
    for (let i = 0; i < digits; i++) {
      const q = (n / 10) | 0;
      b[--p] = 48 + n - q * 10;
      n = q;
    }
  }
  /** Integer cents as "123.45" (same text as money()). */
  money(cents: number): void {
    if (cents < 0) {
      this.byte(45);
      cents = -cents;
    }
    const units = Math.floor(cents / 100);
    const c = cents - units * 100;
    this.uint(units);
    this.byte(46);
    this.byte(48 + ((c / 10) | 0));
    this.byte(48 + (c % 10));
  }
  /** "YYYY-MM-DDTHH:MM:SSZ" (same text as instant()). */
  instant(clock: Clock, sec: number): void {
    const d = Math.floor(sec / DAY);
    this.bytes(clock.dayBytes, d * 10, 10);
    let r = sec - d * DAY;
    const h = (r / 3600) | 0;
    r -= h * 3600;
    const m = (r / 60) | 0;
    const s = r - m * 60;
    this.byte(84);
    this.uint(h, 2);
    this.byte(58);
    this.uint(m, 2);
    this.byte(58);
    this.uint(s, 2);
    this.byte(90);
  }
}
