import type { StepName } from './lib/contract';
import type { MutationDeleteUserArgs, QuerySearchFacesArgs } from '../schema/generated/graphql';
import { deleteUser } from '../core/flows/deleteUser';
import { searchFaces } from '../core/flows/searchFaces';
import { stepHandler, type Step } from './lib/handler';

/** Admin operations (Cognito group admins, enforced by the schema): erasure and 1:N search. */
export const adminSteps = {
  deleteUser: (deps, event) => deleteUser(deps, (event.args as unknown as MutationDeleteUserArgs).userId),
  searchFaces: (deps, event) => searchFaces(deps, event.args as unknown as QuerySearchFacesArgs),
} satisfies Partial<Record<StepName, Step>>;

export const handler = stepHandler(adminSteps);
