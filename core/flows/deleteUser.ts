import type { DeleteUserResult } from '../../schema/generated/graphql';
import type { Deps } from '../deps';
import { fail } from '../errors';
import { validateUserId } from '../validation';
import { firstRejection, settle, value } from './settle';

/**
 * The right to erasure: the sign-in account and the Rekognition user (which disassociates its
 * faces), the faces, the images, then the records — records last, so an interrupted erasure can
 * simply be repeated.
 */
export async function deleteUser(deps: Deps, rawUserId: string): Promise<DeleteUserResult> {
  const userId = validateUserId(rawUserId);
  const [user, faceItems] = await Promise.all([deps.records.getUser(userId), deps.records.listFaces(userId)]);
  if (!user) return fail('USER_NOT_FOUND', `No user ${userId}`, { userId });
  const faceIds = [...new Set([...user.faceIds, ...faceItems.map((f) => f.faceId)])];

  await Promise.all([deps.directory.deleteUser(userId), deps.faces.deleteUser(userId)]);
  if (faceIds.length > 0) await deps.faces.deleteFaces(faceIds);
  // Both deletions are waited for even when one fails: none runs on after the answer.
  const deletions = await settle([deps.images.deletePrefix(`faces/${userId}/`), deps.images.deletePrefix(`idcards/${userId}/`)] as const);
  const failure = firstRejection(deletions);
  if (failure) throw failure;
  const [faceImages, cardImages] = [value(deletions[0]), value(deletions[1])];
  await deps.records.deleteUserData(userId);
  deps.logger.info('user erased', { userId, faces: faceIds.length });
  return { userId, deletedFaces: faceIds.length, deletedImages: faceImages + cardImages, deletedAt: deps.clock.now().toISOString() };
}
