// Feeds carry ISO 8601. We store instants as UTC "YYYY-MM-DDTHH:MM:SS.sssZ" and days as
// "YYYY-MM-DD": both compare correctly as text, so SQLite can range-scan them by index.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  if (m === 2) return d <= ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28);
  return d <= (m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);
}

/** "2024-03-01" → "2024-03-01"; anything else → null. */
export function parseIsoDate(text: string): string | null {
  const m = DATE.exec(text);
  if (!m) return null;
  return validDay(+m[1]!, +m[2]!, +m[3]!) ? text : null;
}

/**
 * A date or date-time in ISO 8601 → UTC instant string. A date alone means midnight UTC;
 * a date-time without offset is read as UTC (feeds are exported from servers in UTC).
 */
const CANONICAL = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;

export function parseIsoInstant(text: string): string | null {
  // Fast path for what exports mostly contain ("2024-03-01T10:00:00Z"): no Date round trip.
  const c = CANONICAL.exec(text);
  if (c) return validDay(+c[1]!, +c[2]!, +c[3]!) ? `${text.slice(0, 19)}.000Z` : null;
  if (DATE.test(text)) return parseIsoDate(text) ? `${text}T00:00:00.000Z` : null;
  const m = DATETIME.exec(text);
  if (!m) return null;
  if (!validDay(+m[1]!, +m[2]!, +m[3]!)) return null;
  if (+m[4]! > 23 || +m[5]! > 59 || (m[6] !== undefined && +m[6] > 59)) return null;
  let iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ? m[7].slice(0, 4) : ''}`;
  const off = m[8] ?? 'Z';
  iso += off === 'Z' ? 'Z' : off.length === 5 ? `${off.slice(0, 3)}:${off.slice(3)}` : off;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
