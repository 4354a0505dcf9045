/**
 * Start/stop a real rtpengine (the PBX's media bridge, Debian `rtpengine-daemon`) for tests and
 * benchmarks, and talk to it over its ng control protocol (bencode over UDP).
 *
 *   const bridge = await startRtpengine({ workDir });   // free ng port, user space (--table=-1)
 *   bridge.sock                                         // "udp:127.0.0.1:<ng>" for Kamailio
 *   await bridge.calls();                               // call ids of the sessions it holds
 *   await bridge.stop();
 *
 * rtpengine runs in the foreground, in its own process group, with --config-file=none (Debian's
 * file sets table=0, interface=any and recording: see ../../../shared/ENVIRONMENT.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import bencode from 'bencode';
import { findBinary, freeUdpPort } from './pbx-process-ports';

export interface StartRtpengineOptions {
  /** Directory for the pid file (the PBX's private run dir). */
  workDir: string;
  /** First and last RTP port. Default: a random window of 400 ports in 30000–39999. */
  portMin?: number;
  portMax?: number;
  /** Receives every log line. */
  onLog?: (line: string) => void;
  /** rtpengine's log level (syslog numbers; 6 = info). Default 5. */
  logLevel?: number;
}

export interface RtpengineHandle {
  /** ng control socket for Kamailio's rtpengine module: "udp:127.0.0.1:<port>". */
  readonly sock: string;
  readonly ngPort: number;
  readonly portMin: number;
  readonly portMax: number;
  readonly pid: number;
  /** One ng command (bencoded dict) → the decoded answer, strings as UTF-8. */
  ng(command: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Call ids of the sessions the bridge holds now (ng `list`). */
  calls(): Promise<string[]>;
  /** ng `statistics` (totals, current sessions, …). */
  statistics(): Promise<Record<string, unknown>>;
  logs(): string;
  stop(): Promise<void>;
  killSync(): void;
}

const LOG_LINES_KEPT = 400;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Buffers (bencode's strings) → UTF-8 strings, recursively. */
function strings(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (Array.isArray(v)) return v.map(strings);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strings(x)]));
  return v;
}

/** One ng request/answer: "<cookie> <bencoded dict>" both ways. */
export function ngRequest(port: number, command: Record<string, unknown>, timeoutMs = 2000): Promise<Record<string, unknown>> {
  return new Promise((res, rej) => {
    const sock = createSocket('udp4');
    const cookie = randomBytes(6).toString('hex');
    const timer = setTimeout(() => {
      sock.close();
      rej(new Error(`rtpengine ng ${String(command.command)}: no answer in ${timeoutMs} ms on port ${port}`));
    }, timeoutMs);
    sock.once('error', (e) => {
      clearTimeout(timer);
      sock.close();
      rej(e);
    });
    sock.on('message', (msg) => {
      const sp = msg.indexOf(0x20);
      if (sp < 0 || msg.subarray(0, sp).toString() !== cookie) return;
      clearTimeout(timer);
      sock.close();
      try {
        res(strings(bencode.decode(msg.subarray(sp + 1))) as Record<string, unknown>);
      } catch (e) {
        rej(e as Error);
      }
    });
    sock.bind(0, '127.0.0.1', () => {
      sock.send(Buffer.concat([Buffer.from(cookie + ' '), Buffer.from(bencode.encode(command))]), port, '127.0.0.1');
    });
  });
}

export async function startRtpengine(opts: StartRtpengineOptions): Promise<RtpengineHandle> {
  const bin = findBinary('rtpengine', 'PRONTO_RTPENGINE_BIN');
  if (!bin) throw new Error('rtpengine not found. Install: apt-get install -y rtpengine-daemon');
  const ngPort = await freeUdpPort();
  // 30000–39999 (SIPp media ports in the tests live above 40000)
  const portMin = opts.portMin ?? 30000 + 400 * Math.floor(Math.random() * 25);
  const portMax = opts.portMax ?? portMin + 399;
  const args = [
    '--config-file=none',
    '--table=-1',
    '--interface=127.0.0.1',
    `--listen-ng=127.0.0.1:${ngPort}`,
    `--port-min=${portMin}`,
    `--port-max=${portMax}`,
    '--foreground',
    '--log-stderr',
    `--log-level=${opts.logLevel ?? 5}`,
    `--pidfile=${opts.workDir}/rtpengine.pid`,
    // 2 cores: a few threads are plenty; a silent leg is dropped after 60 s (a leak stays visible in tests)
    '--num-threads=2',
    '--timeout=60',
    // a deleted call is gone at once (default: listed 30 s more), so a leak check can ask `list`
    '--delete-delay=0',
    '--silent-timeout=3600',
  ];
  const child: ChildProcess = spawn(bin, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const logBuf: string[] = [];
  const onData = (d: Buffer) => {
    for (const l of d.toString('utf8').split('\n')) {
      if (!l) continue;
      logBuf.push(l);
      if (logBuf.length > LOG_LINES_KEPT) logBuf.splice(0, logBuf.length - LOG_LINES_KEPT);
      opts.onLog?.(l);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const pid = child.pid ?? 0;
  const killGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      /* gone */
    }
  };
  // ready when it answers a ping
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`rtpengine exited during start:\n${logBuf.slice(-30).join('\n')}`);
    }
    const pong = await ngRequest(ngPort, { command: 'ping' }, 300).catch(() => null);
    if (pong?.result === 'pong') break;
    if (Date.now() > deadline) {
      killGroup('SIGKILL');
      throw new Error(`rtpengine did not answer ng ping on ${ngPort}:\n${logBuf.slice(-30).join('\n')}`);
    }
    await sleep(50);
  }
  let stopped = false;
  const handle: RtpengineHandle = {
    sock: `udp:127.0.0.1:${ngPort}`,
    ngPort,
    portMin,
    portMax,
    pid,
    ng: (command) => ngRequest(ngPort, command),
    async calls() {
      const r = await ngRequest(ngPort, { command: 'list', limit: 10000 });
      if (r.result !== 'ok') throw new Error(`rtpengine list: ${JSON.stringify(r)}`);
      return (r.calls as string[] | undefined) ?? [];
    },
    statistics: () => ngRequest(ngPort, { command: 'statistics' }),
    logs: () => logBuf.join('\n'),
    async stop() {
      if (stopped) return;
      stopped = true;
      killGroup('SIGTERM');
      const t = sleep(5000).then(() => 'timeout' as const);
      if ((await Promise.race([exited.then(() => 'exited' as const), t])) === 'timeout') killGroup('SIGKILL');
      await exited;
    },
    killSync() {
      killGroup('SIGKILL');
    },
  };
  return handle;
}
