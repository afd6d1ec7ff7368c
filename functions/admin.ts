import type { MutationDeleteUserArgs, QuerySearchFacesArgs } from '../schema/generated/graphql';
import { deleteUser } from '../core/flows/deleteUser';
import { searchFaces } from '../core/flows/searchFaces';
import { stepHandler } from './lib/handler';

/** Admin operations (Cognito group admins, enforced by the schema): erasure and 1:N search. */
export const handler = stepHandler({
  deleteUser: (deps, event) => deleteUser(deps, (event.args as unknown as MutationDeleteUserArgs).userId),
  searchFaces: (deps, event) => searchFaces(deps, event.args as unknown as QuerySearchFacesArgs),
});
