// npm run bench:pop -- --calls 500 --rate 20 [--customers 1000000] [--data-dir D] [--ring-ms 1000]
//
// The whole pop path, end to end: SIPp (trunk) → Kamailio → WebSocket → sip.js in headless
// Chromium (the real renderer, served by `pronto serve`) → incomingCall on the host (SQLite
// lookup) → React commit → next animation frame. SIPp places --calls calls at --rate per second
// from seeded customers' numbers (national format in the store's region), each rings --ring-ms
// and is cancelled. The renderer marks `invite-received:<Call-ID>` and `pop-painted:<Call-ID>`;
// SIPp's message log gives the time each INVITE left SIPp (same machine, same clock).
//
// The store (--customers, default 1,000,000: seed + import take minutes) is kept in
// $TMPDIR/pronto-bench-pop-<N> and reused by later runs; --data-dir points at any other store.
// Everything else it starts (Kamailio, the web host, Chromium, SIPp) is stopped at the end.
// Prints ONE JSON line last.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from '@playwright/test';
import { callRow, parseMessageLog } from '../test-support/sipp/sipp';
import { CHROMIUM, startLocalLab, type TelephonyLab } from '../e2e/support/telephony-lab';
import { pickNumbers } from './support/numbers';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '500' },
    rate: { type: 'string', default: '20' },
    customers: { type: 'string', default: '1000000' },
    'data-dir': { type: 'string' },
    'ring-ms': { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    headed: { type: 'boolean', default: false },
    cold: { type: 'boolean', default: false },
  },
});

const calls = int('calls', 1, 100_000);
const rate = Number(values.rate);
if (!(rate > 0 && rate <= 1000)) throw new Error('--rate must be in (0, 1000]');
const customers = int('customers', 1, 50_000_000);
const ringMs = int('ring-ms', 50, 60_000);
const dataDir = resolve(values['data-dir'] ?? join(tmpdir(), `pronto-bench-pop-${customers}`));
const log = (m: string): void => console.error(`[bench:pop] ${m}`);

/** Reads a file through once (into the page cache); returns its size in MB. */
function readThrough(file: string): number {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  let total = 0;
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) total += n;
  } finally {
    closeSync(fd);
  }
  return Math.round(total / (1 << 20));
}

function int(name: 'calls' | 'customers' | 'ring-ms', min: number, max: number): number {
  const v = Number(values[name]);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`--${name} must be an integer in [${min}, ${max}]`);
  return v;
}

/** Jiffies of the whole machine from /proc/stat (Linux): total, and stolen by the hypervisor. */
function cpuTimes(): { total: number; steal: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { total: f.reduce((a, b) => a + b, 0), steal: f[7] ?? 0 };
  } catch {
    return null;
  }
}

const pct = (sorted: number[], p: number): number | null => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))]! : null);
const round = (n: number | null, d = 2): number | null => (n === null ? null : Math.round(n * 10 ** d) / 10 ** d);


let lab: TelephonyLab | null = null;
let browser: Browser | null = null;
const cleanup = async () => {
  await browser?.close().catch(() => {});
  browser = null;
  await lab?.stop().catch(() => {});
  lab = null;
};
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    void cleanup().then(() => process.exit(130));
  });
}

try {
  const reuse = existsSync(join(dataDir, 'pronto.sqlite'));
  log(reuse ? `reusing the store in ${dataDir}` : `seeding ${customers} customers into ${dataDir} (kept for later runs)…`);
  if (reuse && !values.cold) {
    // A store left idle gets evicted from the page cache (this VM reclaims idle pages): its first
    // pops would then measure the disk, not the pop. An agent's running app keeps it warm.
    const t = performance.now();
    const mb = readThrough(join(dataDir, 'pronto.sqlite'));
    log(`read the store file once (${mb} MB in ${((performance.now() - t) / 1000).toFixed(1)} s) so the run starts warm; --cold skips this`);
  }
  const t0 = performance.now();
  lab = await startLocalLab({ dataDir, customers, seed: Number(values.seed), netns: false, log });
  log(`store of ${lab.customers} customers; PBX ws ${lab.wsPort} / udp ${lab.udpPort}; web host ${lab.url} (ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  const numbers = pickNumbers(dataDir, lab.region, calls);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: !values.headed,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--autoplay-policy=no-user-gesture-required'],
  });
  const noAnimations = Boolean(process.env.PRONTO_BENCH_NO_ANIMATIONS);
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', bypassCSP: noAnimations })).newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(lab.url);
  if (noAnimations) {
    // diagnostic only: what the pop path costs without CSS animations/transitions running
    await page.addStyleTag({ content: '*, *::before, *::after { animation: none !important; transition: none !important; }' });
  }
  await page.getByTestId('sip-registration').and(page.locator('[data-state="registered"]')).waitFor({ timeout: 30_000 });
  log('agent 1001 registered; warming up with 3 calls…');

  const sippRun = (n: number, r: number, rows: string[]) =>
    lab!.sipp({
      scenario: 'uac-invite-cancel',
      remote: lab!.udpPort,
      csv: rows,
      calls: n,
      rate: r,
      pauseMs: ringMs,
      timeoutS: Math.ceil(n / r + ringMs / 1000) + 60,
    });
  const rows = numbers.map((caller) => callRow({ caller, target: '1001' }));
  await sippRun(3, 10, rows.slice(0, 3));
  await page.waitForTimeout(1500);
  await page.evaluate(() => {
    for (const e of performance.getEntriesByType('mark')) if (/^(invite-received|pop-answered|pop-committed|pop-painted):/.test(e.name)) performance.clearMarks(e.name);
    performance.clearMeasures();
    performance.clearResourceTimings();
    performance.setResourceTimingBufferSize(100_000);
  });

  // renderer main-thread time (CDP Performance.getMetrics TaskDuration) spent during the run
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSeconds = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0);
  const load0 = loadavg()[0]!;
  log(`placing ${calls} calls at ${rate}/s, ringing ${ringMs} ms each (load average ${load0.toFixed(2)} on this machine)…`);
  const busy0 = await taskSeconds();
  const cpu0 = cpuTimes();
  const tRun = Date.now();
  const result = await sippRun(calls, rate, rows.length >= calls ? rows.slice(0, calls) : rows);
  const runS = (Date.now() - tRun) / 1000;
  const cpu1 = cpuTimes();
  // a virtual machine's stolen CPU stalls everything at once: read bunched slow pops with it
  const stealPct = cpu0 && cpu1 && cpu1.total > cpu0.total ? Math.round(((cpu1.steal - cpu0.steal) / (cpu1.total - cpu0.total)) * 1000) / 10 : null;
  if (stealPct !== null) log(`CPU stolen by the hypervisor during the calls: ${stealPct}%`);
  log(`SIPp done in ${runS.toFixed(1)} s (exit ${result.code})`);
  await page.waitForTimeout(1500);
  const busyS = (await taskSeconds()) - busy0;
  log(`renderer main thread busy ${busyS.toFixed(1)} s during the ${(runS + 1.5).toFixed(1)} s run (${Math.round((busyS / (runS + 1.5)) * 100)}%), ${Math.round((busyS * 1000) / calls)} ms per call`);

  const marks = await page.evaluate(() => {
    const offset = Date.now() - performance.now(); // this page's clock → wall clock (same machine as SIPp)
    const out: Record<string, { invite?: number; answered?: number; committed?: number; painted?: number }> = {};
    for (const e of performance.getEntriesByType('mark')) {
      const m = /^(invite-received|pop-answered|pop-committed|pop-painted):(.*)$/.exec(e.name);
      if (!m) continue;
      const rec = (out[m[2]!] ??= {});
      if (m[1] === 'invite-received') rec.invite = e.startTime;
      else if (m[1] === 'pop-answered') rec.answered = e.startTime;
      else if (m[1] === 'pop-committed') rec.committed = e.startTime;
      else rec.painted = e.startTime;
    }
    // the host's side of each API call (resource timing): time to first byte, by method
    const api: Record<string, { n: number; ttfb: number[] }> = {};
    for (const e of performance.getEntriesByType('resource') as unknown as { name: string; responseStart: number; requestStart: number }[]) {
      const m = /\/api\/(\w+)$/.exec(e.name);
      if (!m) continue;
      const a = (api[m[1]!] ??= { n: 0, ttfb: [] });
      a.n++;
      a.ttfb.push(e.responseStart - e.requestStart);
    }
    return { offset, out, api };
  });

  const sent = new Map<string, number>();
  for (const msg of parseMessageLog(result.messageLog)) {
    if (msg.direction === 'sent' && msg.kind === 'INVITE') {
      const id = msg.header('Call-ID');
      if (id && !sent.has(id)) sent.set(id, msg.time);
    }
  }
  const stages = { host: [] as number[], render: [] as number[], frame: [] as number[] };
  const inviteToPaint: number[] = [];
  const wireToPaint: number[] = [];
  let received = 0;
  let popped = 0;
  for (const [callId, r] of Object.entries(marks.out)) {
    if (!sent.has(callId)) continue; // not one of this run's calls
    if (r.invite !== undefined) received++;
    if (r.painted !== undefined) popped++;
    if (r.invite !== undefined && r.painted !== undefined) inviteToPaint.push(r.painted - r.invite);
    if (r.invite !== undefined && r.answered !== undefined) stages.host.push(r.answered - r.invite);
    if (r.answered !== undefined && r.committed !== undefined) stages.render.push(r.committed - r.answered);
    if (r.committed !== undefined && r.painted !== undefined) stages.frame.push(r.painted - r.committed);
    const wire = sent.get(callId)!;
    if (r.painted !== undefined && Number.isFinite(wire)) wireToPaint.push(r.painted + marks.offset - wire);
  }
  // where in the run the slowest pops were: spread out (steady overload) or bunched (one stall)
  const firstSent = Math.min(...sent.values());
  const slowest = Object.entries(marks.out)
    .filter(([id, r]) => sent.has(id) && r.painted !== undefined)
    .map(([id, r]) => {
      const wire = sent.get(id)! - marks.offset;
      const d = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '?' : Math.round(b - a));
      return { at: (sent.get(id)! - firstSent) / 1000, ms: r.painted! - wire, parts: `${d(wire, r.invite)}+${d(r.invite, r.answered)}+${d(r.answered, r.committed)}+${d(r.committed, r.painted)}` };
    })
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 8);
  log(`slowest wire→paint (wire→invite+→answered+→committed+→painted): ${slowest.map((x) => `${Math.round(x.ms)} ms at ${x.at.toFixed(1)} s (${x.parts})`).join(', ')}`);
  for (const v of Object.values(stages)) v.sort((a, b) => a - b);
  inviteToPaint.sort((a, b) => a - b);
  wireToPaint.sort((a, b) => a - b);
  const lost = [...sent.keys()].filter((id) => !marks.out[id]?.painted);
  log(`INVITEs sent by SIPp: ${sent.size}; received by the softphone: ${received}; popped: ${popped}`);
  if (lost.length) log(`not popped: ${lost.slice(0, 10).join(', ')}${lost.length > 10 ? ` … (${lost.length})` : ''}`);
  log(`invite→paint ms: p50 ${round(pct(inviteToPaint, 0.5))} p90 ${round(pct(inviteToPaint, 0.9))} p99 ${round(pct(inviteToPaint, 0.99))} max ${round(inviteToPaint.at(-1) ?? null)}`);
  log(`stages p50/p99 ms: invite→host answered ${round(pct(stages.host, 0.5))}/${round(pct(stages.host, 0.99))}, →React commit ${round(pct(stages.render, 0.5))}/${round(pct(stages.render, 0.99))}, →next frame ${round(pct(stages.frame, 0.5))}/${round(pct(stages.frame, 0.99))}`);
  log(`wire→paint ms:   p50 ${round(pct(wireToPaint, 0.5))} p90 ${round(pct(wireToPaint, 0.9))} p99 ${round(pct(wireToPaint, 0.99))} max ${round(wireToPaint.at(-1) ?? null)}`);
  const perCall = Object.entries(marks.api)
    .sort((a, b) => b[1].n - a[1].n)
    .map(([m, a]) => {
      const t = a.ttfb.sort((x, y) => x - y);
      return `${m} ${(a.n / calls).toFixed(2)}/call ttfb p50 ${round(pct(t, 0.5), 1)} p99 ${round(pct(t, 0.99), 1)}`;
    });
  log(`host API calls during the run: ${perCall.length ? perCall.join('; ') : 'none over HTTP (the renderer calls the host over the events WebSocket, which resource timing does not see)'}`);
  if (pageErrors.length) log(`page errors: ${pageErrors.slice(0, 5).join(' | ')}`);
  if (result.code !== 0) log(`SIPp stderr: ${result.stderr.slice(-1500)}`);

  const slowApi = lab.hostLog().split('\n').filter((l) => l.startsWith('slow api '));
  if (slowApi.length) {
    // by method: how many, and the slowest (a write stalled by a checkpoint reads differently from a lookup)
    const by = new Map<string, { n: number; max: number }>();
    for (const l of slowApi) {
      const m = /^slow api (\w+): ([\d.]+) ms/.exec(l);
      if (!m) continue;
      const e = by.get(m[1]!) ?? { n: 0, max: 0 };
      by.set(m[1]!, { n: e.n + 1, max: Math.max(e.max, Number(m[2])) });
    }
    log(`web host: ${slowApi.length} slow method calls (≥ ${process.env.PRONTO_SLOW_API_MS ?? 50} ms): ${[...by].map(([k, v]) => `${k} ×${v.n} (max ${v.max} ms)`).join(', ')}`);
    // each with what the host's thread was doing meanwhile (CPU, GC, page faults, waiting)
    for (const l of slowApi.slice(0, 10)) log(`  ${l}`);
  }
  const storeCustomers = lab.customers;
  await cleanup();
  console.log(
    JSON.stringify({
      bench: 'pop',
      calls,
      rate,
      received,
      popped,
      invite_to_paint_p50_ms: round(pct(inviteToPaint, 0.5)),
      invite_to_paint_p99_ms: round(pct(inviteToPaint, 0.99)),
      wire_to_paint_p50_ms: round(pct(wireToPaint, 0.5)),
      wire_to_paint_p99_ms: round(pct(wireToPaint, 0.99)),
      sipp_sent: sent.size,
      customers: storeCustomers,
      ring_ms: ringMs,
      loadavg_1m: Math.round(Math.max(load0, loadavg()[0]!) * 100) / 100,
      steal_pct: stealPct,
    }),
  );
} catch (err) {
  await cleanup();
  console.error(err);
  process.exit(1);
}
