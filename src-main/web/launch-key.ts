// The web host's per-launch key. Host and Origin checks keep browsers' other pages out, but any
// local process (another user's too) can open a socket to 127.0.0.1 and send any header it likes.
// The key is 32 random bytes made at start and printed only inside the URL the user opens; the
// page trades it for an HttpOnly cookie (named per port: cookies ignore ports, and two hosts on
// one machine must not overwrite each other's), scripts send it as `X-Pronto-Key`.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const LAUNCH_KEY_PARAM = 'key';
export const LAUNCH_KEY_HEADER = 'x-pronto-key';

export function newLaunchKey(): string {
  return randomBytes(32).toString('base64url');
}

export function keyCookieName(port: number): string {
  return `pronto_key_${port}`;
}

export function keyCookie(port: number, key: string): string {
  return `${keyCookieName(port)}=${key}; Path=/; HttpOnly; SameSite=Strict`;
}

/** The key a request carries: its header, else its cookie for this port (undefined: none). */
export function presentedKey(req: IncomingMessage, port: number): string | undefined {
  const header = req.headers[LAUNCH_KEY_HEADER];
  if (typeof header === 'string') return header;
  const cookies = req.headers.cookie;
  if (!cookies) return undefined;
  const name = `${keyCookieName(port)}=`;
  for (const part of cookies.split(';')) {
    const c = part.trim();
    if (c.startsWith(name)) return c.slice(name.length);
  }
  return undefined;
}

/** Constant-time comparison (the length of a key is no secret). */
export function sameKey(given: string | undefined, key: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}
