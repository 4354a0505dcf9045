export type ApiErrorCode = 'bad_request' | 'unknown_method' | 'internal';

/** An error the hosts pass to the renderer as {code, message}; anything else becomes "internal". */
export class ApiError extends Error {
  constructor(public code: ApiErrorCode, message: string) {
    super(message);
  }
}
