import type { FaceImageUrl, QueryFaceImageUrlArgs } from '../../schema/generated/graphql';
import type { Deps } from '../deps';
import { validateFaceId, validateUserId } from '../validation';

/**
 * Admin: a short-lived presigned GET of one enrolled face's image. The key comes from the face's
 * own record, never from the caller, so only enrolled face images can be reached this way.
 */
export async function faceImageUrl(deps: Deps, args: QueryFaceImageUrlArgs): Promise<FaceImageUrl | null> {
  const userId = validateUserId(args.userId);
  const faceId = validateFaceId(args.faceId);
  const face = (await deps.records.listFaces(userId)).find((f) => f.faceId === faceId);
  if (!face) return null;
  const ttl = deps.config.imageUrlTtlSeconds;
  const url = await deps.images.presignDownload(face.imageKey, ttl);
  deps.logger.info('face image URL issued', { userId, faceId: face.faceId, expiresInSeconds: ttl });
  return { userId, faceId: face.faceId, url, expiresAt: new Date(deps.clock.now().getTime() + ttl * 1000).toISOString() };
}
