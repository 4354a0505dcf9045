// tel: and sip: links handed to Pronto by other apps (browser, CRM, e-mail) through the OS: what
// may be dialled from one. Pure, so the rules are tested in plain Node. A link is untrusted text
// from any web page: it is size-checked before anything else, parameters and SIP URI headers
// (`?Subject=…`, `;transport=…`) are dropped instead of honoured, and the result is only ever
// shown to the agent for a confirmation before the softphone dials it.

export type CallLinkScheme = 'tel' | 'sip' | 'sips';

export interface CallLink {
  scheme: CallLinkScheme;
  /** What the softphone dials: digits (`+39021234`) for tel:, `sip:user@host[:port]` for sip:/sips:. */
  target: string;
  /** What the confirmation shows: the number as written (separators kept) or the SIP address. */
  display: string;
}

export type CallLinkResult = { ok: true; link: CallLink } | { ok: false; reason: string };

/** Longer links are refused before they are looked at (a phone link is a few dozen characters). */
export const MAX_LINK_LENGTH = 256;
/** E.164 has at most 15 digits; dial prefixes and extensions are allowed a little more. */
const MAX_DIGITS = 20;
/** RFC 3966 visual separators. */
const VISUAL_SEPARATORS = /[\s\-.()/]/g;

const SCHEME = /^(tel|sips?):/i;
/**
 * RFC 3261 user part after decoding, without ';', '?', '/' and '@': the softphone parses the target
 * again, and a decoded separator would turn into a URI parameter or header there.
 */
const SIP_USER = /^[A-Za-z0-9\-_.!~*'()&=+$,]{1,64}$/;
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/;

function refused(reason: string): CallLinkResult {
  return { ok: false, reason };
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Control characters (C0, DEL, C1) and bidi overrides: never shown in a confirmation. */
function hasControls(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f) return true;
  }
  return false;
}

function parseTel(rest: string): CallLinkResult {
  // `tel:+39-02-1234;ext=5;phone-context=…`: the number is what comes before the first parameter.
  const decoded = decode(rest.split(';', 1)[0]!.replace(/^\/\//, ''));
  if (decoded === null) return refused('bad percent-encoding');
  if (hasControls(decoded)) return refused('control characters');
  const display = decoded.trim();
  const compact = display.replace(VISUAL_SEPARATORS, '');
  if (!/^\+?[0-9*#]+$/.test(compact)) return refused('not a phone number');
  const digits = compact.replace(/^\+/, '').length;
  if (digits < 2) return refused('too short');
  if (digits > MAX_DIGITS) return refused('too long');
  return { ok: true, link: { scheme: 'tel', target: compact, display } };
}

function validHost(hostPort: string): string | null {
  const m = /^(\[[^\]]*\]|[^:]+)(?::(\d{1,5}))?$/.exec(hostPort);
  if (!m) return null;
  const [, host, port] = m;
  if (!host || !(HOST_NAME.test(host) || IPV6.test(host))) return null;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return null;
  return port === undefined ? host.toLowerCase() : `${host.toLowerCase()}:${port}`;
}

function parseSip(scheme: 'sip' | 'sips', rest: string): CallLinkResult {
  // Headers (`?…`) and URI parameters (`;…`) are dropped: a link may not choose the transport,
  // add a Subject or Replaces, or route the call anywhere but to the address shown.
  const address = rest.replace(/^\/\//, '').split('?', 1)[0]!;
  const at = address.lastIndexOf('@');
  if (at <= 0) return refused('no user in the SIP address');
  const rawUser = address.slice(0, at);
  const hostPart = address.slice(at + 1).split(';', 1)[0]!;
  const user = decode(rawUser.split(';', 1)[0]!);
  if (user === null) return refused('bad percent-encoding');
  // no ':' either: `sip:user:password@host` carries a password, which a link never may
  if (hasControls(user) || !SIP_USER.test(user)) return refused('not a SIP user');
  const host = validHost(hostPart);
  if (!host) return refused('not a SIP host');
  const target = `${scheme}:${user}@${host}`;
  return { ok: true, link: { scheme, target, display: `${user}@${host}` } };
}

/** A tel:, sip: or sips: link as the OS hands it over; anything else is refused with a reason. */
export function parseCallLink(raw: unknown): CallLinkResult {
  if (typeof raw !== 'string') return refused('not text');
  if (raw.length > MAX_LINK_LENGTH) return refused('too long');
  const link = raw.trim();
  const m = SCHEME.exec(link);
  if (!m) return refused('not a tel: or sip: link');
  const scheme = m[1]!.toLowerCase() as CallLinkScheme;
  const rest = link.slice(m[0].length);
  if (!rest) return refused('empty');
  return scheme === 'tel' ? parseTel(rest) : parseSip(scheme, rest);
}

/**
 * The call link in a command line (a first launch from a link, or a second instance's argv).
 * Windows and Linux pass the URL as an argument; Chromium's own switches and ours are skipped.
 */
export function callLinkInArgv(argv: readonly unknown[]): CallLink | null {
  for (const arg of argv.slice(0, 64)) {
    if (typeof arg !== 'string' || arg.length > MAX_LINK_LENGTH || !SCHEME.test(arg.trim())) continue;
    const parsed = parseCallLink(arg);
    return parsed.ok ? parsed.link : null;
  }
  return null;
}

/** The schemes registered with the OS (app.setAsDefaultProtocolClient, electron-builder `protocols`). */
export const CALL_LINK_SCHEMES: readonly CallLinkScheme[] = ['tel', 'sip', 'sips'];
