/**
 * Mutation.updateMyPhoto (signed-in users) → register Lambda, as updatePhoto for the caller (the
 * userId comes from the token there). The registrationId (given or new) is stashed for the step.
 */
import type { Context } from '@aws-appsync/utils';
import type { MutationUpdateMyPhotoArgs } from '../schema/generated/graphql';
import { checkImage, stashRegistrationId } from './lib/validate';

export function request(ctx: Context<MutationUpdateMyPhotoArgs>): Record<string, never> {
  const input = ctx.args.input;
  checkImage(input.image, 'input.image');
  stashRegistrationId(ctx, input.registrationId);
  return {};
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
