// npm run bench:media -- --calls 20 --seconds 30 [--browser-legs N]
//
// Concurrent carrier calls through the PBX's media bridge (rtpengine) to BROWSER agents: SIPp
// trunk callers (RTP/AVP A-law speech, one SIPp per call, each on its own media port) →
// Kamailio + rtpengine → sip.js in headless Chromium, one UserAgent per agent (fake microphone,
// the app's sip.js and WebRTC stack, without the app's UI: bench/support/media-agents.browser.mjs
// says why), all in one page. Every call runs --seconds once all are answered; audio is counted
// both ways:
//   trunk side   tcpdump on `lo` of what reaches each SIPp media port (test-support/media):
//                packets, loss from RTP sequence numbers, RFC 3550 interarrival jitter;
//   agent side   RTCPeerConnection.getStats() inbound-rtp of each agent: packetsReceived,
//                packetsLost, jitter (sampled every second).
// A call is one-way when either side received no audio in the window. bridge_cpu_pct is
// rtpengine's CPU time over the window (/proc/PID/stat) per wall time (100 = one core).
// Everything runs in the lab's network namespace (root: Chromium sends RTP over loopback only
// there). Prints ONE JSON line last.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from '@playwright/test';
import { startLab, netnsAvailable, type TelephonyLab } from '../e2e/support/telephony-lab';
import { CHROMIUM_MEDIA_ARGS } from '../e2e/support/chromium';
import { openMediaAgents } from './support/media-agents';
import { trunkCallRow, trunkScenario } from '../test-support/sipp/trunk';
import type { SippResult } from '../test-support/sipp/sipp';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '30' },
    'browser-legs': { type: 'string' },
  },
});
const int = (v: string | undefined, name: string, min: number, max: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in [${min}, ${max}]`);
  return n;
};
const calls = int(values.calls, 'calls', 1, 60);
const seconds = int(values.seconds, 'seconds', 5, 600);
const browserLegs = int(values['browser-legs'] ?? String(calls), 'browser-legs', 1, calls);
if (browserLegs !== calls) throw new Error('every call needs a browser agent here (SIPp agents would not go through the bridge): --browser-legs = --calls');
const log = (m: string): void => console.error(`[bench:media] ${m}`);
const round = (n: number, d = 2): number => Math.round(n * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** utime + stime of a process, seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ is 100 on Linux
}

interface AgentStats { user: string; state: string; error: string | null; received: number; lost: number; jitterMs: number; energy: number }
const stats = (page: Page) => page.evaluate('window.benchAgents.mediaStats()') as Promise<AgentStats[]>;

let lab: TelephonyLab | null = null;
let browser: Browser | null = null;
async function main(): Promise<void> {
  if (!netnsAvailable()) throw new Error('bench:media needs root and `ip netns` (real RTP over loopback only flows inside a network namespace)');
  log(`lab: Kamailio + rtpengine + web host in a network namespace, ${calls} agents…`);
  lab = await startLab({ customers: 200, seed: 3, netns: true, agents: 10 + calls, log });
  if (!lab.mediaBridge) throw new Error('no media bridge: apt-get install -y rtpengine-daemon');
  browser = await chromium.launch({ executablePath: lab.chromiumPath, args: CHROMIUM_MEDIA_ARGS, headless: true });

  // the agents: sip.js UserAgents in one page served on the lab's origin (a secure context for
  // getUserMedia), each registered as its own extension (see bench/support/media-agents.browser.mjs)
  const ctx = await browser.newContext({ permissions: ['microphone'] });
  const page = await ctx.newPage();
  await openMediaAgents(page, lab.url);
  // 1011 on: the app page itself registers the web host's default extension (1001)
  const users = Array.from({ length: calls }, (_, i) => String(1011 + i));
  log(`agents register at ${lab.wsUrl}`);
  await page.evaluate(`window.benchAgents.startAgents(${JSON.stringify({ server: lab.wsUrl, domain: '127.0.0.1', users, password: 'pronto-dev' })})`);
  log(`${users.length} browser agents registered (one page); placing ${calls} trunk calls`);

  const talkS = seconds + 25; // ring, answer, settle, measure, hang up
  // one SIPp per call, media ports 4 apart (SIPp binds four from its -mp)
  const legs = Array.from({ length: calls }, (_, i) => trunkScenario('uac-trunk-audio', talkS + 10, 40000 + 4 * i));
  const runs: Promise<SippResult>[] = legs.map((t, i) =>
    lab!.sipp({
      scenario: 'custom',
      scenarioFile: t.file,
      csv: [trunkCallRow({ caller: `+3902555${String(i).padStart(4, '0')}`, target: users[i]! })],
      extraArgs: ['-mp', String(t.mediaPort)],
      timeoutS: talkS + 60,
    }),
  );
  // every agent answers its call at once
  const deadline = Date.now() + 60_000;
  let now = await stats(page);
  while (now.some((a) => a.state !== 'active' && a.state !== 'failed') && Date.now() < deadline) {
    await sleep(500);
    now = await stats(page);
  }
  const established = now.filter((a) => a.state === 'active').length;
  for (const a of now) if (a.state !== 'active') log(`agent ${a.user}: ${a.state} ${a.error ?? ''}`);
  const sessions = (await lab.bridgeCalls()).length;
  log(`${established} calls established, ${sessions} media sessions in the bridge; settling 3 s, then measuring ${seconds} s`);
  await sleep(3000);

  await lab.captureStart(legs.map((l) => l.mediaPort));
  const before = await stats(page);
  const cpu0 = lab.mediaPid ? cpuSeconds(lab.mediaPid) : 0;
  const t0 = Date.now();
  const jitterSamples: number[] = [];
  const load: number[] = [];
  while (Date.now() - t0 < seconds * 1000) {
    await sleep(1000);
    for (const a of await stats(page)) if (a.state === 'active') jitterSamples.push(a.jitterMs);
    load.push(loadavg()[0]!);
  }
  const wall = (Date.now() - t0) / 1000;
  const cpu1 = lab.mediaPid ? cpuSeconds(lab.mediaPid) : 0;
  const after = await stats(page);
  const trunk = await lab.captureStop(legs.map((l) => l.mediaPort));
  log('hanging up');
  await page.evaluate('window.benchAgents.hangUpAll()');
  const results = await Promise.all(runs);
  const leaked = (await lab.bridgeCalls()).length;

  // agent side: packets, loss and jitter from getStats in each page
  let oneWay = 0;
  let agentRecv = 0;
  let agentLost = 0;
  after.forEach((a, i) => {
    const got = a.received - before[i]!.received;
    agentRecv += got;
    agentLost += Math.max(0, a.lost - before[i]!.lost);
    // trunk side: what reached this call's SIPp media port (the agent's microphone via the bridge)
    const t = trunk[i]!;
    if (got < seconds * 10 || t.packets < seconds * 10) oneWay++;
  });
  let trunkRecv = 0;
  let trunkLost = 0;
  const jitters = [...jitterSamples];
  for (const t of trunk) {
    for (const st of t.streams) {
      trunkRecv += st.packets;
      trunkLost += Math.max(0, st.lost);
      jitters.push(st.jitterP99Ms);
    }
  }
  for (const r of results) if (r.code !== 0) log(`a SIPp trunk call ended with code ${r.code}: ${r.stderr.slice(-300)}`);
  jitters.sort((x, y) => x - y);
  const p99 = jitters.length ? jitters[Math.min(jitters.length - 1, Math.floor(jitters.length * 0.99))]! : 0;
  const out = {
    bench: 'media',
    calls,
    browser_legs: established,
    established,
    one_way: oneWay,
    rtp_loss_pct: round(((agentLost + trunkLost) * 100) / Math.max(1, agentRecv + agentLost + trunkRecv + trunkLost), 3),
    jitter_p99_ms: round(p99),
    bridge_cpu_pct: round(((cpu1 - cpu0) * 100) / wall, 1),
    seconds,
    bridge_sessions: sessions,
    leaked_sessions: leaked,
    agent_side: { packets: agentRecv, lost: agentLost, per_call: after.map((a, i) => a.received - before[i]!.received) },
    trunk_side: { packets: trunkRecv, lost: trunkLost, level_min: round(Math.min(...trunk.map((t) => t.level)), 4) },
    load_avg_1m_max: round(Math.max(...load), 2),
  };
  console.log(JSON.stringify(out));
}

main()
  .catch((e: Error) => {
    console.error(e.stack ?? e.message);
    process.exitCode = 1;
  })
  .finally(async () => {
    await browser?.close().catch(() => {});
    await lab?.stop().catch(() => {});
  });
