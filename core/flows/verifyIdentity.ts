import type { Deps } from '../deps';
import type { FaceRecordItem, ImageRef, UserRecord } from '../ports';

export interface Verified {
  similarity: number;
  /** The enrolled face that matched, when the 1:1 fallback decided. */
  faceId: string | null;
}

/**
 * Is the face in `image` the enrolled user? 1:N first (SearchUsersByImage over the user
 * vectors): accepted only when the best match at or above the threshold is this very user.
 * When 1:N finds nobody (an approximate index can miss, a user vector may be updating), a 1:1
 * CompareFaces against the newest enrolled image decides. Someone else on top is a refusal.
 */
export async function verifyIdentity(
  deps: Deps,
  image: ImageRef,
  user: UserRecord,
  /** The user's face records; read only on the 1:1 fallback path. */
  faces: () => Promise<FaceRecordItem[]>,
): Promise<Verified | null> {
  const threshold = deps.config.authThreshold;
  const matches = await deps.faces.searchUsersByImage(image, { threshold, maxResults: 5 });
  const top = matches[0];
  if (top) return top.userId === user.userId && top.similarity >= threshold ? { similarity: top.similarity, faceId: null } : null;

  const enrolled = (await faces()).filter((f) => user.faceIds.includes(f.faceId));
  const newest = enrolled.sort((a, b) => user.faceIds.indexOf(a.faceId) - user.faceIds.indexOf(b.faceId))[0];
  if (!newest) return null;
  const similarity = await deps.faces.compareFaces(image, { kind: 's3', key: newest.imageKey }, threshold);
  return similarity !== null && similarity >= threshold ? { similarity, faceId: newest.faceId } : null;
}
