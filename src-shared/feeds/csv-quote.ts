// The one CSV quoting rule for every feed we write (seed generator, test and e2e fixtures), so
// that what we write is exactly what src-shared/feeds/node/csv.ts reads back.

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 field: quoted only when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (no line break) from already-stringified cells. */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvField).join(',');
}
