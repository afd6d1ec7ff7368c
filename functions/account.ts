import type { StepName } from './lib/contract';
import { deleteUser } from '../core/flows/deleteUser';
import { getProfile } from '../core/flows/me';
import { signedInUserId } from './lib/caller';
import { stepHandler, type Step } from './lib/handler';

/** A signed-in user's own account: read it, erase it. The userId is the caller's, never an argument. */
export const accountSteps = {
  me: (deps, event) => getProfile(deps, signedInUserId(event)),
  deleteMe: (deps, event) => deleteUser(deps, signedInUserId(event)),
} satisfies Partial<Record<StepName, Step>>;

export const handler = stepHandler(accountSteps);
