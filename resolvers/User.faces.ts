/** User.faces (field resolver) → DynamoDB Query USER#<source.userId>, begins_with FACE#. */
import type { Context } from '@aws-appsync/utils';
import type { User } from '../schema/generated/graphql';

export function request(ctx: Context<Record<string, never>, Record<string, unknown>, Record<string, unknown>, Pick<User, 'userId'>>): Record<string, never> {
  ctx.stash.userId = ctx.source?.userId;
  return {};
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
