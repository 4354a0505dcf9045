// purchases.csv: generated per customer (so each history has the co-purchase structure),
// radix-sorted by time so order ids follow the calendar, written byte by byte into a 1 MB buffer.
import { Rng, cumulative } from './rng';
import { FAMILIES, PRODUCTS, productOf, type Profile, type QtyClass } from './catalog';
import { FEED_COLUMNS } from '../../src-shared/feeds/spec';
import { DAY, type Clock } from './clock';
import { ByteSink } from './sinks';
import { CONSUMER, ENTERPRISE, SMB, type CustomerTable, type PurchaseTable } from './tables';

const PROFILES: Profile[] = ['coffee', 'print', 'it'];
/** Interest profile weights by segment. */
const PROFILE_CUM = [cumulative([55, 15, 30]), cumulative([35, 30, 35]), cumulative([30, 30, 40])];
const ENTRY_FAMILIES = PROFILES.map((pr) => FAMILIES.map((f, i) => ({ f, i })).filter((x) => x.f.profile === pr));
const ENTRY_CUM = ENTRY_FAMILIES.map((list) => cumulative(list.map((x) => x.f.entryWeight)));
const TIER_CUM = [cumulative([60, 30, 10]), cumulative([35, 45, 20]), cumulative([15, 40, 45])];
const POPULARITY_CUM = [0, 1, 2].map((s) => cumulative(PRODUCTS.map((p) => p.popularity[s as 0 | 1 | 2])));
const SKU_BYTES = PRODUCTS.map((p) => Buffer.from(p.sku, 'latin1'));
const PRICE = Int32Array.from(PRODUCTS.map((p) => p.priceCents));
const QTY_CLASS: QtyClass[] = PRODUCTS.map((p) => p.qty);
const COMPANIONS = PRODUCTS.map((p) => p.companions);
const UPGRADE = Int16Array.from(PRODUCTS.map((p) => p.upgrade));
/** Hours of the day when orders come in: businesses in office hours, consumers in the evening too. */
const HOUR_CUM_B2B = cumulative([0, 0, 0, 0, 0, 0, 0, 0.3, 3, 6, 7, 7, 4, 3, 6, 6, 5, 3, 1, 0.3, 0.1, 0, 0, 0]);
const HOUR_CUM_CONSUMER = cumulative([0.3, 0.1, 0, 0, 0, 0, 0.2, 1, 2, 3, 3.5, 3.5, 3.5, 3, 3, 3, 3, 3.5, 4, 5, 6, 5, 3, 1]);

function entryProduct(rng: Rng, profile: number, segment: number): number {
  const list = ENTRY_FAMILIES[profile]!;
  const fam = list[rng.weighted(ENTRY_CUM[profile]!)]!.i;
  return productOf(fam, rng.weighted(TIER_CUM[segment]!) + 1);
}

function quantity(rng: Rng, cls: QtyClass, segment: number): number {
  switch (cls) {
    case 'unit':
      return segment === CONSUMER ? 1 : segment === SMB ? (rng.chance(0.08) ? rng.range(2, 3) : 1) : 1 + Math.min(9, rng.geometric(0.55));
    case 'device':
      return segment === CONSUMER ? (rng.chance(0.05) ? 2 : 1) : segment === SMB ? rng.range(1, 5) : rng.range(2, 40);
    case 'consumable':
      return segment === CONSUMER ? rng.range(1, 4) : segment === SMB ? rng.range(2, 12) : rng.range(5, 60);
    case 'plan':
      return segment === ENTERPRISE && rng.chance(0.1) ? rng.range(2, 5) : 1;
    case 'seat':
      return segment === CONSUMER ? rng.range(1, 3) : segment === SMB ? rng.range(3, 25) : rng.range(20, 250);
  }
}

function discountPct(rng: Rng, segment: number): number {
  if (segment === ENTERPRISE) return rng.chance(0.7) ? rng.range(5, 15) : 0;
  if (segment === SMB) return rng.chance(0.3) ? rng.pick([3, 5, 5, 8, 10]) : 0;
  return rng.chance(0.08) ? 10 : 0;
}

/** Purchases per customer: some none, most 1–8, a few heavy buyers 30–200; exactly `total` overall. */
function allocateCounts(rng: Rng, cust: CustomerTable, clock: Clock, total: number): Uint32Array {
  const n = cust.segment.length;
  const raw = new Float64Array(n);
  let sum = 0;
  const horizon = clock.anchorSec - 5 * 365 * DAY;
  for (let i = 0; i < n; i++) {
    const seg = cust.segment[i]!;
    let k: number;
    const x = rng.float();
    const heavy = seg === CONSUMER ? 0.004 : seg === SMB ? 0.016 : 0.06;
    const zero = seg === CONSUMER ? 0.1 : 0.05;
    if (x < zero) k = 0;
    else if (x < zero + heavy) k = 30 + Math.floor(150 * rng.float() ** 2.5);
    else k = 1 + Math.min(28, rng.geometric(seg === CONSUMER ? 0.26 : seg === SMB ? 0.18 : 0.15));
    // Young customers have had less time to buy.
    const activeDays = (clock.anchorSec - Math.max(horizon, cust.created[i]!)) / DAY;
    if (k > 0 && activeDays < 480) k = Math.max(1, Math.round(k * (0.25 + activeDays / 640)));
    raw[i] = k;
    sum += k;
  }
  const counts = new Uint32Array(n);
  if (total === 0) return counts;
  if (n === 0) throw new Error('purchases need at least one customer');
  if (sum === 0) {
    raw.fill(1);
    sum = n;
  }
  let cum = 0;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    cum += raw[i]!;
    const upto = Math.floor((total * cum) / sum + 0.5);
    counts[i] = upto - prev;
    prev = upto;
  }
  return counts;
}

/** Stable LSD radix sort of indices by a 30-bit key. */
function sortByKey(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  let src = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst = new Uint32Array(n);
  const counts = new Uint32Array(1 << 15);
  for (const shift of [0, 15]) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[i]! >>> shift) & 0x7fff]!++;
    let s = 0;
    for (let b = 0; b < counts.length; b++) {
      const c = counts[b]!;
      counts[b] = s;
      s += c;
    }
    for (let i = 0; i < n; i++) {
      const k = src[i]!;
      dst[counts[(keys[k]! >>> shift) & 0x7fff]!++] = k;
    }
    [src, dst] = [dst, src];
  }
  return src;
}

export async function writePurchases(
  path: string, cust: CustomerTable, total: number, seed: number, clock: Clock, log: (line: string) => void,
): Promise<PurchaseTable> {
  const t0 = performance.now();
  const rng = new Rng(seed, 'purchases');
  const n = cust.segment.length;
  const count = allocateCounts(rng, cust, clock, total);
  const pCust = new Uint32Array(total);
  const pSku = new Uint8Array(total);
  const pQty = new Uint16Array(total);
  const pAmount = new Float64Array(total);
  const pTime = new Uint32Array(total);
  const agg: PurchaseTable = {
    count, spend90: new Float64Array(n), spend365: new Float64Array(n), spendAll: new Float64Array(n),
    first: new Uint32Array(n), last: new Uint32Array(n),
  };
  let maxCount = 0;
  for (let i = 0; i < n; i++) if (count[i]! > maxCount) maxCount = count[i]!;
  const hist = new Uint8Array(maxCount);
  const times = new Float64Array(maxCount);
  const horizon = clock.anchorSec - 5 * 365 * DAY;
  const since90 = clock.anchorSec - 90 * DAY;
  const since365 = clock.anchorSec - 365 * DAY;
  let k = 0;

  for (let i = 0; i < n; i++) {
    const m = count[i]!;
    if (m === 0) continue;
    const seg = cust.segment[i]!;
    const b2b = seg !== CONSUMER;
    const ws = Math.max(horizon, cust.created[i]! + 600);
    let we = clock.anchorSec - 1;
    // Some customers stopped buying a while ago.
    if (rng.chance(0.18)) we = ws + Math.floor((we - ws) * (0.25 + 0.65 * rng.float()));
    const spanDays = (we - ws) / DAY;
    const hours = b2b ? HOUR_CUM_B2B : HOUR_CUM_CONSUMER;
    for (let j = 0; j < m; j++) {
      // Skewed towards the recent end of the window.
      let day = Math.floor(ws / DAY + spanDays * rng.float() ** 0.8);
      if (b2b && rng.chance(0.9)) {
        const wd = (clock.weekday0 + day) % 7;
        if (wd === 6) day -= 1;
        else if (wd === 0) day += 1;
      }
      let t = day * DAY + rng.weighted(hours) * 3600 + rng.int(3600);
      if (t < ws) t = ws + rng.int(Math.max(1, Math.min(3600, we - ws)));
      if (t > we) t = we - rng.int(Math.max(1, Math.min(3600, we - ws)));
      times[j] = t;
    }
    const ts = times.subarray(0, m).sort();

    const profile1 = rng.weighted(PROFILE_CUM[seg]!);
    const profile2 = rng.chance(0.55) ? profile1 : rng.weighted(PROFILE_CUM[seg]!);
    const pop = POPULARITY_CUM[seg]!;
    for (let j = 0; j < m; j++) {
      let sku: number;
      if (j === 0) {
        sku = rng.chance(0.85) ? entryProduct(rng, profile1, seg) : rng.weighted(pop);
      } else {
        const x = rng.float();
        if (x < 0.55) {
          const comp = COMPANIONS[hist[rng.int(j)]!]!;
          sku = comp[rng.int(comp.length)]!;
        } else if (x < 0.68) {
          const o = hist[rng.int(j)]!;
          const up = UPGRADE[o]!;
          if (up >= 0) sku = up;
          else {
            const comp = COMPANIONS[o]!;
            sku = comp[rng.int(comp.length)]!;
          }
        } else if (x < 0.76) {
          sku = entryProduct(rng, rng.chance(0.7) ? profile2 : profile1, seg);
        } else {
          sku = rng.weighted(pop);
        }
      }
      hist[j] = sku;
      const qty = quantity(rng, QTY_CLASS[sku]!, seg);
      const disc = discountPct(rng, seg);
      const amount = Math.round((PRICE[sku]! * qty * (100 - disc)) / 100);
      const t = ts[j]!;
      pCust[k] = i;
      pSku[k] = sku;
      pQty[k] = qty;
      pAmount[k] = amount;
      pTime[k] = t;
      k++;
      agg.spendAll[i] = agg.spendAll[i]! + amount;
      if (t >= since365) agg.spend365[i] = agg.spend365[i]! + amount;
      if (t >= since90) agg.spend90[i] = agg.spend90[i]! + amount;
    }
    agg.first[i] = ts[0]!;
    agg.last[i] = ts[m - 1]!;
  }
  if (k !== total) throw new Error(`internal: generated ${k} purchases, expected ${total}`);

  const t1 = performance.now();
  const order = sortByKey(pTime);
  log(`purchases: generated in ${((t1 - t0) / 1000).toFixed(1)} s, sorted in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  const sink = new ByteSink(path, FEED_COLUMNS.purchases);
  for (let r = 0; r < total; r++) {
    if (sink.full(128)) await sink.flush();
    const x = order[r]!;
    // O000000001,C0000001,ESP-100,1,189.00,EUR,2026-10-31T12:34:56Z
    sink.byte(79);
    sink.uint(r + 1, 9);
    sink.byte(44);
    sink.byte(67);
    sink.uint(pCust[x]! + 1, 7);
    sink.byte(44);
    const sku = SKU_BYTES[pSku[x]!]!;
    sink.bytes(sku, 0, sku.length);
    sink.byte(44);
    sink.uint(pQty[x]!);
    sink.byte(44);
    sink.money(pAmount[x]!);
    sink.ascii(',EUR,');
    sink.instant(clock, pTime[x]!);
    sink.byte(10);
  }
  sink.close();
  return agg;
}
