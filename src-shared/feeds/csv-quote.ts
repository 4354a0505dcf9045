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

/**
 * A cell of a CSV meant for spreadsheets (reports): one that starts with = + - @ (or a tab or CR)
 * would run as a formula in Excel/LibreOffice (CSV injection), so it gets a leading apostrophe.
 * Plain negative numbers stay numbers.
 */
export function spreadsheetCell(s: string): string {
  if (/^-?\d+(\.\d+)?$/.test(s)) return s;
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** One report line: neutralised cells, RFC 4180 quoting, CRLF-terminated. */
export function reportLine(cells: readonly (string | number | null)[]): string {
  return `${csvLine(cells.map((c) => spreadsheetCell(c === null ? '' : String(c))))}\r\n`;
}
