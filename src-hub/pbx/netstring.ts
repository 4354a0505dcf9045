// Netstrings ("12:hello world!,"), the framing of Kamailio's evapi socket in both directions.
// A decoder is fed TCP chunks and yields whole messages; a frame that is not a netstring, or
// longer than `maxBytes`, is an error (the link drops the connection and reconnects).

export function encodeNetstring(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]);
}

export class NetstringDecoder {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly maxBytes = 1 << 20) {}

  /** Appends a chunk; returns the messages it completed. Throws on a malformed frame. */
  push(chunk: Buffer): string[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: string[] = [];
    for (;;) {
      const colon = this.buf.indexOf(0x3a);
      if (colon < 0) {
        if (this.buf.length > 12) throw new Error('evapi: a frame without a length prefix');
        return out;
      }
      const head = this.buf.subarray(0, colon).toString('latin1');
      if (!/^\d{1,10}$/.test(head)) throw new Error(`evapi: bad netstring length "${head.slice(0, 20)}"`);
      const len = Number(head);
      if (len > this.maxBytes) throw new Error(`evapi: a frame of ${len} bytes (limit ${this.maxBytes})`);
      const end = colon + 1 + len;
      if (this.buf.length < end + 1) return out;
      if (this.buf[end] !== 0x2c) throw new Error('evapi: netstring without its closing comma');
      out.push(this.buf.subarray(colon + 1, end).toString('utf8'));
      this.buf = this.buf.subarray(end + 1);
    }
  }
}
