import { countryName, formatDate, formatDateTime, formatMoney, formatNumber, useLang } from './index';

/** Intl formatters bound to the UI language. */
export function useFormat() {
  const lang = useLang((s) => s.lang);
  return {
    lang,
    money: (amount: number, currency: string | null | undefined) => formatMoney(lang, amount, currency),
    number: (n: number) => formatNumber(lang, n),
    date: (iso: string | null | undefined) => formatDate(lang, iso),
    dateTime: (iso: string | null | undefined) => formatDateTime(lang, iso),
    country: (code: string) => countryName(lang, code),
  };
}
