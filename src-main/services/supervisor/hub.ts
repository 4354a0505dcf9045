// The supervisor's reads and writes at the hub, through the sync client's one hub fetch
// (hubFetch: bearer token, the hub's error shape as a SyncError). Every answer is checked with
// zod; one that does not match is a SupervisorError, the same as a hub that did not answer.
import type { z } from 'zod';
import { hubFetch, SyncError } from '../sync/page';
import { HubEvent } from '../../../src-shared/supervisor/stats';
import type { HubLink } from '../agent-state/hub';

export class SupervisorError extends Error {}

export function hubBase(link: HubLink): string {
  return link.hubUrl.replace(/\/+$/, '');
}

async function send(link: HubLink, path: string, init: RequestInit): Promise<Response> {
  try {
    return await hubFetch(`${hubBase(link)}${path}`, link.token, { ...init, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    if (err instanceof SyncError) throw new SupervisorError(err.message);
    throw new SupervisorError(`hub: ${(err as Error).message}`);
  }
}

function checked<T>(path: string, schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new SupervisorError(`hub answered ${path.split('?')[0]} with an unexpected shape (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`);
}

async function jsonOf(res: Response, path: string): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    throw new SupervisorError(`hub answered ${path.split('?')[0]} with something that is not JSON`);
  }
}

export async function hubGet<T>(link: HubLink, path: string, schema: z.ZodType<T>): Promise<T> {
  const res = await send(link, path, { headers: { Accept: 'application/json' } });
  return checked(path, schema, await jsonOf(res, path));
}

export async function hubPut<T>(link: HubLink, path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
  const res = await send(link, path, { method: 'PUT', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) });
  return checked(path, schema, await jsonOf(res, path));
}

/** GET /v1/events for [from, to): every NDJSON line checked (one bad line fails the whole read). */
export async function hubEvents(link: HubLink, from: Date, to: Date): Promise<HubEvent[]> {
  const path = `/v1/events?${new URLSearchParams({ from: from.toISOString(), to: to.toISOString() })}`;
  const res = await send(link, path, { headers: { Accept: 'application/x-ndjson' } });
  const text = await res.text();
  const out: HubEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new SupervisorError('hub answered /v1/events with a line that is not JSON');
    }
    out.push(checked('/v1/events', HubEvent, raw));
  }
  return out;
}
