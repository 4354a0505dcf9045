// The renderer is served from app://pronto/ (a privileged, standard, secure scheme) instead of
// file://: a file:// page's origin is "null" and it may read any file the user can, so neither the
// permission checks nor the CSP could name it. Here: which file a request of app:// may get.
// Pure: the shell joins the answer to the renderer folder (and checks it stays inside, again).

export const APP_SCHEME = 'app';
export const APP_HOST = 'pronto';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the window loads. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

const MAX_URL = 2048;
/** A path segment of a bundled file: letters, digits and a few punctuation marks; no dot segments. */
const SEGMENT = /^[A-Za-z0-9_@+~-][A-Za-z0-9_.@+~-]{0,200}$/;

export type AppPath = { ok: true; path: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * The file (relative, '/'-separated) an app:// URL names. Refused: another host, anything that
 * could leave the folder (`..` in any encoding, backslashes, encoded slashes, NUL, drive letters),
 * overlong URLs. `/` is the entry page. Query and fragment are ignored.
 */
export function appRequestPath(url: string): AppPath {
  if (typeof url !== 'string' || url.length > MAX_URL) return { ok: false, status: 400, reason: 'bad URL' };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 400, reason: 'bad URL' };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return { ok: false, status: 403, reason: 'not the app origin' };
  if (u.username || u.password || u.port) return { ok: false, status: 403, reason: 'not the app origin' };
  // The WHATWG parser has already folded `.`/`..` and `%2e%2e`; what is left must still be plain
  // segments. An encoded '/' or '\' (or a raw backslash) could be decoded later into a separator.
  const raw = u.pathname;
  if (/%2f|%5c|%00|\\/i.test(raw)) return { ok: false, status: 403, reason: 'path refused' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return { ok: false, status: 400, reason: 'bad URL' };
  }
  const segments = decoded.split('/').filter((s, i) => !(i === 0 && s === ''));
  if (segments.length === 0 || (segments.length === 1 && segments[0] === '')) return { ok: true, path: 'index.html' };
  if (segments.length > 16) return { ok: false, status: 403, reason: 'path refused' };
  for (const s of segments) {
    if (!SEGMENT.test(s) || s === '.' || s === '..') return { ok: false, status: 403, reason: 'path refused' };
  }
  return { ok: true, path: segments.join('/') };
}

const MIME: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  woff: 'font/woff',
  wasm: 'application/wasm',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  map: 'application/json',
};

/** The Content-Type of a bundled file (served with nosniff: a wrong type would not run). */
export function mimeTypeOf(path: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  return MIME[ext] ?? 'application/octet-stream';
}

/** Is this frame our page: the app origin in production, the dev server's origin under `electron-vite dev`. */
export function isAppPage(url: string | undefined, devServerUrl?: string): boolean {
  if (!url || url.length > MAX_URL) return false;
  const origin = originOf(url);
  if (origin === null) return false;
  return origin === (devServerUrl ? originOf(devServerUrl) : APP_ORIGIN);
}

/**
 * scheme://host[:port] of a URL. Node's URL answers "null" as the origin of schemes it does not
 * know (app:), while Chromium, where app: is registered as standard, answers app://pronto.
 */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (!u.host || u.username || u.password) return null;
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}
