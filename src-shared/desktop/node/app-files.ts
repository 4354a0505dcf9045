// app:// requests to files of the renderer folder (Node side of app-protocol.ts): the relative
// path that appRequestPath allowed, joined to the folder and checked to stay inside it once more
// (with this platform's separators), then read. The Electron shell answers protocol.handle with it.
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { appRequestPath, mimeTypeOf } from '../app-protocol';

export type AppFile = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404; reason: string };

export function resolveAppFile(root: string, url: string): AppFile {
  const rel = appRequestPath(url);
  if (!rel.ok) return rel;
  const base = resolve(root);
  const file = resolve(base, ...rel.path.split('/'));
  if (!file.startsWith(base + sep)) return { ok: false, status: 403, reason: 'path refused' };
  return { ok: true, file };
}

/** The response to an app:// request: the file with its type, the CSP given and nosniff; 403/404 otherwise. */
export async function appFileResponse(root: string, url: string, csp: string): Promise<Response> {
  const r = resolveAppFile(root, url);
  if (!r.ok) return new Response(r.reason, { status: r.status, headers: { 'Content-Type': 'text/plain' } });
  let body: Buffer;
  try {
    body = await readFile(r.file);
  } catch {
    return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
  }
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: {
      'Content-Type': mimeTypeOf(r.file),
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    },
  });
}
