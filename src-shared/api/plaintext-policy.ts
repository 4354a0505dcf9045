// Desktops talk to the hub (bearer token, customer data) and to the SIP server (digest, call
// signalling). Over the network that must be encrypted: an `http://` hub or a `ws://` SIP server
// is accepted only on this machine (loopback: tests, a PBX or hub on the same box) unless the
// configuration says so explicitly (PRONTO_ALLOW_PLAINTEXT=1, e.g. a lab network).

export type Endpoint = 'hub' | 'sip';

const PLAIN: Record<Endpoint, { scheme: string; secure: string; name: string }> = {
  hub: { scheme: 'http:', secure: 'https://', name: 'hub' },
  sip: { scheme: 'ws:', secure: 'wss://', name: 'SIP server' },
};

/** localhost, 127.0.0.0/8 and ::1 (as URL.hostname gives them). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === '[::1]' || h === '::1') return true;
  const parts = h.split('.');
  return parts.length === 4 && parts[0] === '127' && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256);
}

/** Why `url` may not be used for `kind` (one line), or null when it may. */
export function plaintextRefusal(kind: Endpoint, url: string, allowPlaintext: boolean): string | null {
  if (allowPlaintext) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null; // not a URL: the caller's own validation names that
  }
  const p = PLAIN[kind];
  if (u.protocol !== p.scheme || isLoopbackHost(u.hostname)) return null;
  return `${url} is a ${p.name} over an unencrypted connection to another machine: use ${p.secure} (or set PRONTO_ALLOW_PLAINTEXT=1)`;
}
