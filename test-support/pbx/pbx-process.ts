/**
 * Start/stop a real Kamailio dev PBX (deploy/kamailio/kamailio.cfg) for tests and benchmarks.
 *
 *   const pbx = await startPbx();            // free 127.0.0.1 ports, waits until ready
 *   pbx.wsUrl                                // ws://127.0.0.1:<wsPort>  (sip.js agents)
 *   pbx.udpPort                              // SIP/UDP trunk side (SIPp)
 *   await pbx.dump();                        // `kamcmd ul.dump` (registrations)
 *   await pbx.kill9(); await pbx.restart();  // crash + recovery
 *   await pbx.stop();                        // always call it (also done at process exit)
 *
 * Node built-ins only. Kamailio runs in the foreground (-DD -E) in its own process group,
 * with its pid file and ctl socket in a private temp dir that is removed by stop().
 * Dev users 1001..1010 / "pronto-dev" (DEV-ONLY credentials, see deploy/kamailio/README.md).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { findBinary, freeTcpPort, freeUdpPort } from './pbx-process-ports';
import { startRtpengine, type RtpengineHandle } from './rtpengine-process';

export { findBinary, freeTcpPort, freeUdpPort };
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StartPbxOptions {
  /** TCP port for SIP over WebSocket. Default: a free port. */
  wsPort?: number;
  /** UDP port for SIP (trunk side). Default: a free port. */
  udpPort?: number;
  /** TCP port of the hub's event link (evapi). Default: a free port. */
  evapiPort?: number;
  /** Kamailio config. Default: env PRONTO_PBX_CFG, else deploy/kamailio/kamailio.cfg of the repo. */
  cfgPath?: string;
  /** db_text directory with pronto_users/pronto_groups/pronto_queues. Default: <cfg dir>/data. */
  dataDir?: string;
  /** Source address trusted as the trunk (no auth). Default 127.0.0.1. */
  trunkIp?: string;
  /** How long to wait for the ports to answer. Default 15 s. */
  startTimeoutMs?: number;
  /** Kamailio shared memory in MB (-m). Default 64. */
  shmMb?: number;
  /** Kamailio private memory per process in MB (-M). Default 8. */
  pkgMb?: number;
  /** Receives every log line of Kamailio (stderr). Default: kept in memory only (see logs()). */
  onLog?: (line: string) => void;
  /**
   * The media bridge (rtpengine, started before Kamailio): 'auto' (default) when the binary is
   * installed, true to require it, false for none (calls between a browser and a trunk then fail).
   */
  mediaBridge?: boolean | 'auto';
  /** Where external numbers go (Kamailio's TRUNK_GW), e.g. "sip:127.0.0.1:5070". Default: none (404). */
  trunkGw?: string;
  /** Music on hold played by the bridge. Default: deploy/kamailio/media/hold-music.wav. */
  mohFile?: string;
  /**
   * The autheph secret file (the hub's PRONTO_HUB_AUTHEPH_SECRET_FILE): the PBX then also accepts
   * hub-issued `<expiry>:<extension>` credentials (deploy/kamailio/autheph.cfg). Default: none.
   */
  authephSecretFile?: string;
}

export interface PbxHandle {
  /** ws://127.0.0.1:<wsPort> */
  readonly wsUrl: string;
  readonly wsPort: number;
  readonly udpPort: number;
  /** The hub's event link: tcp 127.0.0.1:<evapiPort> (PRONTO_HUB_PBX_EVAPI). */
  readonly evapiPort: number;
  /** pid of the Kamailio main process (changes after restart()). */
  readonly pid: number;
  /** "unix:/tmp/.../kamailio_ctl", for `kamcmd -s`. */
  readonly ctlSocket: string;
  /** Private run dir (pid file, ctl socket). Removed by stop(). */
  readonly workDir: string;
  /** True while the main process is alive. */
  readonly running: boolean;
  /** Last log lines of Kamailio (stderr), newest last. */
  logs(): string;
  /** `kamcmd ul.dump`: the registrations. */
  dump(): Promise<string>;
  /** The media bridge, or null when the PBX runs without one. */
  readonly media: RtpengineHandle | null;
  /** Any kamcmd RPC, e.g. rpc('htable.dump', 'groups'); force a string arg with 's:600'. */
  rpc(command: string, ...args: string[]): Promise<string>;
  /** SIGTERM, wait for exit (SIGKILL to the process group after 5 s), remove workDir. */
  stop(): Promise<void>;
  /** SIGKILL to the whole Kamailio process group (simulated crash). Keeps workDir. */
  kill9(): Promise<void>;
  /** Stop (if running) and start again on the same ports; waits until ready. */
  restart(): Promise<void>;
}

const LOG_LINES_KEPT = 400;
const live = new Set<Instance>();
let exitHookInstalled = false;

function defaultCfgPath(): string {
  if (process.env.PRONTO_PBX_CFG) return resolve(process.env.PRONTO_PBX_CFG);
  const candidates: string[] = [];
  try {
    // src-main/telephony/ -> repo root
    candidates.push(resolve(dirname(fileURLToPath(import.meta.url)), '../../deploy/kamailio/kamailio.cfg'));
  } catch {
    /* bundled: no usable import.meta.url */
  }
  candidates.push(resolve(process.cwd(), 'deploy/kamailio/kamailio.cfg'));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`Kamailio config not found (tried ${candidates.join(', ')}); set PRONTO_PBX_CFG`);
  return found;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function tcpAccepts(port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      s.destroy();
      res(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Send a SIP OPTIONS keepalive to the PBX over UDP; true if any SIP reply comes back. */
export function sipOptionsPing(udpPort: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((res) => {
    const sock = createSocket('udp4');
    let finished = false;
    const done = (ok: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.close();
      res(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once('error', () => done(false));
    sock.on('message', (m) => {
      if (m.toString('latin1').startsWith('SIP/2.0 ')) done(true);
    });
    sock.bind(0, '127.0.0.1', () => {
      const { port } = sock.address();
      const id = `${Date.now()}${Math.floor(Math.random() * 1e9)}`;
      const msg =
        `OPTIONS sip:127.0.0.1:${udpPort} SIP/2.0\r\n` +
        `Via: SIP/2.0/UDP 127.0.0.1:${port};rport;branch=z9hG4bK-ping-${id}\r\n` +
        `Max-Forwards: 70\r\n` +
        `From: <sip:ping@127.0.0.1>;tag=${id}\r\n` +
        `To: <sip:127.0.0.1:${udpPort}>\r\n` +
        `Call-ID: ping-${id}@127.0.0.1\r\n` +
        `CSeq: 1 OPTIONS\r\n` +
        `Content-Length: 0\r\n\r\n`;
      sock.send(msg, udpPort, '127.0.0.1', (err) => {
        if (err) done(false);
      });
    });
  });
}

/**
 * Kamailio runs in its own process group (so a terminal's Ctrl+C does not reach it):
 * kill it when this process exits or is interrupted. On a signal, the default action
 * (terminate) is kept if nobody else listens: the signal is re-raised.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const inst of live) inst.killSync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = () => {
      for (const inst of live) inst.killSync();
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, handler);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, handler);
  }
}

class Instance implements PbxHandle {
  readonly wsUrl: string;
  readonly ctlSocket: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private logBuf: string[] = [];
  private currentPid = 0;
  private stopped = false;

  constructor(
    readonly wsPort: number,
    readonly udpPort: number,
    readonly evapiPort: number,
    readonly workDir: string,
    private readonly cfgPath: string,
    private readonly dataDir: string,
    private readonly kamailio: string,
    private readonly kamcmd: string,
    private readonly opts: StartPbxOptions,
    readonly media: RtpengineHandle | null = null,
  ) {
    this.wsUrl = `ws://127.0.0.1:${wsPort}`;
    this.ctlSocket = `unix:${join(workDir, 'kamailio_ctl')}`;
  }

  get pid(): number {
    return this.currentPid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  logs(): string {
    return this.logBuf.join('\n');
  }

  private log(line: string): void {
    this.logBuf.push(line);
    if (this.logBuf.length > LOG_LINES_KEPT) this.logBuf.splice(0, this.logBuf.length - LOG_LINES_KEPT);
    this.opts.onLog?.(line);
  }

  async spawnAndWait(): Promise<void> {
    // leftovers of a killed instance would fake readiness (ctl socket) or confuse tools
    rmSync(this.ctlSocket.slice('unix:'.length), { force: true });
    rmSync(join(this.workDir, 'kamailio.pid'), { force: true });
    const args = [
      '-f', this.cfgPath,
      '-DD', '-E',
      '-m', String(this.opts.shmMb ?? 64),
      '-M', String(this.opts.pkgMb ?? 8),
      '-P', join(this.workDir, 'kamailio.pid'),
      '-Y', this.workDir,
      '-w', this.workDir,
      '-A', `WS_PORT=${this.wsPort}`,
      '-A', `UDP_PORT=${this.udpPort}`,
      '-A', `CTL_SOCKET="${this.ctlSocket}"`,
      '-A', `DATA_URL="text://${this.dataDir}"`,
      '-A', `TRUNK_IP="${this.opts.trunkIp ?? '127.0.0.1'}"`,
      '-A', `EVAPI_ADDR="127.0.0.1:${this.evapiPort}"`,
      '-A', `MOH_FILE="${this.opts.mohFile ?? join(dirname(this.cfgPath), 'media/hold-music.wav')}"`,
    ];
    // without a bridge the module points at a port nobody answers: calls are not anchored
    if (this.media) args.push('-A', `RTPENGINE_SOCK="${this.media.sock}"`);
    else args.push('-A', 'RTPENGINE_SOCK="udp:127.0.0.1:9"');
    if (this.opts.trunkGw) args.push('-A', `TRUNK_GW="${this.opts.trunkGw}"`);
    // autheph (issue 20): the secret goes into the private run dir, never on the command line;
    // Kamailio then starts there so that autheph.cfg's relative import_file finds it
    if (this.opts.authephSecretFile) {
      const secret = readFileSync(this.opts.authephSecretFile, 'utf8').replace(/\s+$/, '');
      if (!/^[!#-[\]-~]{16,512}$/.test(secret)) throw new Error(`${this.opts.authephSecretFile}: 16-512 printable ASCII characters without spaces, quotes or backslashes`);
      writeFileSync(join(this.workDir, 'pronto-autheph-secret.cfg'), `#!define WITH_AUTHEPH\n#!define AUTHEPH_SECRET "${secret}"\n`, { mode: 0o600 });
    }
    // Own process group (detached) so kill9()/stop() can reach the worker processes too:
    // Kamailio's children survive a SIGKILL of the main process and keep the ports.
    const child = spawn(this.kamailio, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...(this.opts.authephSecretFile ? { cwd: this.workDir } : {}) });
    this.child = child;
    this.currentPid = child.pid ?? 0;
    let partial = '';
    const onData = (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) this.log(l);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise<void>((res) => {
      child.once('exit', (code, signal) => {
        if (partial) this.log(partial);
        this.log(`[pbx-process] kamailio ${this.currentPid} exited (code ${code}, signal ${signal})`);
        res();
      });
    });
    const spawnError = new Promise<Error>((res) => child.once('error', res));

    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 15_000);
    let tcpOk = false;
    let udpOk = false;
    for (;;) {
      const failed = await Promise.race([spawnError, this.exited.then(() => 'exited' as const), sleep(0).then(() => undefined)]);
      if (failed instanceof Error) throw new Error(`cannot run ${this.kamailio}: ${failed.message}`);
      if (failed === 'exited' || !this.running) {
        throw new Error(`kamailio exited during start (ports ws ${this.wsPort} / udp ${this.udpPort}):\n${this.tail(40)}`);
      }
      if (!tcpOk) tcpOk = await tcpAccepts(this.wsPort);
      if (tcpOk && !udpOk) udpOk = await sipOptionsPing(this.udpPort);
      if (tcpOk && udpOk && existsSync(this.ctlSocket.slice('unix:'.length))) return;
      if (Date.now() > deadline) {
        this.killGroup('SIGKILL');
        await this.exited;
        throw new Error(
          `kamailio not ready after ${this.opts.startTimeoutMs ?? 15_000} ms (tcp ${tcpOk}, udp ${udpOk}):\n${this.tail(40)}`,
        );
      }
      await sleep(50);
    }
  }

  private tail(n: number): string {
    return this.logBuf.slice(-n).join('\n');
  }

  private killGroup(signal: NodeJS.Signals): void {
    if (!this.currentPid) return;
    try {
      process.kill(-this.currentPid, signal);
    } catch {
      /* group already gone */
    }
  }

  /** Synchronous last-resort cleanup (process 'exit' hook). */
  killSync(): void {
    this.killGroup('SIGKILL');
    this.media?.killSync();
    try {
      rmSync(this.workDir, { recursive: true, force: true });
    } catch {
      /* ignore */
    }
  }

  private async terminate(): Promise<void> {
    if (!this.child) return;
    if (this.running) {
      this.killGroup('SIGTERM');
      const t = sleep(5000).then(() => 'timeout' as const);
      if ((await Promise.race([this.exited.then(() => 'exited' as const), t])) === 'timeout') {
        this.killGroup('SIGKILL');
        await this.exited;
      }
    }
    // workers left behind by an unclean exit still hold the sockets
    this.killGroup('SIGKILL');
    this.child = undefined;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      await this.terminate();
      await this.media?.stop();
    } finally {
      live.delete(this);
      rmSync(this.workDir, { recursive: true, force: true });
    }
  }

  async kill9(): Promise<void> {
    if (!this.child) return;
    this.killGroup('SIGKILL');
    await this.exited;
    this.child = undefined;
  }

  async restart(): Promise<void> {
    if (this.stopped) throw new Error('restart() after stop()');
    await this.terminate();
    // same ports: the UDP/TCP sockets are free as soon as every process of the group is gone
    await waitUntil(async () => !(await tcpAccepts(this.wsPort, 200)), 5000);
    await this.spawnAndWait();
  }

  rpc(command: string, ...args: string[]): Promise<string> {
    return new Promise((res, rej) => {
      execFile(this.kamcmd, ['-s', this.ctlSocket, command, ...args], { timeout: 5000 }, (err, stdout, stderr) => {
        if (err) rej(new Error(`kamcmd ${command} failed: ${err.message}\n${stderr}`));
        else res(stdout);
      });
    });
  }

  dump(): Promise<string> {
    return this.rpc('ul.dump');
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return;
    await sleep(50);
  }
}

/** Start Kamailio on 127.0.0.1 and resolve once both ports answer. */
export async function startPbx(opts: StartPbxOptions = {}): Promise<PbxHandle> {
  const kamailio = findBinary('kamailio', 'PRONTO_KAMAILIO_BIN');
  const kamcmd = findBinary('kamcmd', 'PRONTO_KAMCMD_BIN');
  if (!kamailio || !kamcmd) {
    throw new Error(
      'kamailio/kamcmd not found. Install: apt-get install -y kamailio kamailio-websocket-modules kamailio-extra-modules',
    );
  }
  const cfgPath = opts.cfgPath ? resolve(opts.cfgPath) : defaultCfgPath();
  const dataDir = resolve(opts.dataDir ?? join(dirname(cfgPath), 'data'));
  const inUse = (proto: string, port: number) => (err: Error) => {
    throw new Error(`${proto} port ${port} on 127.0.0.1 is not free (another PBX?): ${err.message}`);
  };
  // explicit ports are checked too: Kamailio would silently share a busy UDP port
  const wsPort = opts.wsPort !== undefined ? await freeTcpPort(opts.wsPort).catch(inUse('TCP', opts.wsPort)) : await freeTcpPort();
  let udpPort =
    opts.udpPort !== undefined ? await freeUdpPort(opts.udpPort).catch(inUse('UDP', opts.udpPort)) : await freeUdpPort();
  while (opts.udpPort === undefined && udpPort === wsPort) udpPort = await freeUdpPort();
  let evapiPort = opts.evapiPort !== undefined ? await freeTcpPort(opts.evapiPort).catch(inUse('TCP', opts.evapiPort)) : await freeTcpPort();
  while (opts.evapiPort === undefined && evapiPort === wsPort) evapiPort = await freeTcpPort();

  const workDir = mkdtempSync(join(tmpdir(), 'pronto-pbx-'));
  // the bridge first: Kamailio's rtpengine module marks a bridge that does not answer at start as dead
  const wantBridge = opts.mediaBridge ?? 'auto';
  let media: RtpengineHandle | null = null;
  if (wantBridge === true || (wantBridge === 'auto' && findBinary('rtpengine', 'PRONTO_RTPENGINE_BIN'))) {
    try {
      media = await startRtpengine({ workDir, onLog: opts.onLog });
    } catch (err) {
      rmSync(workDir, { recursive: true, force: true });
      throw err;
    }
  }
  const inst = new Instance(wsPort, udpPort, evapiPort, workDir, cfgPath, dataDir, kamailio, kamcmd, opts, media);
  live.add(inst);
  installExitHook();
  try {
    await inst.spawnAndWait();
  } catch (err) {
    await inst.stop();
    throw err;
  }
  return inst;
}
