// Wording of offer reasons in English and Italian: money, percentages, months and days.
// Formatters are cached (building an Intl.NumberFormat costs ~50 µs; the pop path calls this per offer).
import { toMajor } from '../money';

export type Lang = 'en' | 'it';

const MONTHS: Record<Lang, string[]> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  it: ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'],
};
const MONTHS_SHORT: Record<Lang, string[]> = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  it: ['gen', 'feb', 'mar', 'apr', 'mag', 'giu', 'lug', 'ago', 'set', 'ott', 'nov', 'dic'],
};
const LOCALE: Record<Lang, string> = { en: 'en-GB', it: 'it-IT' };

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** "€300.00" / "300,00 €"; unknown currency codes fall back to "300.00 XYZ". */
export function formatMoney(amountMajor: number, currency: string, lang: Lang): string {
  const key = `${lang}:${currency}`;
  let f = moneyFormats.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(LOCALE[lang], { style: 'currency', currency });
    } catch {
      return `${amountMajor.toFixed(2)} ${currency}`;
    }
    moneyFormats.set(key, f);
  }
  return f.format(amountMajor);
}

export function formatMinor(minor: number, currency: string, lang: Lang): string {
  return formatMoney(toMajor(minor, currency), currency, lang);
}

/** 0.3843 → "38 %" (en) / "38 %" (it); below 1 % → "<1 %". */
export function formatPct(x: number): string {
  const p = Math.round(x * 100);
  return p < 1 ? '<1 %' : `${p} %`;
}

/** 4.137 → "4.1" / "4,1". */
export function formatRatio(x: number, lang: Lang): string {
  const s = (Math.round(x * 10) / 10).toFixed(1);
  return lang === 'it' ? s.replace('.', ',') : s;
}

/** "March" when in the same (UTC) year as now, else "March 2023"; Italian month names lower-case. */
export function formatMonth(ms: number, nowMs: number, lang: Lang): string {
  const d = new Date(ms);
  const m = MONTHS[lang][d.getUTCMonth()]!;
  return d.getUTCFullYear() === new Date(nowMs).getUTCFullYear() ? m : `${m} ${d.getUTCFullYear()}`;
}

/** "in March" / "a marzo", "ad agosto" (Italian: "ad" before a vowel-initial a-). */
export function inMonth(ms: number, nowMs: number, lang: Lang): string {
  const m = formatMonth(ms, nowMs, lang);
  return lang === 'en' ? `in ${m}` : m.startsWith('a') ? `ad ${m}` : `a ${m}`;
}

/** "15 Aug" when in the same year as now, else "15 Aug 2025". */
export function formatDay(ms: number, nowMs: number, lang: Lang): string {
  const d = new Date(ms);
  const s = `${d.getUTCDate()} ${MONTHS_SHORT[lang][d.getUTCMonth()]!}`;
  return d.getUTCFullYear() === new Date(nowMs).getUTCFullYear() ? s : `${s} ${d.getUTCFullYear()}`;
}
