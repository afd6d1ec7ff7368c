/**
 * What Cognito (through Amplify's AuthError: `name` is Cognito's exception) says when a face
 * sign-in ends without tokens, as the ApiError the pages explain:
 *
 * - NotAuthorizedException "Incorrect username or password." — the last allowed answer was
 *   refused, for a known user with a wrong face and an unknown username alike → FACE_MISMATCH;
 * - NotAuthorizedException about the session — the sign-in took longer than Cognito's session
 *   (minutes) → SignInExpired, start again;
 * - UserLambdaValidationException "DefineAuthChallenge failed with error LOCKED_OUT: … {json}." —
 *   a trigger refused outright; facegate's triggers put the errorType in front and the errorInfo
 *   (LOCKED_OUT's retryAfter) as JSON at the end (functions/lib/trigger.ts) → that errorType.
 */
import { ApiError, toApiError } from '../shared/api-error';

/** The answers a failed sign-in had (for the message: "none of the 3 photos…"). */
export interface Answered {
  answered: number;
  maxAttempts: number;
}

const TRIGGER_REFUSAL = /failed with error ([A-Z][A-Z_]+): ([\s\S]*?)(?: (\{[\s\S]*\}))?\.?$/;

export function signInError(e: unknown, answered?: Answered): ApiError {
  if (e instanceof ApiError) return e;
  const { name, message } = (e ?? {}) as { name?: string; message?: string };
  const text = message ?? String(e);
  if (name === 'NotAuthorizedException' && /session/i.test(text)) return new ApiError(text, 'SignInExpired');
  // With PreventUserExistenceErrors Cognito says NotAuthorized for unknown users; UserNotFound would be a pool without it.
  if (name === 'NotAuthorizedException' || name === 'UserNotFoundException') {
    return new ApiError('The face was not accepted', 'FACE_MISMATCH', answered ? { ...answered, signInFailed: true } : { signInFailed: true });
  }
  if (name === 'UserLambdaValidationException') {
    const match = TRIGGER_REFUSAL.exec(text);
    if (!match) return new ApiError(text, 'INTERNAL');
    const [, type, said, json] = match;
    return new ApiError(said!, type!, json ? parseInfo(json) : {});
  }
  const api = toApiError(e);
  // Amplify's own errors (UserAlreadyAuthenticatedException, …) keep their name.
  return api.errorType === 'Error' && name ? new ApiError(text, name) : api;
}

function parseInfo(json: string): Record<string, unknown> {
  try {
    const info: unknown = JSON.parse(json);
    return typeof info === 'object' && info !== null && !Array.isArray(info) ? (info as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
