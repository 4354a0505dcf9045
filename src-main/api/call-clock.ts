// What a slow method call was doing: computing (CPU time close to the wall time), collecting
// garbage, or waiting (disk page faults, file reads, or another process holding the CPU).
// Every call runs on the host's one thread, so a slow one delays the next pop: when that
// happens the log line must say why, not only how long.
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { resourceUsage } from 'node:process';

/** Garbage collection pauses of this thread, summed (ms). */
const gc = { total: 0 };
let observer: PerformanceObserver | null = null;

function watchGc(): void {
  if (observer) return;
  observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries() as PerformanceEntry[]) gc.total += e.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
}

export interface CallClock {
  /** Wall time since the start, ms. */
  ms(): number;
  /** Call once the call's synchronous part has returned (its promise, not its result). */
  returned(): void;
  /** "cpu 12.0 ms, gc 0.0 ms, major faults 0, …, not on a CPU ≥ 3.1 ms": read only when slow. */
  explain(): string;
}

/** Starts timing one call: one getrusage() now, the rest only when explain() is read. */
export function startCallClock(): CallClock {
  watchGc();
  const t0 = performance.now();
  const r0 = resourceUsage();
  const gc0 = gc.total;
  let held: number | null = null;
  return {
    ms: () => performance.now() - t0,
    returned() {
      held ??= performance.now() - t0;
    },
    explain() {
      const wall = performance.now() - t0;
      const r1 = resourceUsage();
      // process-wide CPU (µs): the host's worker threads count too, so this is an upper bound
      const cpu = (r1.userCPUTime - r0.userCPUTime + r1.systemCPUTime - r0.systemCPUTime) / 1000;
      const gcMs = gc.total - gc0;
      // sleeping (a busy handler, a lock) shows as voluntary switches with no file I/O; a write
      // stuck behind the disk as fs writes; a cold page as major faults or fs reads
      // what blocked the host (and every pop behind it) is the synchronous part alone; an async
      // method (a count on the worker, a write waiting for the lock) waits without blocking
      const thread = held === null ? '' : `held the thread ${held.toFixed(1)} ms, `;
      return `${thread}cpu ${cpu.toFixed(1)} ms, gc ${gcMs.toFixed(1)} ms, major faults ${r1.majorPageFault - r0.majorPageFault}, ` +
        `fs reads ${r1.fsRead - r0.fsRead}, fs writes ${r1.fsWrite - r0.fsWrite}, ` +
        `voluntary switches ${r1.voluntaryContextSwitches - r0.voluntaryContextSwitches}, ` +
        `involuntary ${r1.involuntaryContextSwitches - r0.involuntaryContextSwitches}, ` +
        `not on a CPU ≥ ${Math.max(0, wall - cpu).toFixed(1)} ms`;
    },
  };
}
