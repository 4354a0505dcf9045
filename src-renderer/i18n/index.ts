// Language: follows navigator.language on first start, switchable in the header, remembered
// in localStorage. Numbers, money and dates are formatted with Intl in the UI language.
import { create } from 'zustand';
import { dictionaries, LANGS, type Lang, type StringKey } from './strings';

export { LANGS, LANG_NAMES, type Lang, type StringKey } from './strings';

const STORAGE_KEY = 'pronto.lang';

function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v);
}

export function initialLang(): Lang {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (isLang(stored)) return stored;
  } catch {
    /* storage disabled */
  }
  const prefs = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const p of prefs) {
    const base = (p ?? '').toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'en';
}

interface LangState {
  lang: Lang;
  setLang(lang: Lang): void;
}

export const useLang = create<LangState>((set) => ({
  lang: initialLang(),
  setLang(lang) {
    try {
      window.localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      /* storage disabled: the choice lasts for this session */
    }
    document.documentElement.lang = lang;
    set({ lang });
  },
}));

document.documentElement.lang = useLang.getState().lang;

export type Vars = Record<string, string | number>;

export function translate(lang: Lang, key: StringKey, vars?: Vars): string {
  const template: string = dictionaries[lang][key] ?? dictionaries.en[key];
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** `t(key, vars)` bound to the current language; re-renders on a switch. */
export function useT(): (key: StringKey, vars?: Vars) => string {
  const lang = useLang((s) => s.lang);
  return (key, vars) => translate(lang, key, vars);
}

/** The same `t()` outside React (notifications, texts the softphone writes into a card). */
export function t(key: StringKey, vars?: Vars): string {
  return translate(useLang.getState().lang, key, vars);
}

// ---- Intl formatting, cached per language ----------------------------------------------

const defaultLocales: Record<Lang, string> = { en: 'en-GB', it: 'it-IT' };
/** The browser's own locale when it speaks the UI language (en-US keeps US dates), else a default. */
function localeFor(lang: Lang): string {
  const nav = navigator.language || '';
  return nav.toLowerCase().split('-')[0] === lang && nav.includes('-') ? nav : defaultLocales[lang];
}
const locales: Record<Lang, string> = { en: localeFor('en'), it: localeFor('it') };
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(lang: Lang, key: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const k = `n|${lang}|${key}`;
  let f = cache.get(k) as Intl.NumberFormat | undefined;
  if (!f) {
    f = new Intl.NumberFormat(locales[lang], opts);
    cache.set(k, f);
  }
  return f;
}

function dateFormat(lang: Lang, key: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const k = `d|${lang}|${key}`;
  let f = cache.get(k) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(locales[lang], opts);
    cache.set(k, f);
  }
  return f;
}

export function formatMoney(lang: Lang, amount: number, currency: string | null | undefined): string {
  if (!currency) return numberFormat(lang, 'plain2', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
  try {
    return numberFormat(lang, `cur|${currency}`, { style: 'currency', currency, currencyDisplay: 'symbol' }).format(amount);
  } catch {
    return `${numberFormat(lang, 'plain2', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount)} ${currency}`;
  }
}

export function formatNumber(lang: Lang, n: number): string {
  return numberFormat(lang, 'int', { maximumFractionDigits: 0 }).format(n);
}

/**
 * Calendar date of an ISO day ("2024-03-01") or instant. Shown in UTC: feeds carry business
 * days, and a purchase "on the 1st" must not become "the 29th" in a western time zone.
 */
export function formatDate(lang: Lang, iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(t)) return iso;
  return dateFormat(lang, 'day', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(t);
}

export function formatDateTime(lang: Lang, iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return dateFormat(lang, 'dt', { dateStyle: 'medium', timeStyle: 'short' }).format(t);
}

export function countryName(lang: Lang, code: string): string {
  if (!/^[A-Z]{2}$/i.test(code)) return code;
  try {
    const k = `r|${lang}`;
    let dn = cache.get(k) as unknown as Intl.DisplayNames | undefined;
    if (!dn) {
      dn = new Intl.DisplayNames([locales[lang]], { type: 'region' });
      cache.set(k, dn as unknown as Intl.NumberFormat);
    }
    return dn.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
