/** Mutation.deleteUser (admins) → admin Lambda: the right to erasure. */
import type { Context } from '@aws-appsync/utils';
import type { MutationDeleteUserArgs } from '../schema/generated/graphql';
import { checkId } from './lib/validate';

export function request(ctx: Context<MutationDeleteUserArgs>): Record<string, never> {
  checkId(ctx.args.userId, 'userId');
  return {};
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
