import type { StepName } from './lib/contract';
import type { MutationAuthenticateArgs } from '../schema/generated/graphql';
import { authenticate } from '../core/flows/authenticate';
import { stepHandler, type Step } from './lib/handler';

/** Verification only: DetectFaces, SearchUsersByImage, CompareFaces, lockout counters. */
export const authenticateSteps = {
  authenticate: (deps, event) => authenticate(deps, (event.args as unknown as MutationAuthenticateArgs).input),
} satisfies Partial<Record<StepName, Step>>;

export const handler = stepHandler(authenticateSteps);
