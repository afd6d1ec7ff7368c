/** Mutation.authenticate → authenticate Lambda. */
import type { Context } from '@aws-appsync/utils';
import type { MutationAuthenticateArgs } from '../schema/generated/graphql';
import { checkId, checkImage } from './lib/validate';

export function request(ctx: Context<MutationAuthenticateArgs>): Record<string, never> {
  const input = ctx.args.input;
  checkId(input.userId, 'input.userId');
  checkImage(input.image, 'input.image');
  return {};
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
