// Money crosses the wire in major units (1250.5) and lives in the DB as integer minor units,
// so sums never drift. The number of minor digits comes from Intl (EUR 2, JPY 0, KWD 3).

const digitsCache = new Map<string, number>();

export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  return minorDigits(code) >= 0;
}

export function minorDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    } catch {
      d = -1;
    }
    digitsCache.set(currency, d);
  }
  return d;
}

const DECIMAL = /^(-)?(\d{1,15})(?:\.(\d+))?$/;

export type MinorResult = { ok: true; minor: number } | { ok: false; reason: string };

/** Parses a plain decimal ("1250.50", "-3", "0.5") into integer minor units of `currency`. */
export function parseMinor(text: string, currency: string): MinorResult {
  const m = DECIMAL.exec(text.trim());
  if (!m) return { ok: false, reason: `"${text}" is not a decimal amount (use 1234.56)` };
  const digits = minorDigits(currency);
  if (digits < 0) return { ok: false, reason: `unknown currency "${currency}"` };
  const frac = m[3] ?? '';
  if (frac.length > digits && /[1-9]/.test(frac.slice(digits))) {
    return { ok: false, reason: `"${text}" has more decimals than ${currency} allows (${digits})` };
  }
  const minor = Number(m[2]) * 10 ** digits + Number((frac + '000000').slice(0, digits) || '0');
  if (!Number.isSafeInteger(minor)) return { ok: false, reason: `"${text}" is too large` };
  return { ok: true, minor: m[1] ? -minor : minor };
}

export function toMajor(minor: number, currency: string): number {
  const digits = minorDigits(currency);
  return digits <= 0 ? minor : minor / 10 ** digits;
}
