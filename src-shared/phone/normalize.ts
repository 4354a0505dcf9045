// Phone numbers in every human habit → E.164, via libphonenumber-js (full metadata, so Italian
// fixed lines keep their trunk 0 and validity is checked per numbering plan, not just by length).
import { parsePhoneNumberFromString, isSupportedCountry, getCountryCallingCode, type CountryCode } from 'libphonenumber-js/max';

export type Region = CountryCode;

export function isRegion(code: string): code is Region {
  return /^[A-Z]{2}$/.test(code) && isSupportedCountry(code);
}

/**
 * Pre-clean what libphonenumber does not read by itself:
 * "+49 (0)30 …" (the optional trunk 0 written after the country code) and the "00" / "011"
 * international prefixes, which libphonenumber only understands when they match the default region.
 */
function preclean(text: string, region: Region): string {
  let s = text.trim().replace(/[\u00a0\u2000-\u200b\u202f]/g, ' ');
  s = s.replace(/^(\+\s*\d{1,3})\s*\(\s*0\s*\)/, '$1 ');
  const compact = s.replace(/[\s.\-/()]/g, '');
  if (/^00[1-9]/.test(compact)) s = '+' + compact.slice(2);
  else if (/^011[1-9]/.test(compact) && (region === 'US' || region === 'CA')) s = '+' + compact.slice(3);
  return s;
}

/** Returns the E.164 form, or null when the text is not a valid phone number for `region`. */
export function toE164(text: string, region: Region): string | null {
  if (!/\d/.test(text) || text.length > 40) return null;
  if (/[a-z]/i.test(text.replace(/\b(ext|x)\.?\s*\d+$/i, ''))) return null;
  const parsed = parsePhoneNumberFromString(preclean(text, region), region);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}

/** National digits as dialled inside the country ("0287654321" for +390287654321); for search. */
export function nationalDigits(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164.replace(/\D/g, '');
  return parsed.formatNational().replace(/\D/g, '');
}

/** Human display: "+39 02 8765 4321". */
export function formatInternational(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? parsed.formatInternational() : e164;
}

/**
 * Digit tokens a person might type to find this number: E.164 digits, the digits as written in
 * the feed, and the national significant number. Cheap (no parsing): runs once per imported phone.
 */
export function phoneSearchTokens(e164: string, country: Region, raw: string): string {
  const digits = e164.slice(1);
  const cc = getCountryCallingCode(country);
  const nsn = digits.startsWith(cc) ? digits.slice(cc.length) : digits;
  const rawDigits = raw.replace(/\D/g, '');
  const set = new Set([digits, nsn, rawDigits]);
  return [...set].join(' ');
}

/** The phone text the search index holds for a customer (E.164 digits, national, as written). */
export function customerSearchPhones(c: { country: string; phones: readonly { e164: string; raw: string }[] }): string {
  let text = '';
  for (const p of c.phones) text += phoneSearchTokens(p.e164, c.country as Region, p.raw) + ' ';
  return text;
}
