// The renderer's Content-Security-Policy, defined once beside the contract the renderer is served
// with: sent as a header by both hosts (the web host's responses, Electron's session headers) and
// written into index.html's meta tag at build time (electron.vite.config.ts), so a page opened
// without either host's headers is held to the same policy.
//
// connect-src: a host that knows its configuration sends cspFor(endpoints), which names the
// configured SIP server and hub instead of any ws:/wss: (a page that an injected script took over
// cannot open a socket to anywhere else). The built meta tag cannot know them, so it carries the
// broad floor (CSP); a browser enforces both policies, so the host's header narrows it, and the
// web host also writes the narrow policy into the index.html it serves.
const BASE =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "media-src 'self' blob:; connect-src CONNECT; object-src 'none'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

/** The build-time floor: any ws:/wss: (the SIP server is configured after the build). */
export const CSP = BASE.replace('CONNECT', "'self' ws: wss:");

/** The same policy for a <meta> tag, which cannot carry frame-ancestors (browsers ignore it there, with a warning). */
export const CSP_META = metaOf(CSP);

export function metaOf(csp: string): string {
  return csp.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');
}

export interface CspEndpoints {
  /** The softphone's SIP WebSocket server (`ws://…`, `wss://…`). */
  sipServer?: string | null;
  /** The hub (`http://…`, `https://…`): named with its WebSocket twin (live sync). */
  hubUrl?: string | null;
}

const TWIN: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'http:', 'wss:': 'https:' };

/**
 * The origin of a URL as a CSP source (`wss://pbx.example.com:8089`), null for anything else: only
 * a parsed scheme, host and port are written, so no configured text can add a directive.
 */
export function cspSource(url: string | null | undefined): string | null {
  if (!url) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (!TWIN[u.protocol] || !u.host) return null;
  return `${u.protocol}//${u.host}`;
}

/** The header policy for a host configured with these endpoints: connect-src 'self' plus them. */
export function cspFor(endpoints: CspEndpoints): string {
  const sources = new Set<string>(["'self'"]);
  const sip = cspSource(endpoints.sipServer);
  if (sip && sip.startsWith('ws')) sources.add(sip);
  const hub = cspSource(endpoints.hubUrl);
  if (hub && hub.startsWith('http')) {
    sources.add(hub);
    sources.add(`${TWIN[hub.slice(0, hub.indexOf('//'))]}${hub.slice(hub.indexOf('//'))}`);
  }
  return BASE.replace('CONNECT', [...sources].join(' '));
}
