// Expected values, read straight from the feed files the store was built from (never via the
// app's own lookup), so the UI is checked against the source data.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { readFeed } from '../../src-shared/feeds/node/csv';
import { feedKindFromName, type AccountRow, type CreditRow, type CustomerRow, type FeedKind, type PurchaseRow } from '../../src-shared/feeds/spec';
import { toMajor } from '../../src-shared/money';

export interface Feeds {
  customers: Map<string, CustomerRow>;
  /** E.164 → ids of the customers listing that number. */
  byPhone: Map<string, Set<string>>;
  accounts: Map<string, AccountRow>;
  credit: Map<string, CreditRow>;
  purchases: Map<string, PurchaseRow[]>;
  /** Customers from the generator (not the fixture rows). */
  seeded: Set<string>;
}

async function readInto(feeds: Feeds, file: string, seeded: boolean): Promise<void> {
  const kind = feedKindFromName(file) as FeedKind | null;
  if (!kind) return;
  const problems: string[] = [];
  const onProblem = (p: { line: number; column: string; reason: string }) => problems.push(`${file}:${p.line}: ${p.column}: ${p.reason}`);
  switch (kind) {
    case 'customers':
      await readFeed('customers', file, {
        onProblem,
        onBatch: (b) => {
          for (const { row } of b) {
            const old = feeds.customers.get(row.customerId);
            if (old) for (const p of old.phones) feeds.byPhone.get(p.e164)?.delete(row.customerId);
            feeds.customers.set(row.customerId, row);
            if (seeded) feeds.seeded.add(row.customerId);
            for (const p of row.phones) {
              let s = feeds.byPhone.get(p.e164);
              if (!s) feeds.byPhone.set(p.e164, (s = new Set()));
              s.add(row.customerId);
            }
          }
        },
      });
      break;
    case 'accounts':
      await readFeed('accounts', file, { onProblem, onBatch: (b) => b.forEach(({ row }) => feeds.accounts.set(row.customerId, row)) });
      break;
    case 'credit':
      await readFeed('credit', file, { onProblem, onBatch: (b) => b.forEach(({ row }) => feeds.credit.set(row.customerId, row)) });
      break;
    case 'purchases': {
      const byKey = new Map<string, PurchaseRow>();
      for (const list of feeds.purchases.values()) for (const p of list) byKey.set(`${p.orderId}|${p.sku}`, p);
      await readFeed('purchases', file, { onProblem, onBatch: (b) => b.forEach(({ row }) => byKey.set(`${row.orderId}|${row.sku}`, row)) });
      feeds.purchases.clear();
      for (const p of byKey.values()) {
        let l = feeds.purchases.get(p.customerId);
        if (!l) feeds.purchases.set(p.customerId, (l = []));
        l.push(p);
      }
      break;
    }
    case 'products':
      break;
  }
  if (problems.length) throw new Error(`feed problems in the e2e data:\n${problems.slice(0, 10).join('\n')}`);
}

export async function loadFeeds(seededDir: string, fixtureDir?: string): Promise<Feeds> {
  const feeds: Feeds = {
    customers: new Map(),
    byPhone: new Map(),
    accounts: new Map(),
    credit: new Map(),
    purchases: new Map(),
    seeded: new Set(),
  };
  const order: FeedKind[] = ['products', 'customers', 'purchases', 'accounts', 'credit'];
  const list = (dir: string) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.csv'))
      .sort((a, b) => order.indexOf(feedKindFromName(a)!) - order.indexOf(feedKindFromName(b)!))
      .map((f) => join(dir, f));
  for (const f of list(seededDir)) await readInto(feeds, f, true);
  if (fixtureDir) for (const f of list(fixtureDir)) await readInto(feeds, f, false);
  return feeds;
}

export const major = (minor: number, currency: string): number => toMajor(minor, currency);

/** "+390287654321" → "02 8765 4321" (how a person in that country writes it). */
export function nationalFormat(e164: string): string {
  const p = parsePhoneNumberFromString(e164);
  if (!p) throw new Error(`not a phone number: ${e164}`);
  return p.formatNational();
}

export function regionOf(e164: string): string | undefined {
  return parsePhoneNumberFromString(e164)?.country;
}

export function isValidNumber(e164: string): boolean {
  return parsePhoneNumberFromString(e164)?.isValid() ?? false;
}

/** Phones of a customer that nobody else has. */
export function uniquePhones(feeds: Feeds, customerId: string): string[] {
  const c = feeds.customers.get(customerId);
  return (c?.phones ?? []).map((p) => p.e164).filter((e) => feeds.byPhone.get(e)?.size === 1);
}

export interface SinglePick {
  customer: CustomerRow;
  phone: string;
  account: AccountRow;
  credit: CreditRow;
  purchases: PurchaseRow[];
}

/**
 * A seeded customer in the store's region, reachable by a number of their own, with account,
 * credit and purchases; `filter` narrows it (e.g. credit status). Prefers many purchases so the
 * virtualised table really virtualises.
 */
export function pickSingle(feeds: Feeds, region: string, filter: (p: SinglePick) => boolean = () => true): SinglePick | null {
  let best: SinglePick | null = null;
  for (const id of feeds.seeded) {
    const customer = feeds.customers.get(id)!;
    const account = feeds.accounts.get(id);
    const credit = feeds.credit.get(id);
    const purchases = feeds.purchases.get(id) ?? [];
    if (!account || !credit || purchases.length === 0) continue;
    if (customer.country !== region) continue;
    const phone = uniquePhones(feeds, id).find((e) => regionOf(e) === region);
    if (!phone) continue;
    const pick = { customer, phone, account, credit, purchases };
    if (!filter(pick)) continue;
    if (!best || purchases.length > best.purchases.length) best = pick;
  }
  return best;
}

/** A number several customers share (a switchboard), seeded if possible. */
export function pickShared(feeds: Feeds): { phone: string; ids: string[] } {
  let fallback: { phone: string; ids: string[] } | null = null;
  for (const [phone, ids] of feeds.byPhone) {
    if (ids.size < 2) continue;
    const entry = { phone, ids: [...ids] };
    if (entry.ids.every((id) => feeds.seeded.has(id))) return entry;
    fallback ??= entry;
  }
  if (!fallback) throw new Error('no shared number in the e2e data');
  return fallback;
}

/** A valid number of the region that no customer has. */
export function unknownNumber(feeds: Feeds, region: string): string {
  const bases: Record<string, string> = { IT: '+390612340000', DE: '+493012340000', FR: '+33145670000', US: '+12025550100', GB: '+442079460000' };
  const base = bases[region] ?? '+390612340000';
  for (let i = 0; i < 1000; i++) {
    const candidate = base.slice(0, -3) + String(i).padStart(3, '0');
    if (isValidNumber(candidate) && !feeds.byPhone.has(candidate)) return candidate;
  }
  throw new Error('no unknown number found');
}

export function newestFirst(purchases: readonly PurchaseRow[]): PurchaseRow[] {
  return [...purchases].sort((a, b) => (a.purchasedAt < b.purchasedAt ? 1 : a.purchasedAt > b.purchasedAt ? -1 : 0));
}
