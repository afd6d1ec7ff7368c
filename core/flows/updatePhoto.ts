import type { ImageInput, RegistrationResult } from '../../schema/generated/graphql';
import type { Deps } from '../deps';
import { fail, isConditionFailed } from '../errors';
import { requestedStagedKeys, resolveImage, stagedKeysOf } from '../images';
import { assertNotLocked, clearFailures, recordFailure } from '../lockout';
import type { FaceRecordItem, UserRecord } from '../ports';
import { findReplay, runRegistration } from '../registration';
import { registrationPolicy, toFaceQuality } from '../screening';
import { validateRegistrationId, validateUserId } from '../validation';
import { faceImageKey, removeStrayFaces, screenIndexed } from './register';
import { firstRejection, settle, value } from './settle';
import { verifyIdentity } from './verifyIdentity';

export interface UpdatePhotoCommand {
  userId: string;
  image: ImageInput;
  registrationId: string;
}

/**
 * Replace a user's photo. The new selfie must authenticate as the user (it counts toward the
 * lockout like any authentication). Round 1 indexes it while verifying it against the enrolled
 * faces; round 2 associates and stores it; the profile is then switched with a version check.
 * Faces beyond the kept samples are removed only after that commit.
 */
export async function updatePhoto(deps: Deps, cmd: UpdatePhotoCommand): Promise<RegistrationResult> {
  const userId = validateUserId(cmd.userId);
  const registrationId = validateRegistrationId(cmd.registrationId);
  const earlier = await findReplay(deps, registrationId, userId, 'UPDATE_PHOTO', requestedStagedKeys([cmd.image]));
  if (earlier) return earlier;
  const selfie = await resolveImage(deps, cmd.image, 'image');
  const { faces, records, images, config, clock } = deps;
  return runRegistration(deps, { registrationId, userId, kind: 'UPDATE_PHOTO', stagedKeys: stagedKeysOf([selfie]) }, async (progress, undo, { token }) => {
    const [attempts, user] = await Promise.all([assertNotLocked(deps, userId), records.getUser(userId)]);
    const enrolledFaces = records.listFaces(userId);
    enrolledFaces.catch(() => undefined);

    progress.emit('VERIFYING_IDENTITY', 'STARTED');
    progress.emit('SCREENING', 'STARTED');
    const [indexed, verified] = await settle([
      faces.indexFace(selfie.ref, userId),
      verifyIdentity(deps, selfie.ref, user, () => enrolledFaces),
    ] as const);
    const faceId = indexed.status === 'fulfilled' ? indexed.value.indexed?.faceId : undefined;
    if (faceId) undo.push('delete indexed face', () => faces.deleteFaces([faceId]));
    const enrolled = user?.faceIds ?? [];
    const mayHaveStrays = indexed.status === 'rejected' || indexed.value.retried === true;
    if (mayHaveStrays) undo.push('delete stray faces', () => removeStrayFaces(deps, selfie.ref, userId, faceId ? [faceId, ...enrolled] : enrolled));
    const failure = firstRejection([indexed, verified]);
    if (failure) throw failure;

    const face = screenIndexed(value(indexed), registrationPolicy(config), progress);
    progress.emit('SCREENING', 'SUCCEEDED', 'One clear face');

    const match = value(verified);
    if (!match || !user) {
      await recordFailure(deps, userId, attempts);
      progress.emit('VERIFYING_IDENTITY', 'FAILED', 'The new photo does not match this user', 'FACE_MISMATCH');
      fail('FACE_MISMATCH', 'The face does not match this user', {});
    }
    progress.emit('VERIFYING_IDENTITY', 'SUCCEEDED', `Similarity ${match!.similarity.toFixed(1)}`);
    await clearFailures(deps, attempts);

    progress.emit('INDEXING', 'STARTED');
    const imageKey = faceImageKey(userId, faceId!, selfie.contentType);
    undo.push('delete stored image', () => images.delete([imageKey]));
    const [associated, saved] = await settle([
      faces.associateFaces(userId, [faceId!], token),
      images.save(selfie.ref, imageKey, selfie.contentType),
    ] as const);
    // Pushed after the face's deletion, so it runs before it: Rekognition refuses to delete associated faces.
    if (associated.status === 'fulfilled') undo.push('disassociate new face', () => faces.disassociateFaces(userId, [faceId!]));
    const roundTwoFailure = firstRejection([associated, saved]);
    if (roundTwoFailure) throw roundTwoFailure;
    progress.emit('INDEXING', 'SUCCEEDED', `Face ${faceId} indexed`);

    progress.emit('SAVING', 'STARTED');
    const now = clock.now().toISOString();
    const quality = toFaceQuality(face);
    await records.putFace({ userId, faceId: faceId!, imageKey, quality, indexedAt: now });
    undo.push('delete face record', () => records.deleteFace(userId, faceId!));
    const faceIds = [faceId!, ...user!.faceIds.filter((id) => id !== faceId)];
    const kept = faceIds.slice(0, Math.max(1, config.keptFaces));
    const evicted = faceIds.slice(kept.length);
    const updated: UserRecord = { ...user!, faceIds: kept, registrationId, updatedAt: now, version: user!.version + 1 };
    try {
      await records.replaceUser(updated, user!.version);
    } catch (error) {
      if (isConditionFailed(error)) fail('CONFLICT', 'The user changed during the update; try again', { userId });
      throw error;
    }
    undo.clear();
    progress.emit('SAVING', 'SUCCEEDED');
    if (mayHaveStrays) {
      await removeStrayFaces(deps, selfie.ref, userId, faceIds).catch((error: unknown) => deps.logger.error('stray faces not removed: possible orphans', { userId, error: String(error) }));
    }

    await evictFaces(deps, userId, evicted, enrolledFaces);
    return {
      registrationId,
      userId,
      kind: 'UPDATE_PHOTO',
      status: 'SUCCEEDED',
      faceId: faceId!,
      quality,
      idCardSimilarity: null,
      removedFaceIds: evicted,
      completedAt: now,
    } satisfies RegistrationResult;
  });
}

/**
 * Removes faces the profile no longer lists. The face records go last: if anything fails
 * on the way, the record still names the face, so it is never an untracked orphan.
 */
async function evictFaces(deps: Deps, userId: string, faceIds: string[], records: Promise<FaceRecordItem[]>): Promise<void> {
  if (faceIds.length === 0) return;
  try {
    // Without the records there are no image keys: remove nothing rather than orphan images.
    const items = await records;
    await deps.faces.disassociateFaces(userId, faceIds);
    await deps.faces.deleteFaces(faceIds);
    const keys = items.filter((f) => faceIds.includes(f.faceId)).map((f) => f.imageKey);
    if (keys.length > 0) await deps.images.delete(keys);
    for (const faceId of faceIds) await deps.records.deleteFace(userId, faceId);
  } catch (error) {
    deps.logger.error('old faces not removed; their records remain', { userId, faceIds, error: String(error) });
  }
}
