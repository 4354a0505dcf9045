/**
 * A longer RTP audio pcap for SIPp's play_pcap_audio: Debian's sip-tester ships only 7 s of
 * A-law speech (/usr/share/sip-tester/g711a.pcap); calls that are held, transferred or measured
 * for 30 s need more. The shipped packets are repeated with continuous sequence numbers, RTP
 * timestamps and capture times (one stream, no jumps), and the UDP checksum cleared (SIPp
 * rewrites addresses and ports).
 */
import { readFileSync, writeFileSync } from 'node:fs';

export const SHIPPED_PCAP = '/usr/share/sip-tester/g711a.pcap';

export function writeLongPcap(out: string, seconds: number, src = SHIPPED_PCAP): string {
  const f = readFileSync(src);
  if (f.readUInt32LE(0) !== 0xa1b2c3d4 || f.readUInt32LE(20) !== 1) throw new Error(`${src}: expected a little-endian Ethernet pcap`);
  const recs: Buffer[] = [];
  let off = 24;
  while (off + 16 <= f.length) {
    const incl = f.readUInt32LE(off + 8);
    recs.push(f.subarray(off + 16, off + 16 + incl));
    off += 16 + incl;
  }
  // the shipped file sends 240 samples (30 ms) per packet: keep its packet size and pace
  const first = recs[0]!;
  const payloadLen = first.length - 14 - (first[14]! & 0x0f) * 4 - 8 - 12;
  const PTIME_US = (payloadLen / 8) * 1000;
  const need = Math.ceil((seconds * 1e6) / PTIME_US);
  const parts: Buffer[] = [f.subarray(0, 24)];
  const t0 = f.readUInt32LE(24);
  for (let i = 0; i < need; i++) {
    const pkt = Buffer.from(recs[i % recs.length]!);
    const ip = 14;
    const ihl = (pkt[ip]! & 0x0f) * 4;
    const udp = ip + ihl;
    pkt.writeUInt16BE(0, udp + 6); // no UDP checksum (valid for IPv4)
    const rtp = udp + 8;
    pkt.writeUInt16BE(i & 0xffff, rtp + 2);
    pkt.writeUInt32BE((i * payloadLen) >>> 0, rtp + 4);
    const us = i * PTIME_US;
    const h = Buffer.alloc(16);
    h.writeUInt32LE(t0 + Math.floor(us / 1e6), 0);
    h.writeUInt32LE(us % 1e6, 4);
    h.writeUInt32LE(pkt.length, 8);
    h.writeUInt32LE(pkt.length, 12);
    parts.push(h, pkt);
  }
  writeFileSync(out, Buffer.concat(parts));
  return out;
}
