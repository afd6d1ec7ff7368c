import type { Deps } from '../deps';
import type { FaceRecordItem, ImageRef, UserRecord } from '../ports';

export interface Verified {
  similarity: number;
  /** The enrolled face that matched, when the 1:1 fallback decided. */
  faceId: string | null;
}

/**
 * Is the face in `image` the claimed user? 1:N first (SearchUsersByImage over the user
 * vectors): accepted only when the best match at or above the threshold is this very user.
 * When 1:N finds nobody (an approximate index can miss, a user vector may be updating), a 1:1
 * CompareFaces against the newest enrolled image decides. Someone else on top is a refusal.
 *
 * The same calls run whoever is claimed, so the time a refusal takes does not tell whether the
 * userId is registered: for an unknown or inactive user (`user` null or not ACTIVE) the 1:N
 * search runs all the same, the face records are read on the fallback path all the same (an
 * empty read), and CompareFaces compares the selfie with itself instead of an enrolled image —
 * the same call on the same kind of input — before the answer is a refusal.
 */
export async function verifyIdentity(
  deps: Deps,
  image: ImageRef,
  user: UserRecord | null,
  /** The claimed user's face records; read only on the 1:1 fallback path. */
  faces: () => Promise<FaceRecordItem[]>,
): Promise<Verified | null> {
  const threshold = deps.config.authThreshold;
  const active = user?.status === 'ACTIVE' ? user : null;
  const matches = await deps.faces.searchUsersByImage(image, { threshold, maxResults: 5 });
  const top = matches[0];
  if (top) return active && top.userId === active.userId && top.similarity >= threshold ? { similarity: top.similarity, faceId: null } : null;

  const records = await faces();
  const newest = active ? newestEnrolled(active, records) : undefined;
  const similarity = await deps.faces.compareFaces(image, newest ? { kind: 's3', key: newest.imageKey } : image, threshold);
  if (!newest) return null;
  return similarity !== null && similarity >= threshold ? { similarity, faceId: newest.faceId } : null;
}

function newestEnrolled(user: UserRecord, records: FaceRecordItem[]): FaceRecordItem | undefined {
  const enrolled = records.filter((f) => user.faceIds.includes(f.faceId));
  return enrolled.sort((a, b) => user.faceIds.indexOf(a.faceId) - user.faceIds.indexOf(b.faceId))[0];
}
