/** Query.faceRecords (admins) → DynamoDB Query USER#<userId>, begins_with FACE#. */
import type { Context } from '@aws-appsync/utils';
import type { QueryFaceRecordsArgs } from '../schema/generated/graphql';
import { checkId } from './lib/validate';

export function request(ctx: Context<QueryFaceRecordsArgs>): Record<string, never> {
  ctx.stash.userId = checkId(ctx.args.userId, 'userId');
  return {};
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
