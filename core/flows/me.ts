import type { Profile } from '../../schema/generated/graphql';
import type { Deps } from '../deps';
import { validateUserId } from '../validation';

/** A signed-in user's own profile (`me`): null when there is none (never registered, or erased). */
export async function getProfile(deps: Deps, rawUserId: string): Promise<Profile | null> {
  const user = await deps.records.getUser(validateUserId(rawUserId));
  if (!user) return null;
  return {
    userId: user.userId,
    status: user.status,
    faceIds: user.faceIds,
    properties: user.properties ?? null,
    hasIdCard: user.idCard !== undefined,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}
