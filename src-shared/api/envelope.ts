// One reply envelope and one error-code union for every host and every bridge: the Electron IPC
// handler and the web host both answer a method call with a `Reply`; the preload passes it through
// untouched (an object crosses contextBridge intact, an Error's extra fields do not) and the
// renderer's bridges read it with `readReply`, which also checks the result against the contract.
import { methods, type MethodName, type Output } from './contract';

/** Errors a host answers with: the input broke the contract, no such method, or the host failed. */
export const HOST_ERROR_CODES = ['bad_request', 'unknown_method', 'internal'] as const;
export type HostErrorCode = (typeof HOST_ERROR_CODES)[number];
/** What a bridge adds: the host could not be reached, or answered outside the contract / the envelope. */
export type BridgeErrorCode = HostErrorCode | 'unreachable' | 'bad_response' | `http_${number}`;

export type Reply<T = unknown> = { ok: true; result: T } | { ok: false; error: { code: HostErrorCode; message: string } };

/** One error type for every failed call, whichever host carried it. */
export class BridgeError extends Error {
  readonly code: BridgeErrorCode;
  constructor(code: BridgeErrorCode, message: string) {
    super(message);
    this.name = 'BridgeError';
    this.code = code;
  }
}

export function isHostErrorCode(code: unknown): code is HostErrorCode {
  return typeof code === 'string' && (HOST_ERROR_CODES as readonly string[]).includes(code);
}

/**
 * The result of `method` from the envelope a host sent, validated against the contract's output
 * schema (a host drifting from the contract fails loudly here instead of painting half a pop).
 * `status`: the HTTP status where the envelope came over HTTP (an error without an envelope).
 */
export function readReply<M extends MethodName>(method: M, raw: unknown, status = 200): Output<M> {
  const e = (raw && typeof raw === 'object' ? raw : null) as { ok?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } } | null;
  if (e?.ok === true && status < 400) {
    const parsed = methods[method].output.safeParse(e.result);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid';
      throw new BridgeError('bad_response', `${method}: the host answered outside the contract (${where})`);
    }
    return parsed.data as Output<M>;
  }
  const err = e?.error;
  throw new BridgeError(
    isHostErrorCode(err?.code) ? err.code : (`http_${status}` as const),
    typeof err?.message === 'string' ? err.message : `${method} failed with HTTP ${status}`,
  );
}
