/**
 * Request-level auth failures, shaped as AppSync answers them: HTTP status plus
 * `{"errors":[{"errorType","message"}]}`. `reason` is for the server log only.
 */
export class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError';
  constructor(
    readonly errorType: string,
    message: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(message);
  }

  /** The HTTP body AppSync returns for it. */
  toBody(): { errors: { errorType: string; message: string }[] } {
    return { errors: [{ errorType: this.errorType, message: this.message }] };
  }
}

export const NOT_AUTHORIZED_MESSAGE = 'You are not authorized to make this call.';

/** 401 UnauthorizedException: missing credentials, wrong API key, bad or expired JWT. */
export const unauthorized = (reason: string) => new UnauthorizedError('UnauthorizedException', NOT_AUTHORIZED_MESSAGE, 401, reason);

export const isUnauthorized = (value: unknown): value is UnauthorizedError => value instanceof UnauthorizedError;
