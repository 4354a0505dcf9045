// The data's calendar: every instant is seconds since a base HISTORY_DAYS before the anchor
// ("today" of the data), turned into ISO text through precomputed day and time-of-day tables.
import type { Rng } from './rng';
import { PAD2 } from './format';

export const DAY = 86400;
/** Days of history kept before the anchor (customers are created up to 8 years back). */
export const HISTORY_DAYS = 4400;

let TOD: string[] | null = null;
/** "T08:15:02Z" for every second of a day. */
function timeOfDayTable(): string[] {
  if (!TOD) {
    TOD = new Array<string>(DAY);
    for (let h = 0; h < 24; h++) {
      for (let m = 0; m < 60; m++) {
        const hm = `T${PAD2[h]!}:${PAD2[m]!}:`;
        for (let s = 0; s < 60; s++) TOD[h * 3600 + m * 60 + s] = `${hm}${PAD2[s]!}Z`;
      }
    }
  }
  return TOD;
}

export interface Clock {
  /** Seconds since the clock base of the anchor day's midnight ("now" of the data). */
  anchorSec: number;
  anchorDay: number;
  days: string[];
  /** The same days as ASCII bytes, 10 per day. */
  dayBytes: Uint8Array;
  tod: string[];
  /** Weekday (0 = Sunday) of clock day 0. */
  weekday0: number;
}

export function makeClock(anchor: string): Clock {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(anchor);
  if (!m) throw new Error(`anchor "${anchor}" is not a YYYY-MM-DD date`);
  const anchorMs = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!);
  if (new Date(anchorMs).toISOString().slice(0, 10) !== anchor) throw new Error(`anchor "${anchor}" is not a valid date`);
  const baseMs = anchorMs - HISTORY_DAYS * DAY * 1000;
  const days: string[] = [];
  for (let d = 0; d <= HISTORY_DAYS; d++) days.push(new Date(baseMs + d * DAY * 1000).toISOString().slice(0, 10));
  const dayBytes = Buffer.from(days.join(''), 'latin1');
  return { anchorSec: HISTORY_DAYS * DAY, anchorDay: HISTORY_DAYS, days, dayBytes, tod: timeOfDayTable(), weekday0: new Date(baseMs).getUTCDay() };
}

export function instant(clock: Clock, sec: number): string {
  const d = Math.floor(sec / DAY);
  return clock.days[d]! + clock.tod[sec - d * DAY]!;
}

/** A business-hours instant `daysAgo` days before the anchor. */
export function businessInstant(rng: Rng, clock: Clock, daysAgo: number): number {
  return (clock.anchorDay - daysAgo) * DAY + rng.range(8, 17) * 3600 + rng.int(3600);
}
