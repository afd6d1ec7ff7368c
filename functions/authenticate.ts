import type { MutationAuthenticateArgs } from '../schema/generated/graphql';
import { authenticate } from '../core/flows/authenticate';
import { stepHandler } from './lib/handler';

/** Verification only: DetectFaces, SearchUsersByImage, CompareFaces, lockout counters. */
export const handler = stepHandler({
  authenticate: (deps, event) => authenticate(deps, (event.args as unknown as MutationAuthenticateArgs).input),
});
