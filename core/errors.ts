import type { ErrorType } from '../schema/generated/graphql';

export type { ErrorType };

/** Details a client can show; travels as AppSync's `errorInfo`. */
export type ErrorInfo = Record<string, unknown>;

/** An expected failure with a stable name. Step Lambdas return it as `{error}`; never thrown to AppSync. */
export class FacegateError extends Error {
  constructor(
    readonly type: ErrorType,
    message: string,
    readonly info: ErrorInfo = {},
  ) {
    super(message);
    this.name = 'FacegateError';
  }
}

export const fail = (type: ErrorType, message: string, info?: ErrorInfo): never => {
  throw new FacegateError(type, message, info);
};

export const isFacegateError = (e: unknown): e is FacegateError => e instanceof FacegateError;

/**
 * Failures of the moment rather than of the request: the same request (same registrationId,
 * same staged upload) may succeed later, so a registration that ended with one of these may be
 * restarted by a retry and keeps its staged uploads. Every other error type is a decision.
 */
export const RETRYABLE_ERRORS: ReadonlySet<ErrorType> = new Set<ErrorType>(['THROTTLED', 'UNAVAILABLE', 'INTERNAL', 'LOCKED_OUT']);

/** An error a retry of the same request may get past (see RETRYABLE_ERRORS); unexpected errors count, they become INTERNAL. */
export const isRetryable = (e: unknown): boolean => !isFacegateError(e) || RETRYABLE_ERRORS.has(e.type);

/** A conditional write lost: the item was not in the state the writer expected. */
export class ConditionFailedError extends Error {
  constructor(message = 'condition failed') {
    super(message);
    this.name = 'ConditionFailedError';
  }
}

export const isConditionFailed = (e: unknown): e is ConditionFailedError => e instanceof ConditionFailedError;
