import type { AuthenticateInput, AuthenticationResult } from '../../schema/generated/graphql';
import type { Deps } from '../deps';
import { fail } from '../errors';
import { resolveImage } from '../images';
import { assertNotLocked, clearFailures, recordFailure } from '../lockout';
import { authenticationPolicy, screenSingleFace } from '../screening';
import { validateUserId } from '../validation';
import { verifyIdentity } from './verifyIdentity';

/**
 * 1:1 verification of a claimed userId with a selfie. An unknown user, an inactive one and a
 * different face all get the same FACE_MISMATCH and count toward the lockout, so responses do
 * not reveal who is registered. Screening failures (no face, poor quality) are the client's
 * photo, not a guess, and do not count.
 */
export async function authenticate(deps: Deps, input: AuthenticateInput): Promise<AuthenticationResult> {
  const userId = validateUserId(input.userId);
  const image = await resolveImage(deps, input.image, 'image');
  const [attempts, user] = await Promise.all([assertNotLocked(deps, userId), deps.records.getUser(userId)]);

  const [detected, verified] = await Promise.all([
    deps.faces.detectFaces(image.ref),
    user?.status === 'ACTIVE' ? verifyIdentity(deps, image.ref, user, () => deps.records.listFaces(userId)) : Promise.resolve(null),
  ]);
  screenSingleFace(detected, authenticationPolicy(deps.config), 'image');

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
