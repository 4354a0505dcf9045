// Relative times ("2 minutes ago", "2 minuti fa") and short durations in the UI language.
import { useEffect, useState } from 'react';
import type { Lang } from '../i18n';

const rtfCache = new Map<Lang, Intl.RelativeTimeFormat>();

export function relativeTime(lang: Lang, iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  let rtf = rtfCache.get(lang);
  if (!rtf) rtfCache.set(lang, (rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto', style: 'long' })));
  const s = Math.round((t - now) / 1000);
  const a = Math.abs(s);
  if (a < 45) return rtf.format(0, 'second');
  if (a < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (a < 86_400) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86_400), 'day');
}

/** "45 s", "3 min", "1 h 20 min". */
export function shortDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "m:ss" (or "h:mm:ss") for timers. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Date.now(), re-rendering every `ms`. */
export function useNow(ms: number, enabled = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    setNow(Date.now());
    const h = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(h);
  }, [ms, enabled]);
  return now;
}
