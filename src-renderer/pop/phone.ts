import { formatInternational } from '../../src-shared/phone/normalize';

const cache = new Map<string, string>();

/** "+390287654321" → "+39 02 8765 4321"; anything unparsable is returned as given. Cached. */
export function displayPhone(e164OrRaw: string | null | undefined): string {
  if (!e164OrRaw) return '';
  if (!e164OrRaw.startsWith('+')) return e164OrRaw;
  let v = cache.get(e164OrRaw);
  if (v === undefined) {
    v = formatInternational(e164OrRaw);
    if (cache.size > 5000) cache.clear();
    cache.set(e164OrRaw, v);
  }
  return v;
}
