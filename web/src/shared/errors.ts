/**
 * What to tell a person when facegate refuses: one message per ErrorType of the schema (the
 * Record makes a new enum value a type error here), with the details errorInfo carries —
 * the quality screen's reasons, the lockout's retry time, the size cap.
 */
import type { QualityReason, UnindexedReason } from '../../../core/ports';
import type { ErrorType } from '../../../schema/generated/graphql';
import type { ApiError } from './api-error';

export interface Explanation {
  title: string;
  detail?: string;
  /** Items to list (the quality reasons). */
  points?: string[];
}

/** The quality screen's reasons (core/screening.ts) and Rekognition's IndexFaces reasons. */
export const REASONS: Record<QualityReason | UnindexedReason, string> = {
  LOW_CONFIDENCE: 'The face is not clear enough to be sure it is a face.',
  EXTREME_POSE: 'The head is turned or tilted too far: look straight at the camera.',
  SUNGLASSES: 'Sunglasses hide the eyes: take them off.',
  EYES_CLOSED: 'The eyes look closed: keep them open.',
  LOW_BRIGHTNESS: 'The photo is too dark: find more light.',
  LOW_SHARPNESS: 'The photo is blurred: hold still, or clean the lens.',
  FACE_TOO_SMALL: 'The face is too small in the picture: come closer.',
  SMALL_BOUNDING_BOX: 'The face is too small in the picture: come closer.',
  LOW_FACE_QUALITY: 'The face is not clear enough: try better light, facing the camera.',
  EXCEEDS_MAX_FACES: 'There are other faces in the picture: only you should be in it.',
};

const mb = (bytes: unknown): string => (typeof bytes === 'number' ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : 'the limit');

/** "at 14:05 (in 12 minutes)" for an ISO time, relative to `now`: when to retry, when a session ends. */
export function atTimeFromNow(iso: unknown, now: Date = new Date()): string {
  if (typeof iso !== 'string' || Number.isNaN(Date.parse(iso))) return 'later';
  const at = new Date(iso);
  const minutes = Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 60_000));
  const clock = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return `at ${clock} (in ${minutes} minute${minutes === 1 ? '' : 's'})`;
}

/** "in 2 seconds" for THROTTLED / UNAVAILABLE's retryAfter (a number of seconds). */
const secondsFromNow = (seconds: unknown): string =>
  typeof seconds === 'number' && seconds > 0 ? `in ${Math.ceil(seconds)} second${Math.ceil(seconds) === 1 ? '' : 's'}` : 'in a moment';

const which = (info: Record<string, unknown>): string => (info.field === 'idCard' || info.field === 'input.idCard' ? 'the ID card photo' : 'the photo');
const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const MESSAGES: Record<ErrorType, (e: ApiError, now: Date) => Explanation> = {
  INVALID_INPUT: (e) => ({ title: 'Please check the form.', detail: e.message }),
  INVALID_IMAGE: (e) => ({ title: `We could not read ${which(e.errorInfo)}.`, detail: 'Use a JPEG or PNG photo.' }),
  IMAGE_TOO_LARGE: (e) => ({ title: capital(`${which(e.errorInfo)} is too large.`), detail: `The most we take is ${mb(e.errorInfo.maxBytes)}.` }),
  NO_FACE: (e) => ({
    title: `We could not find a face in ${which(e.errorInfo)}.`,
    detail: 'Face the camera in good light, with your whole face in the frame.',
  }),
  MULTIPLE_FACES: (e) => ({
    title: `There is more than one face in ${which(e.errorInfo)}.`,
    detail: 'Make sure only you are in the picture.',
  }),
  POOR_QUALITY: (e) => {
    const reasons = Array.isArray(e.errorInfo.reasons) ? (e.errorInfo.reasons as string[]) : [];
    const points = [...new Set(reasons.map((r) => REASONS[r as QualityReason] ?? r))];
    return { title: capital(`${which(e.errorInfo)} is not good enough to use.`), points: points.length ? points : ['Try again in good light, facing the camera.'] };
  },
  FACE_ALREADY_REGISTERED: () => ({ title: 'This face is already registered under another user ID.', detail: 'Sign in with that user ID instead.' }),
  USER_ALREADY_EXISTS: (e) => ({
    title: `The user ID ${typeof e.errorInfo.userId === 'string' ? `“${e.errorInfo.userId}” ` : ''}is taken.`,
    detail: 'Choose another one, or sign in if it is yours.',
  }),
  USER_NOT_FOUND: (e) => ({ title: 'There is no such user.', detail: e.message }),
  // The API says the same for an unknown user (no enumeration): so does the page.
  FACE_MISMATCH: (e) =>
    e.errorInfo.signInFailed
      ? {
          title: 'Not signed in: the face was not accepted.',
          detail: `${typeof e.errorInfo.maxAttempts === 'number' ? `None of the ${e.errorInfo.maxAttempts} photos matched` : 'The photo did not match'} this user ID, so this sign-in is over. Check the user ID, then sign in again with a new photo in good light.`,
        }
      : { title: 'The face does not match this user.', detail: 'Check the user ID, or try another photo in good light.' },
  FACE_MISMATCH_ID_CARD: () => ({ title: 'The selfie does not match the face on the ID card.', detail: 'Use your own ID card, photographed flat and in focus.' }),
  LOCKED_OUT: (e, now) => ({
    title: 'Too many failed attempts.',
    detail: `For your safety this user is locked for a while. Try again ${atTimeFromNow(e.errorInfo.retryAfter, now)}.`,
  }),
  // Retryable: the same request may be sent again after errorInfo.retryAfter seconds (nothing was kept).
  THROTTLED: (e) => ({ title: 'facegate is busy right now.', detail: `Nothing was changed. Try again ${secondsFromNow(e.errorInfo.retryAfter)}.` }),
  UNAVAILABLE: (e) => ({ title: 'facegate could not finish in time.', detail: `Nothing was changed. Try again ${secondsFromNow(e.errorInfo.retryAfter)}.` }),
  CONFLICT: (e) => ({ title: 'This request clashed with another one.', detail: `${e.message}. Try again.` }),
  UNAUTHORIZED: () => ({ title: 'You are not allowed to do this.' }),
  INTERNAL: () => ({ title: 'Something went wrong on our side.', detail: 'Nothing was changed. Please try again.' }),
};

const isErrorType = (t: string): t is ErrorType => Object.hasOwn(MESSAGES, t);

/** The message for an API failure: schema errorTypes, AppSync's own (Unauthorized…), the network, a face sign-in's end (sign-in-errors.ts). */
export function explain(e: ApiError, now: Date = new Date()): Explanation {
  if (isErrorType(e.errorType)) return MESSAGES[e.errorType](e, now);
  if (/^Unauthorized/.test(e.errorType)) return { title: 'Not signed in, or not allowed to do this.', detail: e.message };
  if (e.errorType === 'NetworkError' || e.errorType === 'UploadFailed') return { title: 'Cannot reach facegate.', detail: e.message };
  if (e.errorType === 'SignInExpired') return { title: 'The sign-in took too long.', detail: 'Press Sign in again to start a new one.' };
  return { title: 'The request failed.', detail: `${e.errorType}: ${e.message}` };
}
