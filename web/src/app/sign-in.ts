/**
 * Face sign-in to the end users' Cognito pool with Amplify JS v6 (`aws-amplify/auth`,
 * unchanged), the way an app does it — the one module that knows how, so the pages do not:
 *
 *   signIn({username, options: {authFlowType: 'CUSTOM_WITHOUT_SRP'}})
 *     → nextStep CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE, additionalInfo = the challenge:
 *       {uploadUrl, uploadHeaders, uploadKey, expiresAt, maxBytes, attempt, maxAttempts}
 *   PUT the selfie to uploadUrl with uploadHeaders
 *   confirmSignIn({challengeResponse: uploadKey})
 *     → signed in (Amplify keeps the tokens and refreshes them), or another challenge: the face
 *       was not accepted (Cognito says no more), and the next photo answers that challenge,
 *       up to maxAttempts; after the last, NotAuthorizedException (sign-in-errors.ts).
 *
 * A PNG selfie asks for a PNG ticket with clientMetadata {contentType} (core/flows/signIn.ts).
 * A challenge waits here between two photos; one that expired, or a photo of another type, starts
 * a new sign-in, which costs no answer.
 */
import { confirmSignIn, fetchAuthSession, signIn, signOut, type SignInOutput } from 'aws-amplify/auth';
import { ApiError } from '../shared/api-error';
import { uploadWith, type UploadTicket } from '../shared/upload';
import { signInError } from './sign-in-errors';

/** A face challenge of the pool: the upload ticket, and which answer of how many it takes. */
interface FaceChallenge extends UploadTicket {
  username: string;
  attempt: number;
  maxAttempts: number;
  expiresAt: number;
}

/** Who is signed in, from the tokens Amplify holds. */
export interface SignedInUser {
  /** The Cognito username: the facegate userId. */
  userId: string;
  /** When the access token (and the ID token) expire; Amplify refreshes them with the refresh token. */
  expiresAt: string;
}

export type FaceSignIn =
  | { signedIn: true; user: SignedInUser }
  /** The face was not accepted; `answered` of `maxAttempts` answers are spent, the next photo answers the waiting challenge. */
  | { signedIn: false; userId: string; answered: number; maxAttempts: number };

/** Answer a waiting challenge only with this much of its lifetime left; else start again. */
const EXPIRY_MARGIN_MS = 15_000;

let waiting: FaceChallenge | null = null;

function challengeOf(username: string, output: SignInOutput): FaceChallenge {
  const step = output.nextStep;
  const info = step.signInStep === 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE' ? step.additionalInfo : undefined;
  if (!info?.uploadUrl || !info.uploadKey || !info.uploadHeaders) throw new ApiError(`The user pool asked for ${step.signInStep}, not a face`, 'INTERNAL');
  return {
    username,
    key: info.uploadKey,
    url: info.uploadUrl,
    headers: JSON.parse(info.uploadHeaders) as Record<string, string>,
    maxBytes: Number(info.maxBytes),
    attempt: Number(info.attempt),
    maxAttempts: Number(info.maxAttempts),
    expiresAt: Date.parse(info.expiresAt ?? '') || Date.now(),
  };
}

/** A new sign-in: Cognito runs Define and Create, and the first challenge comes back. */
async function begin(username: string, contentType: string): Promise<FaceChallenge> {
  return challengeOf(username, await signIn({ username, options: { authFlowType: 'CUSTOM_WITHOUT_SRP', clientMetadata: { contentType } } }));
}

/** Signs in with this photo: answers the challenge waiting for `userId`, or starts a new sign-in. */
export async function signInWithFace(userId: string, photo: Blob): Promise<FaceSignIn> {
  const resume = waiting?.username === userId && waiting.expiresAt - Date.now() > EXPIRY_MARGIN_MS ? waiting : undefined;
  waiting = null;
  let challenge: FaceChallenge | undefined;
  try {
    challenge = await uploadWith(photo, (contentType) => begin(userId, contentType), resume);
    // The content type also goes to the next challenge, should this answer be refused.
    const answered = await confirmSignIn({ challengeResponse: challenge.key, options: { clientMetadata: { contentType: challenge.headers['content-type'] ?? 'image/jpeg' } } });
    if (answered.isSignedIn) return { signedIn: true, user: (await signedInUser())! };
    waiting = challengeOf(userId, answered);
    return { signedIn: false, userId, answered: waiting.attempt - 1, maxAttempts: waiting.maxAttempts };
  } catch (e) {
    throw signInError(e, challenge && { answered: challenge.attempt, maxAttempts: challenge.maxAttempts });
  }
}

/** The signed-in user (tokens refreshed by Amplify when due), or null. */
export async function signedInUser(): Promise<SignedInUser | null> {
  const { tokens } = await fetchAuthSession();
  if (!tokens) return null;
  const { username, exp } = tokens.accessToken.payload;
  return { userId: String(username), expiresAt: new Date(Number(exp) * 1000).toISOString() };
}

/** Signs out: Amplify revokes the refresh token (RevokeToken) and forgets the tokens. */
export async function signOutOfFacegate(): Promise<void> {
  waiting = null;
  await signOut();
}
