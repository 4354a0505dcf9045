// Which line an agent is reachable on, for the registration badge.
/** The user part of `sip:1001@host`, else the digest user without an autheph `<expiry>:` prefix. */
export function lineOf(uri: string, user: string): string {
  const m = /^sips?:([^@;>]+)@/i.exec(uri.trim());
  if (m) return m[1]!;
  return user.replace(/^\d+:/, '');
}
