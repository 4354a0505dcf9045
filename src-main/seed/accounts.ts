// accounts.csv: balances, about 12% overdue (30–90 days after a purchase), last payments.
import { Rng } from './rng';
import { FEED_COLUMNS } from '../../src-shared/feeds/spec';
import { DAY, businessInstant, instant, type Clock } from './clock';
import { money } from './format';
import { Sink } from './sinks';
import type { AccountTable, CustomerTable, PurchaseTable } from './tables';

/** [min, max] days before the anchor the oldest open invoice may have fallen due, or null. */
function overdueWindow(pur: PurchaseTable, i: number, clock: Clock): [number, number] | null {
  if (pur.count[i] === 0) return null;
  const sinceLast = Math.floor((clock.anchorSec - pur.last[i]!) / DAY);
  const sinceFirst = Math.floor((clock.anchorSec - pur.first[i]!) / DAY);
  const lo = Math.max(10, sinceLast - 90);
  const hi = Math.min(200, sinceFirst - 30);
  return lo <= hi ? [lo, hi] : null;
}

export async function writeAccounts(path: string, cust: CustomerTable, pur: PurchaseTable, seed: number, clock: Clock): Promise<AccountTable & { rows: number }> {
  const rng = new Rng(seed, 'accounts');
  const n = cust.segment.length;
  const t: AccountTable = { has: new Uint8Array(n), balance: new Float64Array(n), overdue: new Float64Array(n), overdueDays: new Uint16Array(n) };
  const sink = new Sink(path, FEED_COLUMNS.accounts);
  let rows = 0;
  // About 12% of account rows overdue, drawn among the customers who can be.
  let eligible = 0;
  for (let i = 0; i < n; i++) if (overdueWindow(pur, i, clock)) eligible++;
  const pOverdue = eligible ? Math.min(0.95, (0.12 * n) / eligible) : 0;
  for (let i = 0; i < n; i++) {
    if (!rng.chance(0.97)) continue;
    rows++;
    t.has[i] = 1;
    const cnt = pur.count[i]!;
    const created = cust.created[i]!;
    const ageDays = Math.floor((clock.anchorSec - created) / DAY);
    const avgOrder = cnt > 0 ? pur.spendAll[i]! / cnt : 0;
    const recent = pur.spend90[i]!;

    // Overdue: the oldest unpaid invoice fell due 10–200 days ago, 30–90 days after a purchase.
    let balance = 0;
    let overdue = 0;
    let dueDays = 0;
    const window = overdueWindow(pur, i, clock);
    if (window && rng.chance(pOverdue)) {
      dueDays = window[0] + Math.floor((window[1] - window[0] + 1) * rng.float() ** 1.5);
      const base = Math.max(avgOrder, 2500);
      overdue = Math.round(base * (0.3 + 2.2 * rng.float()));
      balance = overdue + Math.round(recent * 0.7 * rng.float());
    }
    if (overdue === 0) {
      const x = rng.float();
      if (x < 0.035) balance = -Math.round(500 + 39500 * rng.float() ** 2);
      else if (recent > 0 && x < 0.9) balance = Math.round(recent * (0.2 + 0.75 * rng.float()));
      else if (cnt > 0 && x < 0.7) balance = Math.round(Math.max(1500, avgOrder) * (0.1 + 0.9 * rng.float()));
    }
    t.balance[i] = balance;
    t.overdue[i] = overdue;
    t.overdueDays[i] = dueDays;

    let lastAt = '';
    let lastAmount = '';
    if (cnt > 0 && ageDays >= 2 && rng.chance(0.93)) {
      let daysAgo = overdue > 0 ? rng.range(30, 320) : rng.range(1, 75);
      if (daysAgo >= ageDays) daysAgo = rng.range(1, ageDays - 1);
      lastAt = instant(clock, businessInstant(rng, clock, daysAgo));
      let amt = Math.round(avgOrder * (0.4 + 1.2 * rng.float()));
      if (rng.chance(0.3)) amt = Math.max(1000, Math.round(amt / 1000) * 1000);
      lastAmount = money(Math.max(100, amt));
    }
    const due = overdue > 0 ? clock.days[clock.anchorDay - dueDays]! : '';
    const row = `${cust.ids[i]!},${money(balance)},EUR,${overdue > 0 ? money(overdue) : '0'},${due},${lastAt},${lastAmount}\n`;
    if (sink.push(row)) await sink.flush();
  }
  await sink.close();
  return { ...t, rows };
}
