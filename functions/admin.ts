import { ADMIN_GROUP, type StepEvent, type StepName } from './lib/contract';
import type { MutationDeleteUserArgs, QueryFaceImageUrlArgs, QuerySearchFacesArgs } from '../schema/generated/graphql';
import { deleteUser } from '../core/flows/deleteUser';
import { faceImageUrl } from '../core/flows/faceImageUrl';
import { searchFaces } from '../core/flows/searchFaces';
import { fail } from '../core/errors';
import { stepHandler, type Step } from './lib/handler';

/**
 * The schema lets only Cognito users of group admins reach these fields. The handler checks the
 * caller's groups again: erasure must not rest on one layer (a schema or resolver slip, or a
 * direct invoke with a forged event, would otherwise erase anyone).
 */
function requireAdmin(event: StepEvent): void {
  const groups = (event.identity as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups) || !groups.includes(ADMIN_GROUP)) {
    fail('UNAUTHORIZED', `Only members of the ${ADMIN_GROUP} group may call ${event.step}`);
  }
}

/** Admin operations: erasure, 1:N search and presigned GETs of face images. */
export const adminSteps = {
  deleteUser: (deps, event) => {
    requireAdmin(event);
    return deleteUser(deps, (event.args as unknown as MutationDeleteUserArgs).userId);
  },
  searchFaces: (deps, event) => {
    requireAdmin(event);
    return searchFaces(deps, event.args as unknown as QuerySearchFacesArgs);
  },
  faceImageUrl: (deps, event) => {
    requireAdmin(event);
    return faceImageUrl(deps, event.args as unknown as QueryFaceImageUrlArgs);
  },
} satisfies Partial<Record<StepName, Step>>;

export const handler = stepHandler(adminSteps);
