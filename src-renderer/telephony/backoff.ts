// Reconnect delays: exponential, capped low (the agent must be reachable again within seconds
// of the PBX coming back), with jitter so a room of softphones does not reconnect in lockstep.
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 4000;

/**
 * Delay before attempt `attempt` (0 = first retry): "equal jitter", uniformly in
 * [ceiling/2, ceiling] with ceiling = min(cap, base·2^attempt). 250–500 ms, 0.5–1 s, 1–2 s,
 * 2–4 s, then 2–4 s forever: never a storm, never more than 4 s of deafness.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, base = BACKOFF_BASE_MS, cap = BACKOFF_CAP_MS): number {
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.min(Math.floor(attempt), 16) : 0;
  const ceiling = Math.min(cap, base * 2 ** n);
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling / 2 + r * (ceiling / 2));
}

/**
 * Detects a machine that slept: a repeating timer that fires much later than asked means the
 * process was frozen (suspend, hibernate, a stopped VM). Calls `onWake(gapMs)` once per gap.
 */
export function watchForWake(onWake: (gapMs: number) => void, everyMs = 2000, gapMs = 8000): () => void {
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const late = now - last - everyMs;
    last = now;
    if (late > gapMs) onWake(late);
  }, everyMs);
  return () => clearInterval(timer);
}
