// What the page may ask of Electron: permissions only for our own origin, and only what a
// softphone needs (the microphone — no camera —, the speaker choice, notifications, writing
// "Copy diagnostics" to the clipboard); links opened in the OS browser only from an allowlist.
// Both the request handler (prompts) and the check handler (queries such as
// navigator.permissions, enumerateDevices' labels) use these: Electron grants every check by
// default, so a request handler alone leaves the checks open.
import { originOf } from './app-protocol';

export interface PermissionRequest {
  permission: string;
  /** details.requestingUrl (request) or requestingOrigin (check). */
  requestingUrl: string | undefined;
  /** details.mediaTypes (request: ['audio'], ['video']…) or [details.mediaType] (check). */
  mediaTypes?: readonly string[] | undefined;
  /** A request from a subframe (the app has none). */
  isMainFrame?: boolean;
}

const ALLOWED = new Set(['media', 'notifications', 'speaker-selection', 'clipboard-sanitized-write']);

/** Allowed: only our origin(s), only audio for media, only the permissions above. */
export function permissionAllowed(r: PermissionRequest, appOrigins: readonly string[]): boolean {
  if (!ALLOWED.has(r.permission)) return false;
  if (r.isMainFrame === false) return false;
  const origin = r.requestingUrl ? originOf(r.requestingUrl) : null;
  if (origin === null || !appOrigins.includes(origin)) return false;
  if (r.permission === 'media') {
    const types = (r.mediaTypes ?? []).filter((t) => t !== undefined && t !== '');
    // a request names what it wants; a check with "unknown" asks about devices in general
    if (types.length === 0) return false;
    return types.every((t) => t === 'audio' || t === 'unknown');
  }
  return true;
}

/** shell.openExternal: https only, and only to an allowed origin (the hub's, by default). */
export function externalUrlAllowed(url: string, allowedOrigins: readonly string[]): boolean {
  if (typeof url !== 'string' || url.length > 2048) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username || u.password) return false;
  return allowedOrigins.includes(u.origin);
}

/** The allowlist for shell.openExternal: the hub's origin when it is https (its help and update pages). */
export function externalOrigins(hubUrl: string | undefined, extra: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const candidate of [hubUrl, ...extra]) {
    if (!candidate) continue;
    try {
      const u = new URL(candidate);
      if (u.protocol === 'https:') out.push(u.origin);
    } catch {
      /* not a URL: nothing allowed from it */
    }
  }
  return out;
}
