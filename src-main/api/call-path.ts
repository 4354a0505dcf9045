// The one call path of both hosts: a method call (from Electron IPC, or the web host's HTTP and
// WebSocket) becomes a reply envelope here. It validates and runs the call (DesktopApi.dispatch),
// turns a contract error into {code, message}, logs an internal error with its stack (the
// renderer gets no stack) and logs a call that held the host's thread too long, with why.
import type { Reply } from '../../src-shared/api/envelope';
import type { DesktopApi } from './desktop-api';
import { ApiError } from './errors';
import { startCallClock } from './call-clock';

export interface CallPathOptions {
  log: (line: string) => void;
  /** Calls slower than this are logged (PRONTO_SLOW_API_MS). */
  slowMs: number;
}

export type CallPath = (method: string, input: unknown) => Promise<Reply>;

export function createCallPath(api: DesktopApi, opts: CallPathOptions): CallPath {
  return async (method, input) => {
    const clock = startCallClock();
    try {
      const pending = api.dispatch(method, input); // runs on this thread up to its first await
      clock.returned();
      return { ok: true, result: await pending };
    } catch (err) {
      if (err instanceof ApiError) return { ok: false, error: { code: err.code, message: err.message } };
      opts.log(`api ${method} failed: ${(err as Error).stack ?? String(err)}`);
      return { ok: false, error: { code: 'internal', message: 'internal error (see the host log)' } };
    } finally {
      // every call runs on this one thread: a slow one delays the next pop
      const ms = clock.ms();
      if (ms >= opts.slowMs) opts.log(`slow api ${method}: ${ms.toFixed(1)} ms (${clock.explain()})`);
    }
  };
}

/** The web host's HTTP status for a reply (the envelope says the same in its code). */
export function httpStatus(reply: Reply): number {
  if (reply.ok) return 200;
  return reply.error.code === 'unknown_method' ? 404 : reply.error.code === 'internal' ? 500 : 400;
}
