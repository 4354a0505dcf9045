// One pull page off the wire: request, decompress, split, validate every line. Pure network +
// parsing, no store: it runs on the sync thread or, for long pulls, in a worker (pull-worker.ts)
// so that parsing page N+1 overlaps with writing page N.
import {
  parsePullLine, EntityData, type ChangeLine, type CheckpointLine, type Entity,
} from '../../../src-shared/sync/protocol';

export class SyncError extends Error {
  constructor(message: string, public transient: boolean, public offline = false, public status: number | null = null) {
    super(message);
  }
}

export interface PageRequest {
  base: string;
  token: string;
  after: number;
  scope: string | null;
  limit: number;
  /** Ask for the count of what remains (progress); costs the hub a count, so only when needed. */
  total: boolean;
}

export interface Page {
  changes: ChangeLine[];
  /** The change lines as received (validated), for handing the page to another thread as text. */
  lines: string[];
  checkpoint: CheckpointLine;
  reset: boolean;
}

/** pull-worker → sync thread. */
export type WorkerMessage =
  | { type: 'page'; json: string; count: number; entities: Entity[]; checkpoint: CheckpointLine; reset: boolean }
  | { type: 'end' }
  | { type: 'error'; message: string; transient: boolean; offline: boolean };

export function pullUrl(r: PageRequest): string {
  const q = new URLSearchParams({ after: String(r.after), limit: String(r.limit) });
  if (r.scope) q.set('scope', r.scope);
  if (r.total) q.set('total', '1');
  return `${r.base}/v1/sync/pull?${q}`;
}

/** fetch() with the hub's error shape turned into a SyncError (transient: worth retrying). */
export async function hubFetch(url: string, token: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) } });
  } catch (err) {
    throw new SyncError(`hub unreachable: ${(err as Error).cause ? String((err as { cause: unknown }).cause) : (err as Error).message}`, true, true);
  }
  if (res.ok) return res;
  const body = await res.text().catch(() => '');
  let message = body.slice(0, 300);
  try {
    const j = JSON.parse(body) as { message?: string; issues?: { path: string; message: string }[] };
    message = [j.message, ...(j.issues ?? []).map((i) => `${i.path}: ${i.message}`)].filter(Boolean).join('; ');
  } catch { /* not JSON */ }
  const path = new URL(url).pathname;
  throw new SyncError(`hub ${res.status} on ${path}: ${message}`, res.status >= 500 || res.status === 429, false, res.status);
}

/**
 * Fetches and checks one page. A page that is cut short (no checkpoint line) or has any
 * malformed line is rejected whole: the caller applies nothing and keeps its cursor.
 */
export async function fetchPage(r: PageRequest): Promise<Page> {
  const res = await hubFetch(pullUrl(r), r.token, { headers: { 'Accept-Encoding': 'gzip' } });
  if (!res.body) throw new SyncError('hub sent an empty pull response', true);
  const changes: ChangeLine[] = [];
  const lines: string[] = [];
  let checkpoint: CheckpointLine | null = null;
  let reset = false;
  let lineNo = 0;
  const take = (line: string): void => {
    lineNo++;
    if (!line.trim()) return;
    if (checkpoint) throw new SyncError(`pull page: line ${lineNo}: data after the checkpoint line`, false);
    let parsed;
    try {
      parsed = parsePullLine(line);
    } catch (err) {
      throw new SyncError(`pull page rejected: line ${lineNo}: ${describeBadLine(line, err)}`, false);
    }
    if ('checkpoint' in parsed) checkpoint = parsed;
    else if ('reset' in parsed) {
      if (lineNo !== 1) throw new SyncError(`pull page rejected: line ${lineNo}: reset must be the first line`, false);
      reset = true;
    } else {
      const prev = changes[changes.length - 1];
      if (prev && parsed.seq <= prev.seq) throw new SyncError(`pull page rejected: change seq ${parsed.seq} out of order`, false);
      changes.push(parsed);
      lines.push(line);
    }
  };
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      // Split each decoded chunk once (not line by line off the front of a growing string).
      const text = decoder.decode(chunk, { stream: true });
      if (!text.includes('\n')) {
        buf += text;
        continue;
      }
      const parts = (buf + text).split('\n');
      buf = parts.pop()!;
      for (const p of parts) take(p);
    }
  } catch (err) {
    if (err instanceof SyncError) throw err;
    throw new SyncError(`pull interrupted: ${(err as Error).message}`, true);
  }
  buf += decoder.decode();
  if (buf.trim()) take(buf);
  const cp = checkpoint as CheckpointLine | null;
  if (!cp) throw new SyncError('pull page cut short (no checkpoint line): discarded', true);
  return { changes, lines, checkpoint: cp, reset };
}

/** Names the field that is wrong, not just "invalid input" (the union hides which member failed). */
function describeBadLine(line: string, err: unknown): string {
  const v = safeJson(line) as { entity?: string; op?: string; data?: unknown } | null;
  if (v === null) return `not valid JSON: ${line.slice(0, 80)}`;
  if (v.op === 'upsert' && typeof v.entity === 'string' && v.entity in EntityData) {
    const r = EntityData[v.entity as keyof typeof EntityData].safeParse(v.data);
    if (!r.success) {
      const i = r.error.issues[0]!;
      return `data.${i.path.join('.')}: ${i.message} (${v.entity})`;
    }
  }
  const i = (err as { issues?: { path: (string | number)[]; message: string }[] }).issues?.[0];
  return i ? `${i.path.join('.') || 'line'}: ${i.message}` : (err as Error).message;
}

export function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
