// "Today" at the hub: since local midnight in the hub's time zone (PRONTO_HUB_TIME_ZONE, default
// the process's own), found with Intl (no time-zone library needed for one offset).

/** The offset (ms) of `tz` from UTC at instant `t`. */
function offsetMs(t: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(t));
  const v = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(v('year'), v('month') - 1, v('day'), v('hour'), v('minute'), v('second'));
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** [start, end) of the local day of `t` in `tz`, as epoch ms. */
export function dayOf(t: number, tz: string): { from: number; to: number } {
  const local = new Date(t + offsetMs(t, tz));
  const midnightLocal = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  // the offset at midnight may differ from now's (a DST change during the day)
  let from = midnightLocal - offsetMs(midnightLocal, tz);
  from = midnightLocal - offsetMs(from, tz);
  const nextLocal = midnightLocal + 86_400_000;
  let to = nextLocal - offsetMs(nextLocal, tz);
  to = nextLocal - offsetMs(to, tz);
  return { from, to };
}

export function checkTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
