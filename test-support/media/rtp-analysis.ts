/**
 * What reached a trunk's media port, read from a pcap file (tcpdump -w on `lo`): RTP packets per
 * payload type and per stream, the audio level of G.711 payloads, RFC 4733 telephone-events,
 * loss and interarrival jitter (RFC 3550 §6.4.1). Pure functions, Node built-ins only.
 */

export interface RtpPacket {
  /** Arrival time, ms (capture clock). */
  at: number;
  srcPort: number;
  dstPort: number;
  pt: number;
  seq: number;
  ts: number;
  ssrc: number;
  marker: boolean;
  payload: Buffer;
}

/** Every UDP datagram of a pcap (Ethernet or Linux cooked link type) that looks like RTP v2. */
export function readPcapRtp(file: Buffer): RtpPacket[] {
  if (file.length < 24) return [];
  const magic = file.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const u32 = (o: number) => (le ? file.readUInt32LE(o) : file.readUInt32BE(o));
  const linkType = u32(20);
  const linkLen = linkType === 1 ? 14 : linkType === 113 ? 16 : linkType === 0 ? 4 : -1;
  if (linkLen < 0) throw new Error(`pcap link type ${linkType} not supported`);
  const out: RtpPacket[] = [];
  let off = 24;
  while (off + 16 <= file.length) {
    const sec = u32(off);
    const frac = u32(off + 4);
    const incl = u32(off + 8);
    off += 16;
    const pkt = file.subarray(off, off + incl);
    off += incl;
    const ip = pkt.subarray(linkLen);
    if (ip.length < 28 || ip[0]! >> 4 !== 4 || ip[9] !== 17) continue;
    const ihl = (ip[0]! & 0x0f) * 4;
    const udp = ip.subarray(ihl);
    const rtp = udp.subarray(8);
    if (rtp.length < 12 || rtp[0]! >> 6 !== 2) continue;
    const pt = rtp[1]! & 0x7f;
    if (pt >= 72 && pt <= 76) continue; // RTCP (SR/RR/…) on the same port
    const cc = rtp[0]! & 0x0f;
    const ext = (rtp[0]! & 0x10) !== 0;
    let head = 12 + cc * 4;
    if (ext && rtp.length >= head + 4) head += 4 + rtp.readUInt16BE(head + 2) * 4;
    out.push({
      at: sec * 1000 + (nano ? frac / 1e6 : frac / 1e3),
      srcPort: udp.readUInt16BE(0),
      dstPort: udp.readUInt16BE(2),
      pt,
      seq: rtp.readUInt16BE(2),
      ts: rtp.readUInt32BE(4),
      ssrc: rtp.readUInt32BE(8),
      marker: (rtp[1]! & 0x80) !== 0,
      payload: rtp.subarray(head),
    });
  }
  return out;
}

/** G.711 µ-law byte → linear sample (−32124…32124). */
export function ulawToLinear(b: number): number {
  const u = ~b & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

/** G.711 A-law byte → linear sample (−32256…32256). */
export function alawToLinear(b: number): number {
  const a = b ^ 0x55;
  const seg = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

/** Root-mean-square level of G.711 payloads, 0…1 (0 = digital silence). */
export function g711Level(packets: RtpPacket[], law: 'pcma' | 'pcmu'): number {
  let sum = 0;
  let n = 0;
  const dec = law === 'pcma' ? alawToLinear : ulawToLinear;
  for (const p of packets) {
    for (const b of p.payload) {
      const s = dec(b) / 32768;
      sum += s * s;
      n++;
    }
  }
  return n ? Math.sqrt(sum / n) : 0;
}

const EVENT_NAMES = '0123456789*#ABCD';

/** RFC 4733 events (digits), once per event (the end packets repeat), in order. */
export function telephoneEvents(packets: RtpPacket[]): string {
  let out = '';
  let last = '';
  for (const p of packets) {
    if (p.payload.length < 4) continue;
    const key = `${p.ssrc}:${p.ts}`;
    const end = (p.payload[1]! & 0x80) !== 0;
    if (!end || key === last) continue;
    last = key;
    out += EVENT_NAMES[p.payload[0]!] ?? '?';
  }
  return out;
}

export interface StreamStats {
  ssrc: number;
  pt: number;
  packets: number;
  /** Packets missing from the sequence range (negative: duplicates). */
  lost: number;
  lossPct: number;
  /** RFC 3550 interarrival jitter at the end, ms, and its 99th percentile along the stream. */
  jitterMs: number;
  jitterP99Ms: number;
}

/** Per SSRC: loss from the sequence numbers, interarrival jitter (clock rate `rate`). */
export function streamStats(packets: RtpPacket[], rate = 8000): StreamStats[] {
  const by = new Map<number, RtpPacket[]>();
  for (const p of packets) {
    const l = by.get(p.ssrc);
    if (l) l.push(p);
    else by.set(p.ssrc, [p]);
  }
  const out: StreamStats[] = [];
  for (const [ssrc, list] of by) {
    // extended sequence numbers (wrap at 65536)
    let cycles = 0;
    let prev = list[0]!.seq;
    let min = Infinity;
    let max = -Infinity;
    const jit: number[] = [];
    let j = 0;
    let prevTransit: number | null = null;
    for (const p of list) {
      if (p.seq < prev && prev - p.seq > 30000) cycles += 65536;
      prev = p.seq;
      const ext = cycles + p.seq;
      min = Math.min(min, ext);
      max = Math.max(max, ext);
      const transit = p.at - (p.ts * 1000) / rate;
      if (prevTransit !== null) {
        const d = Math.abs(transit - prevTransit);
        // a timestamp jump (new talk spurt after silence suppression, or a new source) is no jitter
        if (d < 1000) {
          j += (d - j) / 16;
          jit.push(j);
        }
      }
      prevTransit = transit;
    }
    const expected = max - min + 1;
    const lost = expected - list.length;
    jit.sort((a, b) => a - b);
    out.push({
      ssrc,
      pt: list[0]!.pt,
      packets: list.length,
      lost,
      lossPct: expected > 0 ? (Math.max(0, lost) * 100) / expected : 0,
      jitterMs: j,
      jitterP99Ms: jit.length ? jit[Math.min(jit.length - 1, Math.floor(jit.length * 0.99))]! : 0,
    });
  }
  return out;
}

export interface CaptureSummary {
  packets: number;
  /** packets per payload type */
  byPt: Record<number, number>;
  /** RMS level (0…1) of the A-law (8) and µ-law (0) payloads. */
  level: number;
  events: string;
  streams: StreamStats[];
}

/** Everything above for the packets sent TO `port` (the trunk's media port). */
export function summarize(packets: RtpPacket[], port: number, eventPt = 101): CaptureSummary {
  const to = packets.filter((p) => p.dstPort === port);
  const byPt: Record<number, number> = {};
  for (const p of to) byPt[p.pt] = (byPt[p.pt] ?? 0) + 1;
  const pcma = to.filter((p) => p.pt === 8);
  const pcmu = to.filter((p) => p.pt === 0);
  const level = Math.max(g711Level(pcma, 'pcma'), g711Level(pcmu, 'pcmu'));
  return {
    packets: to.length,
    byPt,
    level,
    events: telephoneEvents(to.filter((p) => p.pt === eventPt)),
    streams: streamStats(to.filter((p) => p.pt === 0 || p.pt === 8)),
  };
}
