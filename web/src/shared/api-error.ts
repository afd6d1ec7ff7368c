/** A refusal or failure, as AppSync reported it (errorType from the schema's ErrorType, or AppSync's own). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly errorType: string,
    readonly errorInfo: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface RawError {
  message?: string;
  errorType?: string | null;
  errorInfo?: unknown;
  originalError?: { name?: string; message?: string };
}

/**
 * Whatever Amplify threw → ApiError: a GraphQLResult whose errors are AppSync's own objects
 * (errorType, errorInfo), or an Error (the network, a configuration problem).
 */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const errors = (e as { errors?: RawError[] } | null)?.errors;
  const first = Array.isArray(errors) ? errors[0] : (e as RawError | null);
  if (!first) return new ApiError(String(e), 'Error');
  const info = first.errorInfo && typeof first.errorInfo === 'object' ? (first.errorInfo as Record<string, unknown>) : {};
  const message = first.message ?? first.originalError?.message ?? 'Request failed';
  const type = first.errorType ?? (isNetworkError(first) ? 'NetworkError' : (first.originalError?.name ?? 'Error'));
  return new ApiError(message, type, info);
}

const isNetworkError = (e: RawError): boolean =>
  e.originalError?.name === 'NetworkError' || /network ?error|failed to fetch/i.test(e.message ?? '') || /failed to fetch/i.test(e.originalError?.message ?? '');
