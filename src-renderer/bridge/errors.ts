// One error type for every bridge failure, whichever host carries the call (defined with the
// reply envelope in src-shared, so both bridges and both hosts speak one set of codes).
import { BridgeError } from '../../src-shared/api/envelope';

export { BridgeError };

export function toBridgeError(err: unknown): BridgeError {
  if (err instanceof BridgeError) return err;
  if (err instanceof Error) return new BridgeError('internal', err.message);
  return new BridgeError('internal', String(err));
}
