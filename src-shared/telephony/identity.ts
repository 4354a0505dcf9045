// Who is calling, from the headers of an incoming INVITE. Pure (no sip.js, no I/O), so the
// renderer's softphone and the main side can share it. Never throws: hostile or broken input
// yields a safe answer (at worst "withheld", which the pop shows as a withheld number).
//
//   identity   P-Asserted-Identity > Remote-Party-ID > From (the raw URI the lookup reads),
//              '' when withheld (Privacy: id|full|user|header, RPID privacy=full|uri,
//              or an anonymous URI such as sip:anonymous@anonymous.invalid)
//   display    display name of the chosen header (unquoted, unescaped)
//   line       X-Pronto-Line (set by our PBX) > To user > Request-URI user
//   forwardedBy  Diversion (newest entry) > History-Info (the entry before the last)

export interface CallerIdentity {
  /** Raw URI or number to look up; '' when withheld (or when no identity was sent). */
  identity: string;
  display: string;
  withheld: boolean;
  /** The called line: queue / DID / extension. */
  line: string;
  /** Who forwarded the call to us (number or URI), null when not forwarded. */
  forwardedBy: string | null;
}

export type HeaderValue = string | readonly string[] | null | undefined;
/** Header name (any case, compact forms f/t accepted) → raw value(s), one entry per header line. */
export type InviteHeaders = Readonly<Record<string, HeaderValue>>;

/** Contract limits (src-shared/api/contract.ts incomingCall). */
export const IDENTITY_LIMITS = { identity: 512, display: 256, line: 128, forwardedBy: 256 } as const;
/** Longest header value we parse; the rest of a hostile header is ignored. */
const MAX_HEADER = 8192;
/** Most entries we look at in a comma-separated header. */
const MAX_ENTRIES = 32;

const ANONYMOUS_USERS = new Set(['anonymous', 'restricted', 'unknown', 'private', 'withheld', 'unavailable']);
const PRIVACY_WITHHELD = new Set(['id', 'full', 'user', 'header']);

const WITHHELD_EMPTY: CallerIdentity = { identity: '', display: '', withheld: true, line: '', forwardedBy: null };

interface NameAddr {
  display: string;
  /** The URI as sent (no header parameters), e.g. "sip:+390212345678@trunk;user=phone". */
  uri: string;
  scheme: 'sip' | 'sips' | 'tel' | 'other';
  /** Header parameters after the URI (lower-case names): tag, privacy, index, reason… */
  params: Map<string, string>;
}

export function callerIdentity(headers: InviteHeaders | null | undefined, requestUri?: string | null): CallerIdentity {
  try {
    return compute(headers, requestUri);
  } catch {
    return { ...WITHHELD_EMPTY };
  }
}

function compute(headers: InviteHeaders | null | undefined, requestUri: string | null | undefined): CallerIdentity {
  const bag = normaliseBag(headers);
  const get = (...names: string[]): string => {
    for (const n of names) {
      const v = bag.get(n);
      if (v !== undefined && v.trim() !== '') return v;
    }
    return '';
  };

  // --- who: PAI > RPID > From, first one that carries a usable URI --------------------------
  const pai = pickPai(splitList(get('p-asserted-identity')).map(parseNameAddr));
  const rpid = firstUsable(splitList(get('remote-party-id')).map(parseNameAddr));
  const from = firstUsable(splitList(get('from', 'f')).slice(0, 1).map(parseNameAddr));
  const chosen = pai ?? rpid ?? from;

  const privacy = new Set(
    get('privacy')
      .toLowerCase()
      .split(/[;,\s]+/)
      .filter(Boolean),
  );
  let withheld = [...privacy].some((p) => PRIVACY_WITHHELD.has(p));
  let hideName = false;
  if (rpid) {
    // RPID's own privacy parameter speaks for the caller even when a PAI came along.
    const p = (rpid.params.get('privacy') ?? '').toLowerCase();
    if (p === 'full' || p === 'uri') withheld = true;
    if (p === 'name' && chosen === rpid) hideName = true;
  }
  if (chosen && isAnonymous(chosen)) withheld = true;

  let identity = '';
  let display = '';
  if (!chosen) {
    // Nothing parsable: a bare number in From (some gateways) is still worth a lookup.
    const raw = clean(stripAngles(get('from', 'f')).split(';')[0] ?? '', IDENTITY_LIMITS.identity);
    if (raw && /\d/.test(raw) && !withheld) identity = raw;
    else withheld = true;
  } else if (!withheld) {
    identity = clean(chosen.uri, IDENTITY_LIMITS.identity);
    display = hideName ? '' : clean(chosen.display, IDENTITY_LIMITS.display);
    // PAI without a display name: the From's name is still the caller's (same party).
    if (!display && !hideName && chosen !== from && from && !isAnonymous(from)) {
      display = clean(from.display, IDENTITY_LIMITS.display);
    }
  }
  if (withheld) identity = '';

  // --- which line was called ---------------------------------------------------------------
  let line = clean(get('x-pronto-line'), IDENTITY_LIMITS.line);
  if (!line) {
    const to = parseNameAddr(splitList(get('to', 't'))[0] ?? '');
    line = clean(to ? uriUser(to.uri) : '', IDENTITY_LIMITS.line);
  }
  if (!line && typeof requestUri === 'string') {
    line = clean(uriUser(stripAngles(requestUri.slice(0, MAX_HEADER)).split(/[\s]/)[0] ?? ''), IDENTITY_LIMITS.line);
  }

  // --- forwarded by ------------------------------------------------------------------------
  let forwardedBy: string | null = null;
  const diversion = firstUsable(splitList(get('diversion')).map(parseNameAddr));
  if (diversion) forwardedBy = who(diversion);
  else {
    const history = splitList(get('history-info'))
      .map(parseNameAddr)
      .filter((e): e is NameAddr => e !== null && e.scheme !== 'other');
    if (history.length >= 2) {
      // RFC 7044: entries carry hierarchical indexes; order by them when they all have one.
      const indexed = history.every((h) => /^\d+(\.\d+)*$/.test(h.params.get('index') ?? ''));
      const ordered = indexed ? [...history].sort((a, b) => compareIndex(a.params.get('index')!, b.params.get('index')!)) : history;
      forwardedBy = who(ordered[ordered.length - 2]!);
    }
  }

  return { identity, display: withheld ? '' : display, withheld, line, forwardedBy };
}

function who(e: NameAddr): string | null {
  const user = uriUser(e.uri);
  const v = clean(user || e.uri, IDENTITY_LIMITS.forwardedBy);
  return v || null;
}

function compareIndex(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? -1;
    const y = pb[i] ?? -1;
    if (x !== y) return x - y;
  }
  return 0;
}

/** PAI may carry a sip: and a tel: URI (RFC 3325); the tel: one is the number itself. */
function pickPai(entries: (NameAddr | null)[]): NameAddr | null {
  const usable = entries.filter((e): e is NameAddr => e !== null && e.scheme !== 'other');
  if (usable.length === 0) return null;
  const tel = usable.find((e) => e.scheme === 'tel');
  const first = usable[0]!;
  if (tel && tel !== first && !tel.display && first.display) return { ...tel, display: first.display };
  return tel ?? first;
}

function firstUsable(entries: (NameAddr | null)[]): NameAddr | null {
  for (const e of entries) if (e && e.scheme !== 'other') return e;
  return null;
}

function isAnonymous(e: NameAddr): boolean {
  const host = uriHost(e.uri).toLowerCase();
  if (host === 'anonymous.invalid') return true;
  const user = uriUser(e.uri).toLowerCase();
  return user === '' ? e.scheme === 'tel' : ANONYMOUS_USERS.has(user);
}

// ---- parsing -----------------------------------------------------------------------------

function normaliseBag(headers: InviteHeaders | null | undefined): Map<string, string> {
  const bag = new Map<string, string>();
  if (!headers || typeof headers !== 'object') return bag;
  let seen = 0;
  for (const key of Object.keys(headers)) {
    if (++seen > 256) break;
    const raw: unknown = (headers as Record<string, unknown>)[key];
    let value: string;
    if (typeof raw === 'string') value = raw;
    else if (Array.isArray(raw)) value = raw.slice(0, MAX_ENTRIES).filter((v): v is string => typeof v === 'string').join(', ');
    else continue;
    const name = key.trim().toLowerCase();
    const prev = bag.get(name);
    const joined = prev ? `${prev}, ${value}` : value;
    bag.set(name, joined.length > MAX_HEADER ? joined.slice(0, MAX_HEADER) : joined);
  }
  return bag;
}

/** Splits a header value at top-level commas (not inside quotes or <>). */
export function splitList(value: string): string[] {
  const out: string[] = [];
  const s = value.length > MAX_HEADER ? value.slice(0, MAX_HEADER) : value;
  let start = 0;
  let quoted = false;
  let angle = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if (c === ',' && !angle) {
      out.push(s.slice(start, i));
      start = i + 1;
      if (out.length >= MAX_ENTRIES) return out.map((x) => x.trim()).filter(Boolean);
    }
  }
  out.push(s.slice(start));
  return out.map((x) => x.trim()).filter(Boolean);
}

/** `"Name" <uri>;params`, `Name <uri>;params` or `uri;params` → parts; null if not even that. */
function parseNameAddr(input: string): NameAddr | null {
  const s = input.trim();
  if (!s) return null;
  let display = '';
  let rest = s;
  if (s[0] === '"') {
    // runs between escapes are copied whole (a char at a time was ~1 ms for an 8 KB name)
    let i = 1;
    let d = '';
    for (;;) {
      const quote = s.indexOf('"', i);
      if (quote < 0) return null; // unterminated quote
      const esc = s.indexOf('\\', i);
      if (esc < 0 || esc > quote) {
        d += s.slice(i, quote);
        i = quote;
        break;
      }
      d += s.slice(i, esc) + s.charAt(esc + 1);
      i = esc + 2;
    }
    display = d;
    rest = s.slice(i + 1).trim();
  }
  let uri: string;
  let after: string;
  const lt = rest.indexOf('<');
  if (lt >= 0) {
    const gt = rest.indexOf('>', lt + 1);
    if (gt < 0) return null;
    if (!display) display = rest.slice(0, lt).trim();
    else if (rest.slice(0, lt).trim()) return null; // text between the quoted name and <
    uri = rest.slice(lt + 1, gt).trim();
    after = rest.slice(gt + 1);
  } else {
    if (display) return null; // a display name needs <uri>
    const semi = rest.indexOf(';');
    uri = (semi >= 0 ? rest.slice(0, semi) : rest).trim();
    after = semi >= 0 ? rest.slice(semi) : '';
    if (/\s/.test(uri)) return null;
  }
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(uri);
  if (!m || uri.length <= m[0].length) return null;
  const sch = m[1]!.toLowerCase();
  const scheme: NameAddr['scheme'] = sch === 'sip' || sch === 'sips' || sch === 'tel' ? sch : 'other';
  if (scheme !== 'tel' && scheme !== 'other' && !oneUserHost(uri, m[0].length)) return null;
  const params = new Map<string, string>();
  for (const p of after.split(';').slice(0, MAX_ENTRIES)) {
    const eq = p.indexOf('=');
    const k = (eq >= 0 ? p.slice(0, eq) : p).trim().toLowerCase();
    if (!k) continue;
    const v = eq >= 0 ? p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1') : '';
    if (!params.has(k)) params.set(k, v);
  }
  return { display: display.trim(), uri, scheme, params };
}

/**
 * What `/^[^@]*@?[^@]+$/` said of the URI after its scheme (at most one `@`, something after it),
 * in one pass: that regex backtracked quadratically on a long user part followed by `@@` (8 KB
 * held the renderer for 140 ms; hostile INVITEs carry several such headers).
 */
function oneUserHost(uri: string, from: number): boolean {
  const at = uri.indexOf('@', from);
  if (at < 0) return uri.length > from;
  return uri.indexOf('@', at + 1) < 0 && at < uri.length - 1;
}

function stripAngles(s: string): string {
  const t = s.trim();
  const lt = t.indexOf('<');
  const gt = t.indexOf('>', lt + 1);
  return lt >= 0 && gt > lt ? t.slice(lt + 1, gt) : t;
}

/** User part of a sip:/sips: URI, the number of a tel: URI, '' otherwise. */
function uriUser(uri: string): string {
  const m = /^(sips?|tel):/i.exec(uri.trim());
  if (!m) return '';
  const rest = uri.trim().slice(m[0].length);
  if (m[1]!.toLowerCase() === 'tel') return decode(rest.split(/[;?]/)[0]!);
  const at = rest.indexOf('@');
  if (at < 0) return '';
  return decode(rest.slice(0, at).split(';')[0]!.split(':')[0]!);
}

function uriHost(uri: string): string {
  const m = /^(sips?):/i.exec(uri.trim());
  if (!m) return '';
  const rest = uri.trim().slice(m[0].length);
  const at = rest.indexOf('@');
  return rest.slice(at + 1).split(/[;?:>]/)[0] ?? '';
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Trim, drop control characters (bidi controls among them: displayControl), cap the length. */
function clean(s: string, max: number): string {
  let t = '';
  let run = 0; // start of the run of kept characters being scanned
  for (let i = 0; i < s.length; i++) {
    if (!displayControl(s.charCodeAt(i))) continue;
    t += s.slice(run, i);
    run = i + 1;
  }
  t = (run === 0 ? s : t + s.slice(run)).trim();
  return t.length > max ? t.slice(0, max) : t;
}

/**
 * Characters a caller's name must not carry: C0/C1 controls and DEL, line and paragraph
 * separators, and the bidi controls (marks, embeddings, overrides, isolates), with which
 * "\u202Eevil" reads as "live" on the agent's screen.
 */
export function displayControl(c: number): boolean {
  return c <= 0x1f || (c >= 0x7f && c <= 0x9f) || c === 0x061c || c === 0x200e || c === 0x200f ||
    (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}
