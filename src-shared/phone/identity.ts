// A raw caller identity (as a PBX or a person hands it over) → what the lookup can use.
import { toE164, type Region } from './normalize';

export type ParsedIdentity =
  | { kind: 'withheld' }
  | { kind: 'invalid' }
  | { kind: 'number'; e164: string };

const WITHHELD = new Set(['', 'anonymous', 'unknown', 'restricted', 'private', 'withheld', 'unavailable']);

/** Extracts the dialable part: the user of a sip:/sips: URI, the number of a tel: URI, or the text. */
export function identityUser(raw: string): string {
  let s = raw.trim();
  const angle = /<([^>]*)>/.exec(s);
  if (angle) s = angle[1]!.trim();
  const scheme = /^(sips?|tel):/i.exec(s);
  if (!scheme) return s;
  s = s.slice(scheme[0].length);
  if (scheme[1]!.toLowerCase() === 'tel') return safeDecode(s.split(';')[0]!);
  const at = s.indexOf('@');
  const user = at >= 0 ? s.slice(0, at) : s.split(/[;?]/)[0]!;
  // user=phone numbers may carry their own parameters (";isub=", ";phone-context=").
  return safeDecode(user.split(';')[0]!.split(':')[0]!);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function parseIdentity(raw: string, region: Region): ParsedIdentity {
  const user = identityUser(raw);
  if (WITHHELD.has(user.toLowerCase())) return { kind: 'withheld' };
  const e164 = toE164(user, region);
  return e164 ? { kind: 'number', e164 } : { kind: 'invalid' };
}
