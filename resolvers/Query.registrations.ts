/** Query.registrations (admins) → DynamoDB Query gsi1 on REGS#<userId>, newest first: the audit trail. */
import type { Context } from '@aws-appsync/utils';
import type { QueryRegistrationsArgs } from '../schema/generated/graphql';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, checkId, checkIntRange, checkOptionalNextToken } from './lib/validate';

export function request(ctx: Context<QueryRegistrationsArgs>): Record<string, never> {
  ctx.stash.userId = checkId(ctx.args.userId, 'userId');
  ctx.stash.limit = checkIntRange(ctx.args.limit, 'limit', 1, MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT);
  ctx.stash.nextToken = checkOptionalNextToken(ctx.args.nextToken, 'registrations');
  return {};
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
