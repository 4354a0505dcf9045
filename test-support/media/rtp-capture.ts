/**
 * A packet capture on `lo` (tcpdump, Debian package `tcpdump`; root or CAP_NET_RAW): what really
 * reached a media port, independent of the endpoint's own counters.
 *
 *   const cap = await startCapture({ ports: [26000] });
 *   … call …
 *   const s = summarize(await cap.stop(), 26000);   // packets, level, events, loss, jitter
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../pbx/pbx-process-ports';
import { readPcapRtp, type RtpPacket } from './rtp-analysis';

export interface Capture {
  /** Ends the capture; every RTP packet seen. */
  stop(): Promise<RtpPacket[]>;
}

export async function startCapture(o: { ports: number[]; iface?: string }): Promise<Capture> {
  const bin = findBinary('tcpdump', 'PRONTO_TCPDUMP_BIN');
  if (!bin) throw new Error('tcpdump not found. Install: apt-get install -y tcpdump');
  const dir = mkdtempSync(join(tmpdir(), 'pronto-cap-'));
  const file = join(dir, 'rtp.pcap');
  const filter = `udp and (${o.ports.map((p) => `dst port ${p}`).join(' or ')})`;
  // -U: write each packet at once (stop() reads the file); -s 0: whole packets; -Z root: no
  // privilege drop (the file lives in our temp dir)
  const child = spawn(bin, ['-i', o.iface ?? 'lo', '-U', '-s', '0', '-n', '-Z', 'root', '-w', file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const listening = new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`tcpdump did not start: ${err}`)), 5000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (/listening on/.test(err)) {
        clearTimeout(t);
        res();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      rej(new Error(`tcpdump exited (${code}): ${err}`));
    });
  });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  await listening;
  return {
    async stop() {
      child.kill('SIGINT');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
      const data = existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
      rmSync(dir, { recursive: true, force: true });
      return readPcapRtp(data);
    },
  };
}
