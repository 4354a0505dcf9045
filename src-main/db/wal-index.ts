// How many WAL frames wait to be copied into the store file, read from the wal-index (the -shm
// file) without touching the database: the checkpoint worker polls this every 100 ms, and a
// checkpoint (with its fsync) only runs when there is enough to copy, as SQLite's own
// auto-checkpoint would. Layout: https://www.sqlite.org/walformat.html (§ 2.1): two copies of a
// 48-byte header (mxFrame at offset 16) then the checkpoint info (nBackfill at offset 96), all
// in the host's byte order. The two copies are written one after the other, so a read that
// sees them differ raced a writer and is not used.
import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';

const HEADER = 48;
const MX_FRAME = 16;
const N_BACKFILL = 96;

export class WalIndex {
  private fd: number | null = null;
  private buf = Buffer.alloc(N_BACKFILL + 4);
  private le = endianness() === 'LE';

  constructor(private dbFile: string) {}

  /** Frames written since the last complete checkpoint; null when the index cannot be read now. */
  pendingFrames(): number | null {
    return this.read()?.pending ?? null;
  }

  /** `frames`: the WAL's length (it starts over only after a complete checkpoint); `pending`: not yet copied. */
  read(): { frames: number; pending: number } | null {
    try {
      this.fd ??= openSync(`${this.dbFile}-shm`, 'r');
      if (readSync(this.fd, this.buf, 0, this.buf.length, 0) < this.buf.length) return null;
    } catch {
      return null;
    }
    if (!this.buf.subarray(0, HEADER).equals(this.buf.subarray(HEADER, 2 * HEADER))) return null;
    const mx = this.le ? this.buf.readUInt32LE(MX_FRAME) : this.buf.readUInt32BE(MX_FRAME);
    const backfilled = this.le ? this.buf.readUInt32LE(N_BACKFILL) : this.buf.readUInt32BE(N_BACKFILL);
    return mx >= backfilled ? { frames: mx, pending: mx - backfilled } : null;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
