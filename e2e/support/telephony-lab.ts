/**
 * A telephony lab for the softphone e2e tests and the pop benchmark: a real Kamailio
 * (startPbx), a seeded store, `pronto serve` with PRONTO_SIP_* pointing at the PBX (agent 1001),
 * and SIPp (test-support/sipp). Two flavours behind one interface:
 *
 *   local  everything in this process's network namespace (127.0.0.1). No WebRTC media is
 *          expected to flow here (Chromium does not use loopback candidates).
 *   netns  (root only) a fresh network namespace that holds nothing but `lo`: Kamailio, the web
 *          host, SIPp and Chromium run inside it, so WebRTC host candidates are 127.0.0.1 and
 *          real RTP flows (with --allow-loopback-in-peer-connection). The lab runs as a child
 *          process inside the namespace (telephony-lab-main.ts) and is driven over stdio;
 *          Chromium is started through `nsenter` (see chromiumPath).
 *
 * Every process started here is stopped by stop(); every wait is bounded.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freeUdpPort, startPbx, type PbxHandle } from '../../test-support/pbx/pbx-process';
import { startCapture, type Capture } from '../../test-support/media/rtp-capture';
import { pbxDataWithAgents } from '../../test-support/pbx/pbx-data';
import { summarize, type CaptureSummary } from '../../test-support/media/rtp-analysis';
import { runSipp, type SippOptions, type SippResult } from '../../test-support/sipp/sipp';
import { api, CLI, REPO_ROOT, runCli, startServe, type ServeHandle } from './server';

/** src-main/db/store.ts STORE_FILE (not imported: it would load better-sqlite3 here). */
const STORE_FILE = 'pronto.sqlite';
export const AGENT_PASSWORD = 'pronto-dev'; // DEV-ONLY credentials of the dev PBX (deploy/kamailio/README.md)
export { CHROMIUM } from './chromium';
import { CHROMIUM } from './chromium';

export interface LabOptions {
  /** Seeded customers (ignored when dataDir holds a store already). Default 2000. */
  customers?: number;
  seed?: number;
  /** Reuse this data dir (kept by stop()) instead of a temporary one. */
  dataDir?: string;
  /** 'auto' (default): a namespace when running as root and `ip netns` works. */
  netns?: boolean | 'auto';
  /** The agent the web host's softphone defaults register as. Default 1001. */
  user?: string;
  /** Extra log line sink (progress). */
  log?: (line: string) => void;
  /** PBX users 1001…(1000+agents) (the dev data has ten). Default 10. */
  agents?: number;
}

export interface LabInfo {
  url: string;
  wsUrl: string;
  udpPort: number;
  wsPort: number;
  dataDir: string;
  feedsDir: string | null;
  region: string;
  customers: number;
  netns: string | null;
  /** The PBX's trunk gateway (TRUNK_GW): a SIPp UAS listening here gets the agents' external calls. */
  trunkPort: number;
  /** Whether the PBX runs with its media bridge (rtpengine). */
  mediaBridge: boolean;
  /** pid of the bridge (rtpengine), 0 without one: its CPU is read from /proc. */
  mediaPid: number;
}

export interface TelephonyLab extends LabInfo {
  /** Chromium to launch (a wrapper that enters the namespace, in netns mode). */
  readonly chromiumPath: string;
  sipp(o: SippOptions): Promise<SippResult>;
  /** Raw UDP datagrams to the PBX's SIP port, from 127.0.0.1 (the trusted trunk). */
  udp(datagrams: string[]): Promise<void>;
  pbx(cmd: 'kill9' | 'restart' | 'dump' | 'logs'): Promise<string>;
  /** Call ids of the media sessions the bridge holds now. */
  bridgeCalls(): Promise<string[]>;
  /** Capture RTP sent to these (trunk media) ports on `lo` until captureStop. One at a time. */
  captureStart(ports: number[]): Promise<void>;
  /** What reached each of `ports` since captureStart (packets, level, events, loss, jitter). */
  captureStop(ports: number[]): Promise<CaptureSummary[]>;
  api<T>(method: string, input: unknown): Promise<T>;
  /** `pronto <args>` against the lab's store; stdout. */
  cli(args: string[]): Promise<string>;
  /** What the web host wrote to stderr so far (local labs; '' inside a namespace). */
  hostLog(): string;
  stop(): Promise<void>;
}

export function sipEnv(wsUrl: string, user: string): NodeJS.ProcessEnv {
  return {
    PRONTO_SIP_SERVER: wsUrl,
    PRONTO_SIP_URI: `sip:${user}@127.0.0.1`,
    PRONTO_SIP_USER: user,
    PRONTO_SIP_PASSWORD: AGENT_PASSWORD,
    PRONTO_SIP_DISPLAY_NAME: `Agent ${user}`,
  };
}

function sendUdp(port: number, datagrams: string[]): Promise<void> {
  return new Promise((res, rej) => {
    const sock = createSocket('udp4');
    sock.once('error', rej);
    sock.bind(0, '127.0.0.1', async () => {
      try {
        for (const d of datagrams) {
          await new Promise<void>((ok, fail) => sock.send(Buffer.from(d, 'latin1'), port, '127.0.0.1', (e) => (e ? fail(e) : ok())));
        }
        // keep the socket a moment: replies (e.g. 100 Trying) land here instead of an ICMP error
        setTimeout(() => sock.close(() => res()), 300);
      } catch (e) {
        sock.close();
        rej(e);
      }
    });
  });
}

function cliOut(args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((ok, fail) => {
    execFile(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`pronto ${args.join(' ')}: ${err.message}\n${stderr}`));
      else ok(stdout);
    });
  });
}

/** Everything in this process (also what telephony-lab-main.ts runs inside the namespace). */
export async function startLocalLab(opts: LabOptions = {}): Promise<TelephonyLab> {
  const log = opts.log ?? (() => {});
  const root = mkdtempSync(join(tmpdir(), 'pronto-tel-'));
  const dataDir = opts.dataDir ?? join(root, 'data');
  let feedsDir: string | null = null;
  let pbx: PbxHandle | null = null;
  let server: ServeHandle | null = null;
  const cleanup = async () => {
    await server?.stop().catch(() => {});
    await pbx?.stop().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const hasStore = existsSync(join(dataDir, STORE_FILE));
    if (!hasStore) {
      const customers = opts.customers ?? 2000;
      feedsDir = join(root, 'feeds');
      log(`seeding ${customers} customers…`);
      await runCli(['seed', '--out', feedsDir, '--customers', String(customers), '--seed', String(opts.seed ?? 11)], { timeoutMs: 30 * 60_000 });
      const files = readdirSync(feedsDir).filter((f) => f.endsWith('.csv')).map((f) => join(feedsDir!, f));
      mkdirSync(dataDir, { recursive: true });
      log('importing…');
      await runCli(['import', '--data-dir', dataDir, ...files], { timeoutMs: 60 * 60_000 });
    }
    log('starting Kamailio and its media bridge…');
    const trunkPort = await freeUdpPort();
    const agents = opts.agents ?? 10;
    pbx = await startPbx({ trunkGw: `sip:127.0.0.1:${trunkPort}`, ...(agents > 10 ? { dataDir: pbxDataWithAgents(agents) } : {}) });
    const user = opts.user ?? '1001';
    log('starting the web host…');
    server = await startServe(dataDir, { env: sipEnv(pbx.wsUrl, user), timeoutMs: 180_000 });
    const status = await api<{ region: string; customers: number }>(server.url, 'status', {});
    const p = pbx;
    const s = server;
    let capture: Capture | null = null;
    return {
      trunkPort,
      mediaBridge: p.media !== null,
      mediaPid: p.media?.pid ?? 0,
      url: s.url,
      wsUrl: p.wsUrl,
      udpPort: p.udpPort,
      wsPort: p.wsPort,
      dataDir,
      feedsDir,
      region: status.region,
      customers: status.customers,
      netns: null,
      chromiumPath: CHROMIUM,
      sipp: (o) => runSipp({ ...o, remote: o.remote ?? p.udpPort }),
      udp: (d) => sendUdp(p.udpPort, d),
      async pbx(cmd) {
        if (cmd === 'kill9') await p.kill9();
        else if (cmd === 'restart') await p.restart();
        else if (cmd === 'dump') return p.dump();
        else if (cmd === 'logs') return p.logs();
        return '';
      },
      api: (method, input) => api(s.url, method, input),
      cli: (args) => cliOut([...args, '--data-dir', dataDir]),
      hostLog: () => s.output(),
      bridgeCalls: async () => (p.media ? p.media.calls() : []),
      async captureStart(ports) {
        if (capture) throw new Error('a capture is running already');
        capture = await startCapture({ ports });
      },
      async captureStop(ports) {
        if (!capture) throw new Error('no capture running');
        const c = capture;
        capture = null;
        const packets = await c.stop();
        return ports.map((port) => summarize(packets, port));
      },
      async stop() {
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Can this process create network namespaces? (root + iproute2 + nsenter) */
export function netnsAvailable(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  return ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip'].some(existsSync) && ['/usr/bin/nsenter', '/bin/nsenter'].some(existsSync);
}

function run(cmd: string, args: string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((ok, fail) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => (err ? fail(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : ok(stdout)));
  });
}

/** The lab inside a fresh network namespace with only `lo`. */
export async function startNetnsLab(opts: LabOptions = {}): Promise<TelephonyLab> {
  const log = opts.log ?? (() => {});
  const ns = `pronto-tel-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  const root = mkdtempSync(join(tmpdir(), 'pronto-telns-'));
  await run('ip', ['netns', 'add', ns]);
  let child: ChildProcess | null = null;
  const dropNs = async () => {
    await run('ip', ['netns', 'del', ns]).catch(() => {});
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await run('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    const nsPath = `/run/netns/${ns}`;
    const wrapper = join(root, 'chromium-in-netns');
    writeFileSync(wrapper, `#!/bin/sh\nexec nsenter --net=${nsPath} ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);

    const c = spawn('nsenter', [`--net=${nsPath}`, process.execPath, join(REPO_ROOT, 'bin/run-ts.mjs'), join(REPO_ROOT, 'e2e/support/telephony-lab-main.ts')], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PRONTO_TEL_LAB_OPTS: JSON.stringify({ customers: opts.customers, seed: opts.seed, dataDir: opts.dataDir, user: opts.user, agents: opts.agents }) },
    });
    child = c;
    let stderr = '';
    c.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 200_000) stderr += d;
    });
    const pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
    let nextId = 1;
    let ready: (info: LabInfo) => void = () => {};
    let notReady: (e: Error) => void = () => {};
    const readyP = new Promise<LabInfo>((ok, fail) => {
      ready = ok;
      notReady = fail;
    });
    createInterface({ input: c.stdout! }).on('line', (line) => {
      let msg: { ready?: LabInfo; log?: string; id?: number; ok?: boolean; result?: unknown; error?: string; fatal?: string };
      try {
        msg = JSON.parse(line);
      } catch {
        return;
      }
      if (msg.log) log(msg.log);
      if (msg.ready) ready(msg.ready);
      if (msg.fatal) notReady(new Error(msg.fatal));
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.ok) p?.ok(msg.result);
        else p?.fail(new Error(msg.error ?? 'lab command failed'));
      }
    });
    const exited = new Promise<void>((res) =>
      c.once('exit', (code, sig) => {
        notReady(new Error(`telephony lab exited (${code ?? sig}):\n${stderr.slice(-4000)}`));
        for (const p of pending.values()) p.fail(new Error(`telephony lab exited (${code ?? sig})`));
        pending.clear();
        res();
      }),
    );
    const timer = setTimeout(() => notReady(new Error(`telephony lab not ready in time:\n${stderr.slice(-4000)}`)), 30 * 60_000);
    const info = await readyP.finally(() => clearTimeout(timer));

    const rpc = <T>(cmd: string, args: unknown = null, timeoutMs = 120_000): Promise<T> =>
      new Promise<T>((ok, fail) => {
        if (c.exitCode !== null || c.signalCode !== null) return fail(new Error('telephony lab is not running'));
        const id = nextId++;
        const t = setTimeout(() => {
          pending.delete(id);
          fail(new Error(`lab ${cmd}: no answer in ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          ok: (v) => {
            clearTimeout(t);
            ok(v as T);
          },
          fail: (e) => {
            clearTimeout(t);
            fail(e);
          },
        });
        c.stdin!.write(JSON.stringify({ id, cmd, args }) + '\n');
      });

    let stopped = false;
    return {
      ...info,
      netns: ns,
      chromiumPath: wrapper,
      sipp: (o) => rpc<SippResult>('sipp', o, ((o.timeoutS ?? 15) + 30) * 1000),
      udp: (d) => rpc<void>('udp', d),
      pbx: (cmd) => rpc<string>('pbx', cmd, 60_000),
      api: <T>(method: string, input: unknown) => rpc<T>('api', { method, input }),
      cli: (args) => rpc<string>('cli', args, 180_000),
      hostLog: () => '',
      bridgeCalls: () => rpc<string[]>('bridge'),
      captureStart: (ports) => rpc<void>('capture-start', ports),
      captureStop: (ports) => rpc<CaptureSummary[]>('capture-stop', ports),
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          c.stdin!.end(JSON.stringify({ id: 0, cmd: 'stop' }) + '\n');
        } catch {
          /* already gone */
        }
        const hard = setTimeout(() => c.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(hard);
        await dropNs();
      },
    };
  } catch (err) {
    child?.kill('SIGKILL');
    await dropNs();
    throw err;
  }
}

export async function startLab(opts: LabOptions = {}): Promise<TelephonyLab> {
  const want = opts.netns ?? 'auto';
  if (want === true) return startNetnsLab(opts);
  if (want === 'auto' && netnsAvailable()) {
    try {
      return await startNetnsLab(opts);
    } catch (err) {
      // e.g. root in a container without CAP_NET_ADMIN: run locally (media tests then skip)
      (opts.log ?? console.warn)(`no network namespace (${(err as Error).message.split('\n')[0]}): running the lab locally`);
    }
  }
  return startLocalLab(opts);
}
