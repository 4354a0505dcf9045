// npm run bench:media -- --calls 20 --seconds 30 [--browser-legs N]
//
// Concurrent carrier calls through the PBX's media bridge (rtpengine) to BROWSER agents: SIPp
// trunk callers (RTP/AVP A-law speech, one SIPp per call, each on its own media port) →
// Kamailio + rtpengine → sip.js in headless Chromium (the real renderer served by `pronto serve`,
// one page per agent, fake microphone). Every call runs --seconds once all are answered; audio
// is counted both ways:
//   trunk side   tcpdump on `lo` of what reaches each SIPp media port (test-support/media):
//                packets, loss from RTP sequence numbers, RFC 3550 interarrival jitter;
//   agent side   RTCPeerConnection.getStats() inbound-rtp in each page: packetsReceived,
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

// Every RTCPeerConnection of the page, for getStats() (the softphone keeps its own privately).
const HOOK = `(() => {
  const Orig = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = function (...a) { const pc = new Orig(...a); window.__pcs.push(pc); return pc; };
  window.RTCPeerConnection.prototype = Orig.prototype;
})();`;

interface Inbound { received: number; lost: number; jitterMs: number }
// (a string: this file is compiled without the DOM library)
const INBOUND = `(async () => {
  let received = 0, lost = 0, jitterMs = 0;
  for (const pc of window.__pcs) {
    if (pc.connectionState === 'closed') continue;
    const stats = await pc.getStats();
    stats.forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio') {
        received += r.packetsReceived || 0;
        lost += r.packetsLost || 0;
        jitterMs = Math.max(jitterMs, (r.jitter || 0) * 1000);
      }
    });
  }
  return { received, lost, jitterMs };
})()`;
function inbound(page: Page): Promise<Inbound> {
  return page.evaluate(INBOUND) as Promise<Inbound>;
}

let lab: TelephonyLab | null = null;
let browser: Browser | null = null;
async function main(): Promise<void> {
  if (!netnsAvailable()) throw new Error('bench:media needs root and `ip netns` (real RTP over loopback only flows inside a network namespace)');
  log(`lab: Kamailio + rtpengine + web host in a network namespace, ${calls} agents…`);
  lab = await startLab({ customers: 200, seed: 3, netns: true, agents: Math.max(10, calls), log });
  if (!lab.mediaBridge) throw new Error('no media bridge: apt-get install -y rtpengine-daemon');
  browser = await chromium.launch({ executablePath: lab.chromiumPath, args: CHROMIUM_MEDIA_ARGS, headless: true });

  // one page per agent, each registered as its own user through the settings form
  const pages: Page[] = [];
  for (let i = 0; i < calls; i++) {
    const user = String(1001 + i);
    const ctx = await browser.newContext({ viewport: { width: 1000, height: 700 }, permissions: ['microphone'] });
    await ctx.addInitScript(HOOK);
    const page = await ctx.newPage();
    await page.goto(lab.url);
    await page.getByTestId('softphone').waitFor();
    if (user !== '1001') {
      if (!(await page.getByTestId('sip-settings').isVisible())) await page.getByTestId('sip-settings-toggle').click();
      await page.getByTestId('sip-server').fill(lab.wsUrl);
      await page.getByTestId('sip-uri').fill(`sip:${user}@127.0.0.1`);
      await page.getByTestId('sip-user').fill(user);
      await page.getByTestId('sip-password').fill('pronto-dev');
      await page.getByTestId('sip-displayName').fill(`Agent ${user}`);
      await page.getByTestId('sip-save').click();
    }
    await page.locator('[data-testid="sip-registration"][data-state="registered"]').waitFor({ timeout: 20_000 });
    pages.push(page);
  }
  log(`${pages.length} browser agents registered; placing ${calls} trunk calls`);

  const talkS = seconds + 25; // ring, answer, settle, measure, hang up
  const legs = Array.from({ length: calls }, () => trunkScenario('uac-trunk-audio', talkS + 10));
  const runs: Promise<SippResult>[] = legs.map((t, i) =>
    lab!.sipp({
      scenario: 'custom',
      scenarioFile: t.file,
      csv: [trunkCallRow({ caller: `+3902555${String(i).padStart(4, '0')}`, target: String(1001 + i) })],
      extraArgs: ['-mp', String(t.mediaPort)],
      timeoutS: talkS + 60,
    }),
  );
  // every agent answers its ringing call
  let established = 0;
  await Promise.all(
    pages.map(async (page) => {
      const ring = page.locator('[data-testid="call-card"][data-state="ringing"]').first();
      await ring.waitFor({ timeout: 30_000 });
      await ring.getByTestId('call-answer').click();
      await page.locator('[data-testid="call-card"][data-state="active"]').first().waitFor({ timeout: 20_000 });
      established++;
    }),
  ).catch((e: Error) => log(`answering: ${e.message.split('\n')[0]}`));
  const sessions = (await lab.bridgeCalls()).length;
  log(`${established} calls established, ${sessions} media sessions in the bridge; settling 3 s, then measuring ${seconds} s`);
  await sleep(3000);

  await lab.captureStart(legs.map((l) => l.mediaPort));
  const before = await Promise.all(pages.map(inbound));
  const cpu0 = lab.mediaPid ? cpuSeconds(lab.mediaPid) : 0;
  const t0 = Date.now();
  const jitterSamples: number[] = [];
  const load: number[] = [];
  while (Date.now() - t0 < seconds * 1000) {
    await sleep(1000);
    const now = await Promise.all(pages.map(inbound));
    for (const s of now) jitterSamples.push(s.jitterMs);
    load.push(loadavg()[0]!);
  }
  const wall = (Date.now() - t0) / 1000;
  const cpu1 = lab.mediaPid ? cpuSeconds(lab.mediaPid) : 0;
  const after = await Promise.all(pages.map(inbound));
  const trunk = await lab.captureStop(legs.map((l) => l.mediaPort));
  log('hanging up');
  for (const page of pages) await page.getByTestId('call-hangup').first().click().catch(() => {});
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
    browser_legs: pages.length,
    established,
    one_way: oneWay,
    rtp_loss_pct: round(((agentLost + trunkLost) * 100) / Math.max(1, agentRecv + agentLost + trunkRecv + trunkLost), 3),
    jitter_p99_ms: round(p99),
    bridge_cpu_pct: round(((cpu1 - cpu0) * 100) / wall, 1),
    seconds,
    bridge_sessions: sessions,
    leaked_sessions: leaked,
    agent_side: { packets: agentRecv, lost: agentLost },
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
