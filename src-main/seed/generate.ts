// Deterministic, realistic demo feeds: customers, products, purchases, accounts, credit (CSV).
// Same options ⇒ byte-identical files. 1M customers / 5M purchases take 20–36 s on 2 cores:
// per-customer state lives in typed arrays; purchases are generated per customer (so each history
// has the co-purchase structure), radix-sorted by time so order ids follow the calendar, and
// written byte by byte into a 1 MB buffer; the other files are built as 64 KB strings (measured:
// 2 MB string chunks made V8 spend 40% of the time in GC flattening the ropes) and written with
// fs.writeSync, yielding to the event loop between chunks.
// CLI: node bin/run-ts.mjs src-main/seed/cli.ts OUTDIR [customers] [purchases] [seed] [anchor]
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Rng, cumulative } from './rng';
import { PhoneBook, fixedPoolKey, formatPhone, type Block, type Country, type PoolState } from './phones';
import { CULTURE_COUNTRY, company, person, privateEmail, workEmail, type Culture } from './names';
import { FAMILIES, PRODUCTS, productOf, type Profile, type QtyClass } from './catalog';
import { FEED_COLUMNS } from '../../src-shared/feeds/spec';

export interface SeedOptions {
  outDir: string; // created if missing
  customers: number; // e.g. 10_000 or 1_000_000
  purchases?: number; // total purchase rows; default 5 * customers
  seed?: number; // default 1
  anchor?: string; // ISO date 'YYYY-MM-DD' = "today" of the data; default '2026-11-01'
  /** Optional progress lines ("purchases: 5000000 rows in 12.3 s"). */
  log?: (line: string) => void;
}
export interface SeedResult {
  files: { customers: string; products: string; purchases: string; accounts: string; credit: string };
  counts: { customers: number; products: number; purchases: number; accounts: number; credit: number };
}

const DAY = 86400;
/** Days of history kept before the anchor (customers are created up to 8 years back). */
const HISTORY_DAYS = 4400;
const CHUNK = 64 << 10;

const SEGMENTS = ['consumer', 'smb', 'enterprise'] as const;
const CONSUMER = 0;
const SMB = 1;
const ENTERPRISE = 2;

// ---------------------------------------------------------------------------------------------
// Small formatting helpers (no Date objects in the hot loops).

const PAD2: string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** Integer cents → "1234.56" / "-3.50". */
export function money(cents: number): string {
  let c = cents;
  let sign = '';
  if (c < 0) {
    sign = '-';
    c = -c;
  }
  const units = Math.floor(c / 100);
  return `${sign}${units}.${PAD2[c - units * 100]!}`;
}

/** RFC 4180: quote only when needed, double embedded quotes. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

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

interface Clock {
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

function makeClock(anchor: string): Clock {
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

function instant(clock: Clock, sec: number): string {
  const d = Math.floor(sec / DAY);
  return clock.days[d]! + clock.tod[sec - d * DAY]!;
}

/** Output file written in big chunks. */
class Sink {
  private fd: number;
  private buf = '';
  constructor(readonly path: string, header: readonly string[]) {
    this.fd = openSync(path, 'w');
    this.buf = header.join(',') + '\n';
  }
  /** Appends a row; returns true when the buffer should be flushed (await sink.flush()). */
  push(row: string): boolean {
    this.buf += row;
    return this.buf.length >= CHUNK;
  }
  async flush(): Promise<void> {
    if (this.buf) writeSync(this.fd, this.buf);
    this.buf = '';
    // Let the event loop breathe between chunks (timers, IPC, progress).
    await new Promise<void>((r) => setImmediate(r));
  }
  async close(): Promise<void> {
    if (this.buf) writeSync(this.fd, this.buf);
    this.buf = '';
    closeSync(this.fd);
  }
}

/**
 * ASCII output written digit by digit into a reusable buffer: no strings per row. Used for the
 * 5M-row purchases file, where string building dominated.
 */
class ByteSink {
  private fd: number;
  private buf = Buffer.allocUnsafe(1 << 20);
  pos = 0;
  constructor(readonly path: string, header: readonly string[]) {
    this.fd = openSync(path, 'w');
    this.ascii(header.join(',') + '\n');
  }
  /** True when fewer than `n` bytes are free (then await flush()). */
  full(n: number): boolean {
    return this.pos + n > this.buf.length;
  }
  async flush(): Promise<void> {
    writeSync(this.fd, this.buf, 0, this.pos);
    this.pos = 0;
    await new Promise<void>((r) => setImmediate(r));
  }
  close(): void {
    if (this.pos) writeSync(this.fd, this.buf, 0, this.pos);
    this.pos = 0;
    closeSync(this.fd);
  }
  byte(c: number): void {
    this.buf[this.pos++] = c;
  }
  ascii(s: string): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }
  bytes(src: Uint8Array, from: number, len: number): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < len; i++) b[p++] = src[from + i]!;
    this.pos = p;
  }
  /** Non-negative integer below 2^31, left-padded with zeros to `width`. */
  uint(n: number, width = 1): void {
    let digits = 1;
    for (let t = n; t >= 10; t = (t / 10) | 0) digits++;
    if (digits < width) digits = width;
    const b = this.buf;
    let p = this.pos + digits;
    this.pos = p;
    for (let i = 0; i < digits; i++) {
      const q = (n / 10) | 0;
      b[--p] = 48 + n - q * 10;
      n = q;
    }
  }
  /** Integer cents as "123.45" (same text as money()). */
  money(cents: number): void {
    if (cents < 0) {
      this.byte(45);
      cents = -cents;
    }
    const units = Math.floor(cents / 100);
    const c = cents - units * 100;
    this.uint(units);
    this.byte(46);
    this.byte(48 + ((c / 10) | 0));
    this.byte(48 + (c % 10));
  }
  /** "YYYY-MM-DDTHH:MM:SSZ" (same text as instant()). */
  instant(clock: Clock, sec: number): void {
    const d = Math.floor(sec / DAY);
    this.bytes(clock.dayBytes, d * 10, 10);
    let r = sec - d * DAY;
    const h = (r / 3600) | 0;
    r -= h * 3600;
    const m = (r / 60) | 0;
    const s = r - m * 60;
    this.byte(84);
    this.uint(h, 2);
    this.byte(58);
    this.uint(m, 2);
    this.byte(58);
    this.uint(s, 2);
    this.byte(90);
  }
}

// ---------------------------------------------------------------------------------------------
// Customers

const CULTURES: Culture[] = ['IT', 'DE', 'FR', 'ES', 'GB', 'US', 'CHde', 'CHfr', 'CHit', 'AT', 'NL'];
const CULTURE_CUM = cumulative([55, 12, 9, 7, 5, 4, 3 * 0.65, 3 * 0.25, 3 * 0.1, 2.5, 2.5]);
const IT_REGIONS = ['Nord-Ovest', 'Nord-Est', 'Centro', 'Sud', 'Isole'];
const IT_REGION_CUM = cumulative([30, 22, 22, 17, 9]);
const REGION: Record<Country, string> = {
  IT: '', DE: 'DACH', AT: 'DACH', CH: 'DACH', FR: 'France', ES: 'Iberia', GB: 'UK&I', NL: 'Benelux', US: 'North America',
};
const SEGMENT_CUM = cumulative([60, 30, 10]);
/** Share of B2B companies that are several contacts sharing a switchboard (≈5% of B2B customers). */
const GROUP_START = 0.019;

interface PhoneRef {
  block: Block;
  sub: string;
}

interface Group {
  left: number;
  culture: Culture;
  region: string;
  fixedPool: PoolState;
  segment: number;
  company: string;
  domain: string;
  switchboard: PhoneRef;
}

interface CustomerTable {
  ids: string[];
  segment: Uint8Array;
  created: Uint32Array;
  country: Uint8Array;
}

const COUNTRIES: Country[] = ['IT', 'DE', 'FR', 'ES', 'GB', 'US', 'CH', 'AT', 'NL'];
const COUNTRY_INDEX = Object.fromEntries(COUNTRIES.map((c, i) => [c, i])) as Record<Country, number>;

export function customerId(i: number): string {
  return 'C' + String(i + 1).padStart(7, '0');
}

async function writeCustomers(path: string, n: number, seed: number, clock: Clock): Promise<CustomerTable> {
  const rng = new Rng(seed, 'customers');
  const book = new PhoneBook(seed);
  const sink = new Sink(path, FEED_COLUMNS.customers);
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) ids[i] = customerId(i);
  const table: CustomerTable = { ids, segment: new Uint8Array(n), created: new Uint32Array(n), country: new Uint8Array(n) };
  const span = 8 * 365 * DAY;
  const start = clock.anchorSec - span;
  let group: Group | null = null;
  const phones: string[] = [];
  const itFixed = IT_REGIONS.map((r) => book.pool(fixedPoolKey('IT', r)));
  const cultureFixed = new Map<Culture, PoolState>(CULTURES.filter((c) => c !== 'IT').map((c) => [c, book.pool(fixedPoolKey(CULTURE_COUNTRY[c], c.slice(2)))]));
  const mobilePools = new Map(COUNTRIES.map((c) => [c, book.pool(`${c}:mobile`)]));

  const draw = (pool: PoolState): PhoneRef => {
    const [block, sub] = book.draw(pool, rng);
    return { block, sub };
  };
  // All fixed lines of one customer (and of one company) are in the same city.
  let fixedPool: PoolState = itFixed[0]!;
  let city: PoolState | null = null;
  const drawFixed = (): PhoneRef => {
    if (city) return draw(city);
    const ref = draw(fixedPool);
    city = book.blockPool(ref.block);
    return ref;
  };
  const item = (label: string, p: PhoneRef): string => {
    const text = formatPhone(p.block, p.sub, rng);
    return rng.chance(0.12) ? text : `${label}=${text}`;
  };

  for (let i = 0; i < n; i++) {
    let culture: Culture;
    let region: string;
    let segment: number;
    let companyName = '';
    let domain = '';
    let inGroup: Group | null = null;

    city = null;
    if (group && group.left > 0) {
      inGroup = group;
      group.left--;
      ({ culture, region, fixedPool, segment } = group);
      companyName = group.company;
      domain = group.domain;
    } else {
      culture = CULTURES[rng.weighted(CULTURE_CUM)]!;
      const country = CULTURE_COUNTRY[culture];
      if (country === 'IT') {
        const r = rng.weighted(IT_REGION_CUM);
        region = IT_REGIONS[r]!;
        fixedPool = itFixed[r]!;
      } else {
        region = REGION[country];
        fixedPool = cultureFixed.get(culture)!;
      }
      segment = rng.weighted(SEGMENT_CUM);
      if (segment !== CONSUMER) {
        const c = company(culture, rng, segment === ENTERPRISE && rng.chance(0.7));
        companyName = c.name;
        domain = c.domain;
        if (rng.chance(GROUP_START)) {
          const switchboard = draw(fixedPool);
          group = {
            left: rng.range(2, 5) - 1, culture, region, fixedPool, segment, company: companyName, domain, switchboard,
          };
          inGroup = group;
        }
      }
    }
    if (inGroup) city = book.blockPool(inGroup.switchboard.block);
    const country = CULTURE_COUNTRY[culture];
    const p = person(culture, rng);

    let email = '';
    if (segment === CONSUMER) {
      if (rng.chance(0.94)) email = privateEmail(p, country, rng);
    } else if (inGroup || rng.chance(0.85)) email = workEmail(p, domain, rng);
    else if (rng.chance(0.7)) email = privateEmail(p, country, rng);

    // Phones: 1–3 per customer, unique by construction, except the shared switchboard of a group.
    phones.length = 0;
    const mobilePool = mobilePools.get(country)!;
    if (inGroup) {
      const sw = item('switchboard', inGroup.switchboard);
      const own = rng.chance(0.6) ? item('mobile', draw(mobilePool)) : item('office', drawFixed());
      if (rng.chance(0.5)) phones.push(sw, own);
      else phones.push(own, sw);
      if (rng.chance(0.3)) phones.push(item('mobile', draw(mobilePool)));
    } else if (segment === CONSUMER) {
      const x = rng.float();
      const k = x < 0.58 ? 1 : x < 0.92 ? 2 : 3;
      const mobileFirst = rng.chance(0.8);
      phones.push(mobileFirst ? item('mobile', draw(mobilePool)) : item('home', drawFixed()));
      if (k >= 2) phones.push(mobileFirst && rng.chance(0.75) ? item('home', drawFixed()) : item('mobile', draw(mobilePool)));
      if (k >= 3) phones.push(rng.chance(0.5) ? item('office', drawFixed()) : item('mobile', draw(mobilePool)));
    } else {
      const x = rng.float();
      const k = x < 0.3 ? 1 : x < 0.8 ? 2 : 3;
      const officeFirst = rng.chance(0.6);
      phones.push(officeFirst ? item('office', drawFixed()) : item('mobile', draw(mobilePool)));
      if (k >= 2) phones.push(officeFirst ? item('mobile', draw(mobilePool)) : item('office', drawFixed()));
      if (k >= 3) phones.push(rng.chance(0.6) ? item('switchboard', drawFixed()) : item('home', drawFixed()));
    }

    // Creation time grows with the id; more customers were acquired recently.
    const pos = (i + rng.float()) / Math.max(1, n);
    let created = start + Math.floor(span * (0.3 * pos + 0.7 * Math.sqrt(pos)));
    if (created > clock.anchorSec - 3600) created = clock.anchorSec - 3600 - rng.int(3600);
    table.segment[i] = segment;
    table.created[i] = created;
    table.country[i] = COUNTRY_INDEX[country];

    const row = `${table.ids[i]!},${csvField(p.name)},${csvField(companyName)},${email},${SEGMENTS[segment]},${region},${country},${phones.join(';')},${instant(clock, created)}\n`;
    if (sink.push(row)) await sink.flush();
  }
  await sink.close();
  return table;
}

// ---------------------------------------------------------------------------------------------
// Products

async function writeProducts(path: string): Promise<number> {
  const sink = new Sink(path, FEED_COLUMNS.products);
  for (const p of PRODUCTS) {
    sink.push(`${p.sku},${csvField(p.name)},${csvField(p.category)},${csvField(p.family)},${p.tier},${money(p.priceCents)},EUR,${p.margin.toFixed(2)}\n`);
  }
  await sink.close();
  return PRODUCTS.length;
}

// ---------------------------------------------------------------------------------------------
// Purchases

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

interface PurchaseTable {
  count: Uint32Array;
  spend90: Float64Array;
  spend365: Float64Array;
  spendAll: Float64Array;
  first: Uint32Array;
  last: Uint32Array;
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

async function writePurchases(
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

// ---------------------------------------------------------------------------------------------
// Accounts

interface AccountTable {
  has: Uint8Array;
  balance: Float64Array;
  overdue: Float64Array;
  overdueDays: Uint16Array;
}

/** A business-hours instant `daysAgo` days before the anchor. */
function businessInstant(rng: Rng, clock: Clock, daysAgo: number): number {
  return (clock.anchorDay - daysAgo) * DAY + rng.range(8, 17) * 3600 + rng.int(3600);
}

/** [min, max] days before the anchor the oldest open invoice may have fallen due, or null. */
function overdueWindow(pur: PurchaseTable, i: number, clock: Clock): [number, number] | null {
  if (pur.count[i] === 0) return null;
  const sinceLast = Math.floor((clock.anchorSec - pur.last[i]!) / DAY);
  const sinceFirst = Math.floor((clock.anchorSec - pur.first[i]!) / DAY);
  const lo = Math.max(10, sinceLast - 90);
  const hi = Math.min(200, sinceFirst - 30);
  return lo <= hi ? [lo, hi] : null;
}

async function writeAccounts(path: string, cust: CustomerTable, pur: PurchaseTable, seed: number, clock: Clock): Promise<AccountTable & { rows: number }> {
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

// ---------------------------------------------------------------------------------------------
// Credit

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

async function writeCredit(path: string, cust: CustomerTable, pur: PurchaseTable, acc: AccountTable, seed: number, clock: Clock): Promise<number> {
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

// ---------------------------------------------------------------------------------------------

export async function generateFeeds(opts: SeedOptions): Promise<SeedResult> {
  const customers = opts.customers;
  const purchases = opts.purchases ?? 5 * customers;
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(customers) || customers < 0) throw new Error(`customers must be a whole number ≥ 0, got ${customers}`);
  if (customers > 9_999_999) throw new Error('customers must be at most 9,999,999 (C0000001 ids)');
  if (!Number.isInteger(purchases) || purchases < 0) throw new Error(`purchases must be a whole number ≥ 0, got ${purchases}`);
  if (purchases > 999_999_999) throw new Error('purchases must be at most 999,999,999 (O000000001 ids)');
  if (!Number.isFinite(seed)) throw new Error(`seed must be a number, got ${seed}`);
  const clock = makeClock(opts.anchor ?? '2026-11-01');

  const outDir = resolve(opts.outDir);
  mkdirSync(outDir, { recursive: true });
  const files = {
    customers: join(outDir, 'customers.csv'),
    products: join(outDir, 'products.csv'),
    purchases: join(outDir, 'purchases.csv'),
    accounts: join(outDir, 'accounts.csv'),
    credit: join(outDir, 'credit.csv'),
  };
  const log = opts.log ?? ((): void => undefined);
  let t = performance.now();
  const lap = (what: string, rows: number): void => {
    const now = performance.now();
    log(`${what}: ${rows} rows in ${((now - t) / 1000).toFixed(1)} s`);
    t = now;
  };
  const products = await writeProducts(files.products);
  lap('products', products);
  const cust = await writeCustomers(files.customers, customers, seed, clock);
  lap('customers', customers);
  const pur = await writePurchases(files.purchases, cust, purchases, seed, clock, log);
  lap('purchases', purchases);
  const acc = await writeAccounts(files.accounts, cust, pur, seed, clock);
  lap('accounts', acc.rows);
  const credit = await writeCredit(files.credit, cust, pur, acc, seed, clock);
  lap('credit', credit);
  return { files, counts: { customers, products, purchases, accounts: acc.rows, credit } };
}
