// The five department feeds (CSV, UTF-8, header row). One definition, read by the desktop
// importer now and by the hub later, so both reject the same rows with the same words.
import { isCurrencyCode, parseMinor } from '../money';
import { parseIsoDate, parseIsoInstant } from '../dates';
import { isRegion, toE164, type Region } from '../phone/normalize';
import { ACCOUNT_FIELDS, CreditStatus, CREDIT_FIELDS, CUSTOMER_FIELDS, PRODUCT_FIELDS, PURCHASE_FIELDS, feedColumns, type DataOf } from '../entities/fields';

/** Each feed's fields (src-shared/entities/fields.ts), in column order. */
export const FEED_FIELDS = {
  customers: CUSTOMER_FIELDS,
  products: PRODUCT_FIELDS,
  purchases: PURCHASE_FIELDS,
  accounts: ACCOUNT_FIELDS,
  credit: CREDIT_FIELDS,
} as const;

export type FeedKind = keyof typeof FEED_FIELDS;
export const FEED_KINDS = Object.keys(FEED_FIELDS) as FeedKind[];
/** The columns of each feed (CSV header, NDJSON keys), from its fields. */
export const FEED_COLUMNS: { readonly [K in FeedKind]: readonly string[] } = {
  customers: feedColumns(FEED_FIELDS.customers),
  products: feedColumns(FEED_FIELDS.products),
  purchases: feedColumns(FEED_FIELDS.purchases),
  accounts: feedColumns(FEED_FIELDS.accounts),
  credit: feedColumns(FEED_FIELDS.credit),
};
/** Import order when several feeds arrive together: referenced data first. */
export const FEED_ORDER: FeedKind[] = ['products', 'customers', 'purchases', 'accounts', 'credit'];

/** The feed kind from a file name: "customers.csv", "2026-11-01_credit.csv", "accounts-eu.csv". */
export function feedKindFromName(fileName: string): FeedKind | null {
  const base = fileName.split(/[\\/]/).pop()!.toLowerCase().replace(/\.(csv|ndjson|jsonl)$/, '');
  const hits = FEED_KINDS.filter((k) => new RegExp(`(^|[^a-z])${k}([^a-z]|$)`).test(base));
  return hits.length === 1 ? hits[0]! : null;
}

export interface FieldError {
  column: string;
  reason: string;
}

// The rows the readers produce: the fields of src-shared/entities/fields.ts (= the sync's entity data).
export type CustomerRow = DataOf<typeof CUSTOMER_FIELDS> & {
  /** The phones' search text, when worked out before the writer (the import's parse worker). */
  searchPhones?: string;
};
export type ProductRow = DataOf<typeof PRODUCT_FIELDS>;
export type PurchaseRow = DataOf<typeof PURCHASE_FIELDS>;
export type AccountRow = DataOf<typeof ACCOUNT_FIELDS>;
export type CreditRow = DataOf<typeof CREDIT_FIELDS>;
export interface FeedRows {
  customers: CustomerRow; products: ProductRow; purchases: PurchaseRow; accounts: AccountRow; credit: CreditRow;
}

type Rec = Record<string, string>;

/** Collects errors per column while reading one record. */
class Reader {
  errors: FieldError[] = [];
  constructor(private rec: Rec) {}
  fail(column: string, reason: string): void {
    this.errors.push({ column, reason });
  }
  text(col: string, opts: { required?: boolean; max?: number } = {}): string {
    const v = (this.rec[col] ?? '').trim();
    if (opts.required && v === '') this.fail(col, 'is empty');
    else if (v.length > (opts.max ?? 500)) this.fail(col, `is longer than ${opts.max ?? 500} characters`);
    return v;
  }
  id(col: string): string {
    const v = this.text(col, { required: true, max: 64 });
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    if (v && /[\s\u0000-\u001f]/.test(v)) this.fail(col, `"${v}" contains spaces or control characters`);
    return v;
  }
  currency(col: string): string {
    const v = this.text(col, { required: true });
    if (v && !isCurrencyCode(v)) this.fail(col, `"${v}" is not an ISO 4217 currency code`);
    return v;
  }
  money(col: string, currency: string, opts: { optional?: boolean; min?: number } = {}): number | null {
    const v = this.text(col);
    if (v === '') {
      if (!opts.optional) this.fail(col, 'is empty');
      return null;
    }
    if (!isCurrencyCode(currency)) return null; // already reported on the currency column
    const r = parseMinor(v, currency);
    if (!r.ok) {
      this.fail(col, r.reason);
      return null;
    }
    if (opts.min !== undefined && r.minor < opts.min) this.fail(col, `"${v}" must not be negative`);
    return r.minor;
  }
  int(col: string, min: number, max: number): number {
    const v = this.text(col, { required: true });
    if (v === '') return 0;
    if (!/^-?\d+$/.test(v) || +v < min || +v > max) this.fail(col, `"${v}" is not a whole number from ${min} to ${max}`);
    return +v;
  }
  date(col: string, optional: boolean): string | null {
    const v = this.text(col);
    if (v === '') {
      if (!optional) this.fail(col, 'is empty');
      return null;
    }
    const d = parseIsoDate(v.slice(0, 10)) && v.length === 10 ? v : null;
    if (!d) this.fail(col, `"${v}" is not an ISO 8601 date (YYYY-MM-DD)`);
    return d;
  }
  instant(col: string, optional: boolean): string | null {
    const v = this.text(col);
    if (v === '') {
      if (!optional) this.fail(col, 'is empty');
      return null;
    }
    const d = parseIsoInstant(v);
    if (!d) this.fail(col, `"${v}" is not an ISO 8601 date or date-time`);
    return d;
  }
}

const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

/** `phones` cell: "label=number;number;…" read in the customer's own country. */
export function parsePhonesCell(cell: string, country: Region): { phones: CustomerRow['phones']; errors: string[] } {
  const phones: CustomerRow['phones'] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const item of cell.split(';')) {
    const part = item.trim();
    if (!part) continue;
    const eq = part.indexOf('=');
    const label = eq >= 0 ? part.slice(0, eq).trim() : '';
    const raw = eq >= 0 ? part.slice(eq + 1).trim() : part;
    const e164 = toE164(raw, country);
    if (!e164) errors.push(`"${raw}" is not a valid phone number for ${country}`);
    else if (!seen.has(e164)) {
      seen.add(e164);
      phones.push({ e164, label: label || 'phone', raw });
    }
  }
  return { phones, errors };
}

export const readers: { [K in FeedKind]: (rec: Rec) => { row: FeedRows[K]; errors: FieldError[] } } = {
  customers(rec) {
    const r = new Reader(rec);
    const customerId = r.id('customer_id');
    const name = r.text('name', { required: true, max: 200 });
    const email = r.text('email', { max: 254 });
    if (email && !EMAIL.test(email)) r.fail('email', `"${email}" is not an e-mail address`);
    const country = r.text('country', { required: true }).toUpperCase();
    let phones: CustomerRow['phones'] = [];
    if (country && !isRegion(country)) r.fail('country', `"${country}" is not an ISO 3166 alpha-2 country`);
    else if (country) {
      const p = parsePhonesCell(rec.phones ?? '', country as Region);
      phones = p.phones;
      for (const e of p.errors) r.fail('phones', e);
    }
    const row: CustomerRow = {
      customerId, name, email, country, phones,
      company: r.text('company', { max: 200 }),
      segment: r.text('segment', { max: 64 }),
      region: r.text('region', { max: 64 }),
      createdAt: r.instant('created_at', true),
    };
    return { row, errors: r.errors };
  },
  products(rec) {
    const r = new Reader(rec);
    const currency = r.currency('currency');
    const marginText = r.text('margin', { required: true });
    let margin = Number(marginText.replace(/%$/, ''));
    if (marginText.endsWith('%')) margin /= 100;
    if (marginText !== '' && (!Number.isFinite(margin) || margin < -1 || margin > 1 || !/^-?[\d.]+%?$/.test(marginText))) {
      r.fail('margin', `"${marginText}" is not a margin between 0 and 1 (or 0% to 100%)`);
    }
    const row: ProductRow = {
      sku: r.id('sku'),
      name: r.text('name', { required: true, max: 200 }),
      category: r.text('category', { max: 100 }),
      family: r.text('family', { max: 100 }),
      tier: r.int('tier', 1, 9),
      priceMinor: r.money('price', currency, { min: 0 }) ?? 0,
      currency,
      margin,
    };
    return { row, errors: r.errors };
  },
  purchases(rec) {
    const r = new Reader(rec);
    const currency = r.currency('currency');
    const row: PurchaseRow = {
      orderId: r.id('order_id'),
      customerId: r.id('customer_id'),
      sku: r.id('sku'),
      quantity: r.int('quantity', 1, 1_000_000),
      amountMinor: r.money('amount', currency) ?? 0,
      currency,
      purchasedAt: r.instant('purchased_at', false) ?? '',
    };
    return { row, errors: r.errors };
  },
  accounts(rec) {
    const r = new Reader(rec);
    const currency = r.currency('currency');
    const row: AccountRow = {
      customerId: r.id('customer_id'),
      balanceMinor: r.money('balance', currency) ?? 0,
      currency,
      overdueMinor: r.money('overdue_amount', currency, { optional: true, min: 0 }) ?? 0,
      oldestDueDate: r.date('oldest_due_date', true),
      lastPaymentAt: r.instant('last_payment_at', true),
      lastPaymentMinor: r.money('last_payment_amount', currency, { optional: true }),
    };
    if (row.overdueMinor > 0 && !row.oldestDueDate && !r.errors.some((e) => e.column === 'oldest_due_date')) {
      r.fail('oldest_due_date', 'is empty but overdue_amount is above zero');
    }
    return { row, errors: r.errors };
  },
  credit(rec) {
    const r = new Reader(rec);
    const currency = r.currency('currency');
    const statusText = r.text('status', { required: true }).toLowerCase();
    const status = CreditStatus.safeParse(statusText);
    if (statusText && !status.success) r.fail('status', `"${statusText}" is not one of ok|watch|hold|blocked`);
    const row: CreditRow = {
      customerId: r.id('customer_id'),
      creditLimitMinor: r.money('credit_limit', currency, { min: 0 }) ?? 0,
      currency,
      paymentTerms: r.text('payment_terms', { max: 100 }),
      status: status.success ? status.data : 'ok',
      riskClass: r.text('risk_class', { max: 16 }),
      reviewedAt: r.instant('reviewed_at', true),
    };
    return { row, errors: r.errors };
  },
};
