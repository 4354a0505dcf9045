import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFeed, type FeedProblem } from '../../src-shared/feeds/node/csv';
import { FEED_KINDS, type FeedKind, type FeedRows } from '../../src-shared/feeds/spec';
import { toE164 } from '../../src-shared/phone/normalize';
import { generateFeeds, csvField, money, type SeedResult } from './generate';
import { POOLS, allFormats, type Block } from './phones';
import { FAMILIES, PRODUCTS } from './catalog';
import { NAME_LISTS } from './names';
import { Permutation, Rng } from './rng';

const ANCHOR = '2026-11-01';
const ANCHOR_MS = Date.parse(`${ANCHOR}T00:00:00Z`);
const DAY_MS = 86_400_000;
const N = 3000;

let root: string;
let main: SeedResult;
const rows = {} as { [K in FeedKind]: FeedRows[K][] };
const problems: Record<string, FeedProblem[]> = {};

async function readAll(kind: FeedKind, file: string): Promise<void> {
  const out: unknown[] = [];
  problems[kind] = [];
  await readFeed(kind, file, {
    onBatch: (b) => {
      for (const r of b) out.push(r.row);
    },
    onProblem: (p) => problems[kind]!.push(p),
  });
  (rows as Record<string, unknown[]>)[kind] = out;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pronto-seed-'));
  main = await generateFeeds({ outDir: join(root, 'main'), customers: N, seed: 1, anchor: ANCHOR });
  for (const kind of FEED_KINDS) await readAll(kind, main.files[kind]);
}, 60_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const read = (f: string): Buffer => readFileSync(f);

describe('generateFeeds: files', () => {
  it('is deterministic: same options give the same bytes, another seed other data', async () => {
    const again = await generateFeeds({ outDir: join(root, 'again'), customers: N, seed: 1, anchor: ANCHOR });
    const other = await generateFeeds({ outDir: join(root, 'other'), customers: N, seed: 2, anchor: ANCHOR });
    for (const kind of FEED_KINDS) {
      expect(read(again.files[kind]).equals(read(main.files[kind])), kind).toBe(true);
      if (kind !== 'products') expect(read(other.files[kind]).equals(read(main.files[kind])), kind).toBe(false);
    }
    expect(again.counts).toEqual(main.counts);
  }, 30_000);

  it('writes rows that the feed readers accept without a single problem', () => {
    for (const kind of FEED_KINDS) expect(problems[kind], kind).toEqual([]);
  });

  it('counts equal the options and the rows in the files', () => {
    expect(main.counts.customers).toBe(N);
    expect(main.counts.purchases).toBe(5 * N);
    for (const kind of FEED_KINDS) expect(rows[kind].length, kind).toBe(main.counts[kind]);
    expect(main.counts.accounts / N).toBeGreaterThan(0.94);
    expect(main.counts.accounts / N).toBeLessThan(0.995);
    expect(main.counts.credit / N).toBeGreaterThan(0.88);
    expect(main.counts.credit / N).toBeLessThan(0.96);
  });

  it('honours an explicit purchase total, seed and anchor', async () => {
    const r = await generateFeeds({ outDir: join(root, 'small'), customers: 200, purchases: 1234, seed: 9, anchor: '2025-01-15' });
    expect(r.counts.customers).toBe(200);
    expect(r.counts.purchases).toBe(1234);
    const lines = readFileSync(r.files.purchases, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1235);
    const last = lines[lines.length - 1]!.split(',');
    expect(last[0]).toBe('O000001234');
    expect(last[6]! < '2025-01-15').toBe(true);
    await expect(generateFeeds({ outDir: join(root, 'bad'), customers: 1, anchor: '2026-02-30' })).rejects.toThrow(/anchor/);
    await expect(generateFeeds({ outDir: join(root, 'bad'), customers: -1 })).rejects.toThrow(/customers/);
  });

  it('quotes per RFC 4180 and formats money', () => {
    expect(csvField('Rossi Impianti S.r.l.')).toBe('Rossi Impianti S.r.l.');
    expect(csvField('Bianchi, Verdi & C. S.n.c.')).toBe('"Bianchi, Verdi & C. S.n.c."');
    expect(csvField('Monitor 24" FHD')).toBe('"Monitor 24"" FHD"');
    expect(money(129900)).toBe('1299.00');
    expect(money(5)).toBe('0.05');
    expect(money(-28190)).toBe('-281.90');
    // Companies with a comma survive the round trip through the reader.
    const withComma = rows.customers.filter((c) => c.company.includes(','));
    expect(withComma.length).toBeGreaterThan(5);
    expect(rows.products.find((p) => p.sku === 'MON-100')?.name).toBe('Monitor 24" FHD');
    expect(readFileSync(main.files.customers, 'utf8')).not.toContain('\r');
  });
});

describe('generateFeeds: customers', () => {
  it('mixes countries with sales regions and national names', () => {
    const by = new Map<string, number>();
    for (const c of rows.customers) by.set(c.country, (by.get(c.country) ?? 0) + 1);
    expect(new Set(by.keys())).toEqual(new Set(['IT', 'DE', 'FR', 'ES', 'GB', 'US', 'CH', 'AT', 'NL']));
    expect(by.get('IT')! / N).toBeGreaterThan(0.5);
    expect(by.get('IT')! / N).toBeLessThan(0.6);
    const region: Record<string, string[]> = {
      IT: ['Nord-Ovest', 'Nord-Est', 'Centro', 'Sud', 'Isole'], DE: ['DACH'], AT: ['DACH'], CH: ['DACH'],
      FR: ['France'], ES: ['Iberia'], GB: ['UK&I'], NL: ['Benelux'], US: ['North America'],
    };
    for (const c of rows.customers) expect(region[c.country], c.customerId).toContain(c.region);
    expect(new Set(rows.customers.filter((c) => c.country === 'IT').map((c) => c.region)).size).toBe(5);
    const names = rows.customers.map((c) => c.name).join('\n');
    expect(names).toMatch(/[àèéìòùäöüßçñ]/);
    for (const list of [NAME_LISTS.FIRST, NAME_LISTS.LAST]) {
      for (const [culture, names] of Object.entries(list)) {
        if (!culture.startsWith('CH')) expect(names.length, culture).toBeGreaterThanOrEqual(40);
      }
    }
  });

  it('has ~40% B2B with companies, e-mails in ASCII, ids in order', () => {
    const b2b = rows.customers.filter((c) => c.segment !== 'consumer');
    expect(b2b.length / N).toBeGreaterThan(0.35);
    expect(b2b.length / N).toBeLessThan(0.45);
    expect(b2b.every((c) => c.company !== '')).toBe(true);
    expect(rows.customers.filter((c) => c.segment === 'consumer').every((c) => c.company === '')).toBe(true);
    expect(new Set(rows.customers.map((c) => c.segment))).toEqual(new Set(['consumer', 'smb', 'enterprise']));
    const emails = rows.customers.map((c) => c.email).filter((e) => e !== '');
    expect(emails.length / N).toBeGreaterThan(0.9);
    for (const e of emails) expect(e).toMatch(/^[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]+$/);
    expect(rows.customers.map((c) => c.customerId)).toEqual(Array.from({ length: N }, (_, i) => `C${String(i + 1).padStart(7, '0')}`));
    for (const c of rows.customers) {
      expect(Date.parse(c.createdAt!)).toBeLessThan(ANCHOR_MS);
      expect(Date.parse(c.createdAt!)).toBeGreaterThan(ANCHOR_MS - 9 * 365 * DAY_MS);
    }
  });

  it('gives 1–3 phones, unique except switchboards shared inside one company', () => {
    const owners = new Map<string, FeedRows['customers'][]>();
    for (const c of rows.customers) {
      expect(c.phones.length, c.customerId).toBeGreaterThanOrEqual(1);
      expect(c.phones.length, c.customerId).toBeLessThanOrEqual(3);
      for (const p of c.phones) {
        const l = owners.get(p.e164) ?? [];
        l.push(c);
        owners.set(p.e164, l);
      }
    }
    const shared = [...owners].filter(([, l]) => l.length > 1);
    expect(shared.length).toBeGreaterThan(5);
    for (const [e164, l] of shared) {
      expect(l.length, e164).toBeLessThanOrEqual(5);
      const companies = new Set(l.map((c) => c.company));
      expect(companies.size, e164).toBe(1);
      expect([...companies][0], e164).not.toBe('');
      // Written in different habits by different contacts, still one number.
      for (const c of l) {
        const p = c.phones.find((x) => x.e164 === e164)!;
        expect(['switchboard', 'phone']).toContain(p.label);
      }
    }
    const inShared = shared.reduce((s, [, l]) => s + l.length, 0);
    const b2b = rows.customers.filter((c) => c.segment !== 'consumer').length;
    expect(inShared / b2b).toBeGreaterThan(0.02);
    expect(inShared / b2b).toBeLessThan(0.1);
    // Mixed writing habits: international, 00-prefixed, punctuated and plain.
    const raws = rows.customers.flatMap((c) => c.phones.map((p) => p.raw));
    expect(raws.some((r) => r.startsWith('+'))).toBe(true);
    expect(raws.some((r) => r.startsWith('00'))).toBe(true);
    expect(raws.some((r) => /^\d+$/.test(r))).toBe(true);
    expect(raws.some((r) => r.includes('(0)'))).toBe(true);
    expect(raws.some((r) => /^\(\d{3}\) \d{3}-\d{4}$/.test(r))).toBe(true);
  });
});

describe('phone blocks', () => {
  const blocks = [...new Set(Object.values(POOLS).flat())];

  it('every block and writing habit is a valid number for its country (sampled)', () => {
    const rng = new Rng(3, 'test-phones');
    for (const b of blocks) {
      for (let k = 0; k < 6; k++) {
        const sub = rng.pick(b.leads) + String(rng.int(10 ** b.rest)).padStart(b.rest, '0');
        const formats = allFormats(b, sub);
        const e164 = new Set(formats.map((f) => toE164(f, b.country)));
        expect([...e164], `${b.country} ${b.prefix} ${sub} ${formats.join(' | ')}`).toHaveLength(1);
        expect([...e164][0], `${b.country} ${b.prefix} ${sub}`).not.toBeNull();
      }
    }
  });

  it('blocks of a country never overlap, so counters give unique numbers', () => {
    const starts = (b: Block): string[] => b.leads.map((l) => b.prefix.replace(/^0/, '') + l);
    const len = (b: Block): number => b.prefix.replace(/^0/, '').length + b.leads[0]!.length + b.rest;
    const clashes: string[] = [];
    for (const a of blocks) {
      for (const b of blocks) {
        if (a === b || a.country !== b.country || len(a) !== len(b)) continue;
        const pa = a.prefix.replace(/^0/, '');
        const pb = b.prefix.replace(/^0/, '');
        if (!pa.startsWith(pb) && !pb.startsWith(pa)) continue; // disjoint already at the prefix
        const sb = starts(b);
        for (const x of starts(a)) if (sb.some((y) => x.startsWith(y))) clashes.push(`${a.country} ${x}`);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('the keyed permutation is a bijection', () => {
    for (const n of [1, 7, 1000, 4096, 9999]) {
      const p = new Permutation(n, 12345);
      const seen = new Set<number>();
      for (let i = 0; i < n; i++) seen.add(p.apply(i));
      expect(seen.size).toBe(n);
      expect(Math.max(...seen)).toBe(n - 1);
    }
  });
});

describe('generateFeeds: products and purchases', () => {
  it('has 45–60 products in 15–20 families with tiers 1..3', () => {
    expect(rows.products.length).toBeGreaterThanOrEqual(45);
    expect(rows.products.length).toBeLessThanOrEqual(60);
    const fams = new Map<string, number[]>();
    for (const p of rows.products) fams.set(p.family, [...(fams.get(p.family) ?? []), p.tier]);
    expect(fams.size).toBeGreaterThanOrEqual(15);
    expect(fams.size).toBeLessThanOrEqual(20);
    for (const [f, tiers] of fams) expect(tiers.sort(), f).toEqual([1, 2, 3]);
    for (const p of rows.products) {
      expect(p.currency).toBe('EUR');
      expect(p.margin).toBeGreaterThan(0);
      expect(p.margin).toBeLessThan(1);
    }
    // Prices climb the tier ladder.
    for (const f of FAMILIES) expect(f.tiers[0]![1] < f.tiers[1]![1] && f.tiers[1]![1] < f.tiers[2]![1], f.family).toBe(true);
    for (const p of PRODUCTS) {
      expect(p.companions.length).toBeGreaterThanOrEqual(2);
      expect(p.companions.length).toBeLessThanOrEqual(3);
      expect(p.companions).not.toContain(p.index);
    }
  });

  it('references existing customers and SKUs with coherent amounts and dates', () => {
    const customers = new Map(rows.customers.map((c) => [c.customerId, c]));
    const price = new Map(rows.products.map((p) => [p.sku, p.priceMinor]));
    const ids = new Set<string>();
    let prev = '';
    let discounted = 0;
    const bad: string[] = [];
    const fail = (p: FeedRows['purchases'], why: string): void => void bad.push(`${p.orderId}: ${why}`);
    for (const p of rows.purchases) {
      const c = customers.get(p.customerId);
      if (!c) fail(p, `unknown customer ${p.customerId}`);
      if (!price.has(p.sku)) fail(p, `unknown sku ${p.sku}`);
      ids.add(p.orderId);
      const list = (price.get(p.sku) ?? 0) * p.quantity;
      if (p.amountMinor > list || p.amountMinor < Math.floor(list * 0.85)) fail(p, `amount ${p.amountMinor} vs list ${list}`);
      if (p.amountMinor < list) discounted++;
      if (p.currency !== 'EUR') fail(p, p.currency);
      const t = Date.parse(p.purchasedAt);
      if (t >= ANCHOR_MS || t < ANCHOR_MS - 5 * 366 * DAY_MS) fail(p, `date ${p.purchasedAt}`);
      if (c && p.purchasedAt < c.createdAt!) fail(p, `bought before the customer was created (${c.createdAt})`);
      if (p.purchasedAt < prev) fail(p, 'file not in calendar order');
      prev = p.purchasedAt;
    }
    expect(bad).toEqual([]);
    expect(ids.size).toBe(rows.purchases.length);
    expect(discounted).toBeGreaterThan(0);
    // Skewed to recent years.
    const lastYear = rows.purchases.filter((p) => Date.parse(p.purchasedAt) > ANCHOR_MS - 365 * DAY_MS).length;
    const firstYear = rows.purchases.filter((p) => Date.parse(p.purchasedAt) < ANCHOR_MS - 4 * 365 * DAY_MS).length;
    expect(lastYear).toBeGreaterThan(3 * firstYear);
  });

  it('spreads purchases over customers: some none, most 1–8, a few heavy buyers', () => {
    const per = new Map<string, number>();
    for (const p of rows.purchases) per.set(p.customerId, (per.get(p.customerId) ?? 0) + 1);
    const counts = rows.customers.map((c) => per.get(c.customerId) ?? 0);
    const share = (f: (n: number) => boolean): number => counts.filter(f).length / N;
    expect(share((n) => n === 0)).toBeGreaterThan(0.03);
    expect(share((n) => n >= 1 && n <= 8)).toBeGreaterThan(0.6);
    expect(share((n) => n >= 30)).toBeGreaterThan(0.003);
    expect(Math.max(...counts)).toBeLessThanOrEqual(200);
  });

  it('has a co-purchase structure that beats popularity', () => {
    const hist = new Map<string, string[]>(); // purchases are in time order
    for (const p of rows.purchases) hist.set(p.customerId, [...(hist.get(p.customerId) ?? []), p.sku]);
    const owners = new Map<string, Set<string>>();
    for (const [c, skus] of hist) for (const s of skus) (owners.get(s) ?? owners.set(s, new Set()).get(s)!).add(c);
    const buyers = hist.size;

    // Lift of the designated companion pair with most co-owners.
    let best = { n: 0, lift: 0, pair: '' };
    for (const p of PRODUCTS) {
      for (const ci of p.companions) {
        const b = PRODUCTS[ci]!;
        const a = owners.get(p.sku) ?? new Set<string>();
        const bo = owners.get(b.sku) ?? new Set<string>();
        let both = 0;
        for (const c of a) if (bo.has(c)) both++;
        if (both > best.n) best = { n: both, lift: both / a.size / (bo.size / buyers), pair: `${p.sku}→${b.sku}` };
      }
    }
    expect(best.lift, best.pair).toBeGreaterThan(2);

    // Hit-rate@3 on each customer's last purchase: item-to-item co-occurrence vs. most popular.
    const co = new Map<string, Map<string, number>>();
    const pop = new Map<string, number>();
    const train = [...hist.values()].map((h) => (h.length >= 2 ? h.slice(0, -1) : h));
    for (const h of train) {
      const set = [...new Set(h)];
      for (const a of set) {
        pop.set(a, (pop.get(a) ?? 0) + 1);
        const m = co.get(a) ?? co.set(a, new Map()).get(a)!;
        for (const b of set) if (a !== b) m.set(b, (m.get(b) ?? 0) + 1);
      }
    }
    const top3 = [...pop].sort((x, y) => y[1] - x[1]).slice(0, 3).map((x) => x[0]);
    let hitCo = 0;
    let hitPop = 0;
    let cases = 0;
    for (const h of hist.values()) {
      if (h.length < 2) continue;
      cases++;
      const target = h[h.length - 1]!;
      const score = new Map<string, number>();
      for (const a of new Set(h.slice(0, -1))) {
        score.set(a, (score.get(a) ?? 0) + 0.5);
        for (const [b, v] of co.get(a) ?? []) score.set(b, (score.get(b) ?? 0) + v / pop.get(a)!);
      }
      const rec = [...score].sort((x, y) => y[1] - x[1]).slice(0, 3).map((x) => x[0]);
      if (rec.includes(target)) hitCo++;
      if (top3.includes(target)) hitPop++;
    }
    expect(cases).toBeGreaterThan(1000);
    expect(hitCo / cases).toBeGreaterThan(2 * (hitPop / cases));
  });
});

describe('generateFeeds: accounts and credit', () => {
  it('has balances, ~12% overdue within 10–200 days, overdue never above balance', () => {
    const a = rows.accounts;
    const overdue = a.filter((r) => r.overdueMinor > 0);
    expect(overdue.length / a.length).toBeGreaterThan(0.08);
    expect(overdue.length / a.length).toBeLessThan(0.16);
    for (const r of a) {
      if (r.overdueMinor > 0) {
        expect(r.overdueMinor, r.customerId).toBeLessThanOrEqual(r.balanceMinor);
        const days = (ANCHOR_MS - Date.parse(r.oldestDueDate!)) / DAY_MS;
        expect(days, r.customerId).toBeGreaterThanOrEqual(10);
        expect(days, r.customerId).toBeLessThanOrEqual(200);
      } else expect(r.oldestDueDate).toBeNull();
      expect((r.lastPaymentAt === null) === (r.lastPaymentMinor === null), r.customerId).toBe(true);
      if (r.lastPaymentAt) expect(Date.parse(r.lastPaymentAt)).toBeLessThan(ANCHOR_MS);
    }
    expect(a.filter((r) => r.balanceMinor > 0).length / a.length).toBeGreaterThan(0.5);
    expect(a.some((r) => r.balanceMinor === 0)).toBe(true);
    expect(a.some((r) => r.balanceMinor < 0)).toBe(true);
    expect(a.some((r) => r.lastPaymentAt === null)).toBe(true);
  });

  it('has credit statuses in the expected mix, worse for overdue accounts', () => {
    const k = rows.credit;
    const share = (s: string): number => k.filter((r) => r.status === s).length / k.length;
    expect(share('ok')).toBeGreaterThan(0.78);
    expect(share('ok')).toBeLessThan(0.9);
    expect(share('watch')).toBeGreaterThan(0.05);
    expect(share('hold')).toBeGreaterThan(0.02);
    expect(share('blocked')).toBeGreaterThan(0.005);
    const acc = new Map(rows.accounts.map((r) => [r.customerId, r]));
    const bad = (rs: typeof k): number => rs.filter((r) => r.status === 'hold' || r.status === 'blocked').length / rs.length;
    const withOverdue = k.filter((r) => (acc.get(r.customerId)?.overdueMinor ?? 0) > 0);
    const clean = k.filter((r) => (acc.get(r.customerId)?.overdueMinor ?? 0) === 0);
    expect(bad(withOverdue)).toBeGreaterThan(3 * bad(clean));
    const negativeAvailable = k.filter((r) => {
      const a = acc.get(r.customerId);
      return a !== undefined && r.creditLimitMinor - a.balanceMinor < 0;
    });
    expect(negativeAvailable.length).toBeGreaterThan(0);
    expect(new Set(k.map((r) => r.riskClass))).toEqual(new Set(['A', 'B', 'C', 'D', 'E']));
    const terms = new Set(k.map((r) => r.paymentTerms));
    for (const t of ['30 days', '60 days EOM', 'Prepaid']) expect(terms).toContain(t);
    for (const r of k) expect(Date.parse(r.reviewedAt!)).toBeLessThan(ANCHOR_MS);
  });
});
