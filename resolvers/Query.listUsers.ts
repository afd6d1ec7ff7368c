/** Query.listUsers (admins) → DynamoDB Query gsi1 by status (default ACTIVE), newest first. */
import type { Context } from '@aws-appsync/utils';
import type { QueryListUsersArgs } from '../schema/generated/graphql';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, checkIntRange, checkOptionalNextToken } from './lib/validate';

export function request(ctx: Context<QueryListUsersArgs>): Record<string, never> {
  ctx.stash.limit = checkIntRange(ctx.args.limit, 'limit', 1, MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT);
  ctx.stash.status = ctx.args.status ?? 'ACTIVE';
  ctx.stash.nextToken = checkOptionalNextToken(ctx.args.nextToken, 'listUsers');
  return {};
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
