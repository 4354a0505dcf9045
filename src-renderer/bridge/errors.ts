// One error type for every bridge failure, whichever host carries the call.
export class BridgeError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'BridgeError';
    this.code = code;
  }
}

export function toBridgeError(err: unknown): BridgeError {
  if (err instanceof BridgeError) return err;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return new BridgeError(typeof code === 'string' ? code : 'internal', err.message);
  }
  return new BridgeError('internal', String(err));
}
