/** Query.user (admins) → DynamoDB GetItem USER#<userId> / PROFILE; null when missing. */
import type { Context } from '@aws-appsync/utils';
import type { QueryUserArgs } from '../schema/generated/graphql';
import { checkId } from './lib/validate';

export function request(ctx: Context<QueryUserArgs>): Record<string, never> {
  ctx.stash.userId = checkId(ctx.args.userId, 'userId');
  return {};
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
