// Caller lookup: raw identity → match kind → (for one customer) the pop, assembled in one call
// from the local store. Nothing here touches the network: the pop never waits on the hub.
import type { Sqlite } from '../db/store';
import { preparePopQueries, POP_PURCHASES, type PopQueries, type PurchaseRow } from '../db/queries/pop';
import { parseIdentity, identityUser } from '../../src-shared/phone/identity';
import type { Region } from '../../src-shared/phone/normalize';
import { toMajor } from '../../src-shared/money';
import type { Candidate, LookupResult, Pop, Purchase } from '../../src-shared/pop/schema';
import type { Offer } from '../../src-shared/offers/schema';

const E164 = /^\+[1-9]\d{6,14}$/;
const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/** Fills a pop's offers (next-best-offer); absent, pops carry none. */
export type OfferHook = (pop: Pop) => Offer[];

export class LookupService {
  private q: PopQueries;
  /** One read snapshot per lookup: a pop never mixes rows from before and after an import or sync commit. */
  private readonly lookupTx: (identity: string, region: Region) => LookupResult;
  private readonly popTx: (customerId: string) => Pop | null;
  private names = new Map<string, string>();
  private namesVersion: string | undefined;

  constructor(sqlite: Sqlite, private defaultRegion: Region, private now: () => number = Date.now, private offers?: OfferHook) {
    this.q = preparePopQueries(sqlite);
    this.lookupTx = sqlite.transaction((identity: string, region: Region) => this.lookupNow(identity, region));
    this.popTx = sqlite.transaction((customerId: string) => this.popNow(customerId));
  }

  get region(): Region {
    return this.defaultRegion;
  }

  lookup(identity: string, region: Region = this.defaultRegion): LookupResult {
    return this.lookupTx(identity, region);
  }

  /** The pop of one customer, or null if unknown. */
  pop(customerId: string): Pop | null {
    return this.popTx(customerId);
  }

  private lookupNow(identity: string, region: Region): LookupResult {
    const query = identity;
    // Fast path: a trunk usually hands over canonical E.164. A number already in the store was
    // validated at import, so it needs no numbering-plan parse (which costs 3x the whole query).
    const user = identityUser(identity).replace(/[\s\-.()]/g, '');
    let normalized: string | null = null;
    let ids: string[] | null = null;
    if (E164.test(user)) {
      ids = this.q.customerIdsByPhone.all(user);
      if (ids.length) normalized = user;
    }
    if (!normalized) {
      const parsed = parseIdentity(identity, region);
      if (parsed.kind !== 'number') return { query, normalized: null, match: parsed.kind, candidates: [], pop: null };
      normalized = parsed.e164;
      ids = this.q.customerIdsByPhone.all(normalized);
    }
    if (!ids || ids.length === 0) return { query, normalized, match: 'none', candidates: [], pop: null };
    if (ids.length === 1) {
      const pop = this.popNow(ids[0]!);
      if (pop) {
        const c = pop.customer;
        const candidates: Candidate[] = [{ customerId: c.customerId, name: c.name, company: c.company, country: c.country, lastPurchaseAt: pop.totals.lastPurchaseAt }];
        return { query, normalized, match: 'single', candidates, pop };
      }
    }
    const byPhone = this.historyReady() ? this.q.candidatesByPhone : this.q.candidatesByPhoneNoHistory;
    const candidates = byPhone.all(normalized).map(
      ([customerId, name, company, country, lastPurchaseAt]) => ({ customerId, name, company, country, lastPurchaseAt }),
    );
    return { query, normalized, match: 'multiple', candidates, pop: null };
  }

  private popNow(customerId: string): Pop | null {
    const r = this.q.customer.get(customerId);
    if (!r) return null;
    const [cid, name, company, email, segment, region, country] = r;
    const acc = this.q.account.get(cid);
    const cr = this.q.credit.get(cid);
    const phones = this.q.phones.all(cid).map(([e164, label]) => ({ e164, label }));
    const account = !acc ? null : {
      balance: toMajor(acc[0], acc[1]),
      currency: acc[1],
      overdueAmount: toMajor(acc[2], acc[1]),
      oldestDueDate: acc[3],
      lastPaymentAt: acc[4],
      lastPaymentAmount: acc[5] === null ? null : toMajor(acc[5], acc[1]),
    };
    // available = limit − balance, in the credit currency; a balance in another currency is not
    // converted here (no rates on the desktop), so it only counts when currencies agree.
    const credit = !cr ? null : {
      creditLimit: toMajor(cr[0], cr[1]),
      currency: cr[1],
      available: toMajor(cr[0] - (acc && acc[1] === cr[1] ? acc[0] : 0), cr[1]),
      paymentTerms: cr[2],
      status: cr[3],
      riskClass: cr[4],
      reviewedAt: cr[5],
    };
    // Without its index (an initial sync builds it at the end) reading a customer's purchases
    // means scanning them all: the pop stays instant and says the history is still coming. The
    // same while a hub snapshot is being copied in (its purchases are copied last).
    const historyPending = !this.historyReady();
    const rows: PurchaseRow[] = historyPending ? [] : this.q.purchases.all(cid);
    const shown = rows.length > POP_PURCHASES ? rows.slice(0, POP_PURCHASES) : rows;
    const names = rows.length ? this.productNames() : this.names;
    const purchases: Purchase[] = shown.map(([orderId, sku, quantity, amountMinor, currency, purchasedAt]) => ({
      orderId, sku, productName: names.get(sku) ?? sku, quantity, amount: toMajor(amountMinor, currency), currency, purchasedAt,
    }));
    const cutoff = new Date(this.now() - YEAR_MS).toISOString();
    const totalsCurrency = rows[0]?.[4] ?? null;
    let sum = 0, last12 = 0, count = 0, first: string | null = null, last: string | null = null;
    if (rows.length <= POP_PURCHASES) {
      for (const p of rows) {
        sum += p[3];
        if (p[5] >= cutoff) last12 += p[3];
      }
      // Orders, not lines: an order with two products counts once.
      const orders = new Set<string>();
      for (const p of rows) orders.add(p[0]);
      count = orders.size;
      last = rows[0]?.[5] ?? null;
      first = rows[rows.length - 1]?.[5] ?? null;
    } else {
      const t = this.q.totals.get(cutoff, cid)!;
      [sum, count, first, last] = [t[0], t[2], t[3], t[4]];
      last12 = t[1] ?? 0;
    }
    const cur = totalsCurrency ?? 'EUR';
    const pop: Pop = {
      customer: { customerId: cid, name, company, email, segment, region, country, phones },
      account,
      credit,
      purchases,
      totals: {
        lifetimeValue: toMajor(sum, cur),
        last12Months: toMajor(last12, cur),
        orderCount: count,
        firstPurchaseAt: first,
        lastPurchaseAt: last,
        currency: totalsCurrency,
      },
      offers: [],
    };
    if (historyPending) pop.historyPending = true;
    // No offers from an unknown history (they could offer what the customer already has).
    if (this.offers && !historyPending) pop.offers = this.offers(pop);
    return pop;
  }

  private schemaVersion = -1;
  private hasHistoryIndex = true;

  /**
   * Is the purchase history complete and indexed? No while a snapshot is being copied in; the
   * index itself is re-checked only when the schema has changed.
   */
  private historyReady(): boolean {
    const [v, copying] = this.q.historyState.get()!;
    if (v !== this.schemaVersion) {
      this.schemaVersion = v;
      this.hasHistoryIndex = this.q.historyIndex.get() !== undefined;
    }
    return this.hasHistoryIndex && copying === null;
  }

  /** sku → product name, reloaded only when the products table has changed since the last pop. */
  private productNames(): Map<string, string> {
    const v = this.q.productsVersion.get();
    if (v === undefined || v !== this.namesVersion) {
      this.names = new Map(this.q.productNames.all());
      this.namesVersion = v;
    }
    return this.names;
  }
}
