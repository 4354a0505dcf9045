import type { HostErrorCode } from '../../src-shared/api/envelope';

/** An error the hosts pass to the renderer as {code, message}; anything else becomes "internal". */
export class ApiError extends Error {
  constructor(public code: HostErrorCode, message: string) {
    super(message);
  }
}
