// Caller numbers for the pop benches: distinct customers' own numbers spread over the store, as
// a person in the store's region dials them (national format), read from the store itself.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export function pickNumbers(dir: string, region: string, n: number): string[] {
  const db = new Database(join(dir, 'pronto.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(`SELECT e164 FROM customer_phones GROUP BY e164 HAVING count(*) = 1 ORDER BY (rowid * 2654435761) % 4294967296 LIMIT ?`)
      .pluck()
      .all(Math.min(n, 200_000)) as string[];
    if (rows.length === 0) throw new Error(`no phone numbers in ${dir}`);
    return rows.map((e164) => {
      const p = parsePhoneNumberFromString(e164);
      return p && p.country === region ? p.formatNational().replace(/\D/g, '') : e164;
    });
  } finally {
    db.close();
  }
}

/** The p-th percentile (0–100) of `values`, nearest rank; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
