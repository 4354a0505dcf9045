// node bin/run-ts.mjs bench/pop-profile.ts [--calls 200] [--rate 20] [--customers 1000000] [--out DIR]
//
// PRONTO_NO_MINIFY=1 npx electron-vite build first gives readable function names in the profile.
//
// Diagnostic companion of bench/pop.ts: the same lab and call load, with a Chromium performance
// trace (devtools.timeline) and a JS CPU profile of the renderer taken during the run. Prints the
// renderer main thread's self time by trace event and the top JS functions (by self time), and
// writes trace.json / cpu.cpuprofile to --out (open them in Chrome DevTools → Performance).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';
import { callRow } from '../test-support/sipp/sipp';
import { CHROMIUM, startLocalLab, type TelephonyLab } from '../e2e/support/telephony-lab';
import { pickNumbers } from './support/numbers';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '200' },
    rate: { type: 'string', default: '20' },
    customers: { type: 'string', default: '1000000' },
    'ring-ms': { type: 'string', default: '1000' },
    out: { type: 'string', default: join(tmpdir(), 'pronto-pop-profile') },
  },
});
const calls = Number(values.calls);
const rate = Number(values.rate);
const ringMs = Number(values['ring-ms']);
const customers = Number(values.customers);
const dataDir = resolve(join(tmpdir(), `pronto-bench-pop-${customers}`));
const outDir = resolve(values.out!);
mkdirSync(outDir, { recursive: true });
const log = (m: string): void => console.error(`[pop-profile] ${m}`);


/** CPU seconds (user+system) of this process's descendants by command name, from /proc. */
function treeCpuS(root = process.pid): Map<string, number> {
  const kids = new Map<number, number[]>();
  const info = new Map<number, { comm: string; cpu: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      const pid = Number(d);
      info.set(pid, { comm, cpu: (Number(f[11]) + Number(f[12])) / 100 });
      kids.set(Number(f[1]), [...(kids.get(Number(f[1])) ?? []), pid]);
    } catch {
      /* gone */
    }
  }
  const out = new Map<string, number>();
  const todo = [...(kids.get(root) ?? [])];
  while (todo.length) {
    const p = todo.pop()!;
    const i = info.get(p);
    if (i) out.set(i.comm, (out.get(i.comm) ?? 0) + i.cpu);
    if (process.env.PROFILE_THREADS && i?.comm.startsWith('chrom')) {
      // per thread (renderer main, compositor, raster, viz…): where Chromium's CPU goes
      try {
        for (const t of readdirSync(`/proc/${p}/task`)) {
          const st = readFileSync(`/proc/${p}/task/${t}/stat`, 'utf8');
          const tcomm = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
          const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
          const k = `  ${i.comm}/${tcomm}`;
          out.set(k, (out.get(k) ?? 0) + (Number(f[11]) + Number(f[12])) / 100);
        }
      } catch {
        /* gone */
      }
    }
    todo.push(...(kids.get(p) ?? []));
  }
  return out;
}

interface TraceEvent { name: string; cat: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: Record<string, unknown> }

let lab: TelephonyLab | null = null;
let browser: Browser | null = null;
try {
  lab = await startLocalLab({ dataDir, customers, netns: false, log });
  const numbers = pickNumbers(dataDir, lab.region, calls + 3);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--autoplay-policy=no-user-gesture-required'],
  });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', bypassCSP: Boolean(process.env.PROFILE_NO_ANIMATIONS || process.env.PROFILE_CSS) })).newPage();
  page.on("pageerror", (e) => log(`page error: ${e.message}\n${e.stack ?? ""}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log(`console ${m.type()}: ${m.text().slice(0, 300)}`);
  });
  await page.goto(lab.url);
  if (process.env.PROFILE_NO_ANIMATIONS) await page.addStyleTag({ content: '*, *::before, *::after { animation: none !important; transition: none !important; will-change: auto !important; }' });
  // diagnostic: what a part of the screen costs (e.g. PROFILE_CSS='.case-panel { display: none }')
  if (process.env.PROFILE_CSS) await page.addStyleTag({ content: process.env.PROFILE_CSS });
  if (process.env.PROFILE_JS) await page.evaluate(process.env.PROFILE_JS);
  await page.getByTestId('sip-registration').and(page.locator('[data-state="registered"]')).waitFor({ timeout: 30_000 });
  const rows = numbers.map((caller) => callRow({ caller, target: '1001' }));
  const sipp = (n: number, r: number, rs: string[]) =>
    lab!.sipp({ scenario: 'uac-invite-cancel', remote: lab!.udpPort, csv: rs, calls: n, rate: r, pauseMs: ringMs, timeoutS: Math.ceil(n / r + ringMs / 1000) + 60 });
  await sipp(3, 10, rows.slice(0, 3));
  await page.waitForTimeout(1500);

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const light = Boolean(process.env.PROFILE_LIGHT); // CPU figures only: no trace, no JS profile
  const done = light ? Promise.resolve() : new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  if (!light) await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', 'toplevel', 'v8', ...(process.env.PROFILE_INVALIDATIONS ? ['disabled-by-default-devtools.timeline.invalidationTracking'] : [])] },
  } as never);
  if (!light) await cdp.send('Profiler.start');
  const cpu0 = treeCpuS();
  const t0 = Date.now();
  const run = sipp(calls, rate, rows.slice(3, 3 + calls));
  await page.waitForTimeout(Math.min(4000, (calls / rate) * 500));
  const count = (sel: string) => page.locator(sel).count();
  const dom = { all: await count('*'), cards: await count('[data-testid="call-card"]'), pop: await count('[data-testid="pop"] *'), cases: await count('[data-testid="case-panel"] *') };
  log(`mid-run DOM: ${JSON.stringify(dom)}`);
  await page.screenshot({ path: join(outDir, 'mid-run.png') });
  await run;
  await page.waitForTimeout(1500);
  const runS = (Date.now() - t0) / 1000;
  const cpu1 = treeCpuS();
  const cpuBy = [...cpu1.entries()].map(([k, v]) => [k, v - (cpu0.get(k) ?? 0)] as const).filter(([, v]) => v > 0.05).sort((a, b) => b[1] - a[1]);
  if (light) log(`CPU by process during the run (ms/call): ${cpuBy.map(([k, v]) => `${k} ${((v * 1000) / calls).toFixed(1)}`).join(', ')}`);
  else await analyse(cdp, done, events, page, runS, cpuBy);
} finally {
  await browser?.close().catch(() => {});
  await lab?.stop().catch(() => {});
}

async function analyse(cdp: CDPSession, done: Promise<void>, events: TraceEvent[], page: Page, runS: number, cpuBy: (readonly [string, number])[]): Promise<void> {
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.send('Tracing.end');
  await done;
  writeFileSync(join(outDir, 'cpu.cpuprofile'), JSON.stringify(profile));
  writeFileSync(join(outDir, 'trace.json'), JSON.stringify({ traceEvents: events }));
  const popped = await page.evaluate(() => performance.getEntriesByType('mark').filter((m) => m.name.startsWith('pop-painted:')).length);

  // renderer main thread: the thread named CrRendererMain of the page's renderer process
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && (e.args as { name?: string })?.name === 'CrRendererMain');
  const busiest = new Map<string, number>();
  for (const m of mains) {
    const key = `${m.pid}:${m.tid}`;
    busiest.set(key, events.filter((e) => `${e.pid}:${e.tid}` === key && e.ph === 'X').length);
  }
  const mainKey = [...busiest.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const xs = events.filter((e) => `${e.pid}:${e.tid}` === mainKey && e.ph === 'X' && typeof e.dur === 'number').sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  // self time by event name: wall (dur) and this thread's CPU (tdur, not inflated by a loaded machine)
  const self = new Map<string, { wall: number; cpu: number; n: number }>();
  const stack: { end: number; name: string; child: number; dur: number; tchild: number; tdur: number }[] = [];
  const pop = () => {
    const f = stack.pop()!;
    const a = self.get(f.name) ?? { wall: 0, cpu: 0, n: 0 };
    a.wall += f.dur - f.child;
    a.cpu += f.tdur - f.tchild;
    a.n++;
    self.set(f.name, a);
    if (stack.length) {
      stack[stack.length - 1]!.child += f.dur;
      stack[stack.length - 1]!.tchild += f.tdur;
    }
  };
  let topLevel = 0;
  let topCpu = 0;
  for (const e of xs) {
    while (stack.length && stack[stack.length - 1]!.end <= e.ts) pop();
    const tdur = (e as { tdur?: number }).tdur ?? e.dur!;
    if (!stack.length) {
      topLevel += e.dur!;
      topCpu += tdur;
    }
    stack.push({ end: e.ts + e.dur!, name: e.name, child: 0, dur: e.dur!, tchild: 0, tdur });
  }
  while (stack.length) pop();
  log(`CPU by process during the run (ms/call; trace + profiler overhead included): ${cpuBy.map(([k, v]) => `${k} ${((v * 1000) / calls).toFixed(1)}`).join(', ')}`);
  log(`run ${runS.toFixed(1)} s, popped ${popped}/${calls}; main thread busy ${(topLevel / 1000).toFixed(0)} ms wall = ${(topLevel / 1000 / calls).toFixed(1)} ms/call; CPU ${(topCpu / 1000).toFixed(0)} ms = ${(topCpu / 1000 / calls).toFixed(1)} ms/call`);
  for (const [name, a] of [...self.entries()].sort((x, y) => y[1].cpu - x[1].cpu).slice(0, 25)) {
    log(`  ${name.padEnd(32)} cpu ${(a.cpu / 1000).toFixed(0).padStart(6)} ms ${(a.cpu / 1000 / calls).toFixed(2).padStart(6)} ms/call  wall ${(a.wall / 1000).toFixed(0).padStart(6)} ms  n ${a.n}`);
  }
  // JS self time by function
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const hits = new Map<number, number>();
  const dts = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => hits.set(id, (hits.get(id) ?? 0) + (dts[i + 1] ?? 0)));
  const byFn = new Map<string, number>();
  for (const [id, us] of hits) {
    const n = nodes.get(id)!;
    const cf = n.callFrame;
    const key = `${cf.functionName || '(anon)'} ${cf.url.split('/').pop()}:${cf.lineNumber + 1}:${cf.columnNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  log('JS self time:');
  for (const [k, us] of [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30)) log(`  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  log(`wrote ${outDir}/trace.json and cpu.cpuprofile`);
}
