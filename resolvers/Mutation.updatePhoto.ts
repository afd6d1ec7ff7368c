/** Mutation.updatePhoto → register Lambda. The registrationId (given or new) is stashed for the step. */
import type { Context } from '@aws-appsync/utils';
import type { MutationUpdatePhotoArgs } from '../schema/generated/graphql';
import { checkId, checkImage, stashRegistrationId } from './lib/validate';

export function request(ctx: Context<MutationUpdatePhotoArgs>): Record<string, never> {
  const input = ctx.args.input;
  checkId(input.userId, 'input.userId');
  checkImage(input.image, 'input.image');
  stashRegistrationId(ctx, input.registrationId);
  return {};
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
