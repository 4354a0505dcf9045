// credit.csv: limits, terms, status and risk class, worse for customers with overdue invoices.
import { Rng, cumulative } from './rng';
import type { Country } from './phones';
import { FEED_COLUMNS } from '../../src-shared/feeds/spec';
import { DAY, businessInstant, instant, type Clock } from './clock';
import { money } from './format';
import { Sink } from './sinks';
import { CONSUMER, COUNTRIES, ENTERPRISE, SMB, type AccountTable, type CustomerTable, type PurchaseTable } from './tables';

const STATUSES = ['ok', 'watch', 'hold', 'blocked'] as const;
const STATUS_CLEAN = cumulative([0.905, 0.062, 0.026, 0.007]);
const STATUS_LOW = [0.52, 0.3, 0.13, 0.05];
const STATUS_HIGH = [0.1, 0.25, 0.38, 0.27];
const RISK = ['A', 'B', 'C', 'D', 'E'];
const RISK_CUM = [cumulative([35, 40, 20, 5, 0]), cumulative([0, 15, 45, 35, 5]), cumulative([0, 0, 20, 50, 30]), cumulative([0, 0, 0, 30, 70])];
const CONSUMER_LIMITS = [0, 500, 1000, 1500, 2000, 3000, 5000];
const CONSUMER_LIMIT_CUM = cumulative([1, 3, 4, 2, 2, 1, 0.5]);

const TERMS_B2B: Record<Country, [string, number][]> = {
  IT: [['60 days EOM', 4], ['90 days EOM', 2], ['30 days EOM', 2], ['RiBa 60 days', 1.5], ['30 days', 1]],
  DE: [['30 days', 4], ['14 days 2% discount', 2], ['60 days', 1]],
  AT: [['30 days', 4], ['14 days 3% discount', 1.5], ['60 days', 1]],
  CH: [['30 days', 5], ['60 days', 1]],
  FR: [['45 days EOM', 3], ['60 days', 2], ['30 days EOM', 2]],
  ES: [['60 days', 3], ['90 days', 2], ['30 days', 1]],
  GB: [['Net 30', 4], ['Net 60', 2], ['Net 90', 1]],
  US: [['Net 30', 4], ['Net 60', 1.5], ['Net 90', 1], ['2/10 Net 30', 0.8]],
  NL: [['30 days', 4], ['Net 30', 1], ['60 days', 1]],
};
const TERMS_B2B_CUM = new Map(Object.entries(TERMS_B2B).map(([c, l]) => [c, { names: l.map((x) => x[0]), cum: cumulative(l.map((x) => x[1])) }]));
const TERMS_CONSUMER = ['Prepaid', 'Card on order', '14 days', '30 days'];
const TERMS_CONSUMER_CUM = cumulative([3, 2, 1, 1]);

export async function writeCredit(path: string, cust: CustomerTable, pur: PurchaseTable, acc: AccountTable, seed: number, clock: Clock): Promise<number> {
  const rng = new Rng(seed, 'credit');
  const n = cust.segment.length;
  const sink = new Sink(path, FEED_COLUMNS.credit);
  const probs = new Float64Array(4);
  let rows = 0;
  for (let i = 0; i < n; i++) {
    if (!rng.chance(0.92)) continue;
    rows++;
    const seg = cust.segment[i]!;
    const country = COUNTRIES[cust.country[i]!]!;
    const balance = acc.balance[i]!;
    const overdue = acc.overdue[i]!;

    // Limit in cents, rounded as credit managers do.
    let limit: number;
    if (seg === CONSUMER) limit = CONSUMER_LIMITS[rng.weighted(CONSUMER_LIMIT_CUM)]! * 100;
    else if (seg === SMB) limit = Math.round(5 + 55 * rng.float() ** 2) * 1000 * 100;
    else limit = Math.round(10 + 90 * rng.float() ** 2) * 5000 * 100;
    if (seg !== CONSUMER) {
      const need = pur.spend365[i]! * (0.2 + 0.4 * rng.float());
      if (need > limit) limit = Math.ceil(need / 50000) * 50000;
    }

    let status: number;
    if (overdue > 0) {
      const s = Math.min(1, 0.6 * ((acc.overdueDays[i]! - 10) / 190) + 0.4 * Math.min(1, overdue / Math.max(limit, 100000)));
      for (let j = 0; j < 4; j++) probs[j] = STATUS_LOW[j]! + (STATUS_HIGH[j]! - STATUS_LOW[j]!) * s;
      const x = rng.float();
      status = x < probs[0]! ? 0 : x < probs[0]! + probs[1]! ? 1 : x < probs[0]! + probs[1]! + probs[2]! ? 2 : 3;
    } else status = rng.weighted(STATUS_CLEAN);

    // Over the limit: frequent for accounts in trouble, occasional otherwise.
    if (balance > 0) {
      const pOver = status >= 2 ? 0.5 : status === 1 ? 0.25 : 0.03;
      if (rng.chance(pOver)) limit = Math.floor((balance * (0.3 + 0.6 * rng.float())) / 10000) * 10000;
    }
    if (status === 3 && rng.chance(0.3)) limit = 0;

    let terms: string;
    if (status >= 2 && rng.chance(0.6)) terms = 'Prepaid';
    else if (seg === CONSUMER) terms = TERMS_CONSUMER[rng.weighted(TERMS_CONSUMER_CUM)]!;
    else {
      const tt = TERMS_B2B_CUM.get(country)!;
      terms = tt.names[rng.weighted(tt.cum)]!;
    }
    let risk = RISK[rng.weighted(RISK_CUM[status]!)]!;
    if (status === 0 && seg === ENTERPRISE && risk > 'B' && rng.chance(0.5)) risk = 'B';

    const ageDays = Math.floor((clock.anchorSec - cust.created[i]!) / DAY);
    const maxAgo = status === 0 ? 540 : status === 1 ? 180 : 60;
    const daysAgo = Math.max(0, Math.min(rng.range(1, maxAgo), ageDays - 1));
    let reviewed = businessInstant(rng, clock, daysAgo);
    if (reviewed < cust.created[i]!) reviewed = cust.created[i]! + 60;
    if (reviewed >= clock.anchorSec) reviewed = clock.anchorSec - 1;

    const row = `${cust.ids[i]!},${money(limit)},EUR,${terms},${STATUSES[status]!},${risk},${instant(clock, reviewed)}\n`;
    if (sink.push(row)) await sink.flush();
  }
  await sink.close();
  return rows;
}
