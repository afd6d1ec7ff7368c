import type { AuthenticateInput, AuthenticationResult } from '../../schema/generated/graphql';
import type { Deps } from '../deps';
import { fail, isRetryable } from '../errors';
import { discardStagedUploads, resolveImage, stagedKeysOf, type ResolvedImage } from '../images';
import { assertNotLocked, clearFailures, recordFailure } from '../lockout';
import type { AuthAttempts, UserRecord } from '../ports';
import { authenticationPolicy, screenSingleFace } from '../screening';
import { validateUserId } from '../validation';
import { verifyIdentity } from './verifyIdentity';

/**
 * 1:1 verification of a claimed userId with a selfie. An unknown user, an inactive one and a
 * different face all get the same FACE_MISMATCH after the same calls (verifyIdentity) and
 * count toward the lockout, so neither the answer nor its timing reveals who is registered.
 * Screening failures (no face, poor quality) are the client's photo, not a guess, and do not
 * count.
 *
 * A verification selfie is biometric data with no use once the attempt is decided (success,
 * FACE_MISMATCH, a screening refusal, an image the engine cannot read): its staged upload is
 * removed then. A request refused before the image was read (invalid input, missing upload)
 * or with a retryable error (LOCKED_OUT, THROTTLED, UNAVAILABLE, INTERNAL) keeps it, so the
 * client can retry; the bucket's lifecycle rule expires it.
 */
export async function authenticate(deps: Deps, input: AuthenticateInput): Promise<AuthenticationResult> {
  const userId = validateUserId(input.userId);
  const image = await resolveImage(deps, input.image, 'image');

  let result: AuthenticationResult;
  try {
    result = await decideAuthentication(deps, userId, image);
  } catch (error) {
    if (!isRetryable(error)) await discardStagedUploads(deps, stagedKeysOf([image]));
    throw error;
  }
  await discardStagedUploads(deps, stagedKeysOf([image]));
  return result;
}

/**
 * The decision itself, for a validated userId and a resolved selfie: lockout, the claimed user,
 * screening and the face check, the failure counted or cleared. Face sign-in (Cognito's Verify
 * Auth Challenge trigger, core/flows/signIn.ts) makes exactly this decision too. Leaves the
 * staged upload to the caller.
 */
export async function decideAuthentication(deps: Deps, userId: string, image: ResolvedImage): Promise<AuthenticationResult> {
  const [attempts, user] = await Promise.all([assertNotLocked(deps, userId), deps.records.getUser(userId)]);
  return decide(deps, userId, image, attempts, user);
}

async function decide(
  deps: Deps,
  userId: string,
  image: ResolvedImage,
  attempts: AuthAttempts | null,
  user: UserRecord | null,
): Promise<AuthenticationResult> {
  // Screening and the face check start together (the success path waits for the slower one), but
  // a refusal of the photo itself is answered as soon as the screen decides: what the face check
  // costs depends on what is enrolled, and the answer must not wait for it to show.
  const verifying = verifyIdentity(deps, image.ref, user, () => deps.records.listFaces(userId));
  verifying.catch(() => undefined); // not awaited when the screen refuses; it only reads
  screenSingleFace(await deps.faces.detectFaces(image.ref), authenticationPolicy(deps.config), 'image');
  const verified = await verifying;

  if (!verified) {
    await recordFailure(deps, userId, attempts);
    deps.logger.info('authentication refused', { userId });
    return fail('FACE_MISMATCH', 'The face does not match this user', {});
  }
  await clearFailures(deps, attempts);
  return {
    userId,
    authenticated: true,
    similarity: Math.round(verified.similarity * 100) / 100,
    faceId: verified.faceId,
    authenticatedAt: deps.clock.now().toISOString(),
  };
}
