/** DynamoDB (table): GetItem USER#<ctx.stash.userId> / PROFILE → User or null. */
import { util } from '@aws-appsync/utils';
import type { Context, DynamoDBGetItemRequest } from '@aws-appsync/utils';
import { PROFILE_SK, TABLE_KEYS, userPk } from '../../adapters/dynamodb/layout';
import { checkDataSourceError, toUser } from '../lib/items';
import type { UserItem } from '../lib/items';

export function request(ctx: Context): DynamoDBGetItemRequest {
  const key: Record<string, string> = {};
  key[TABLE_KEYS.partitionKey] = userPk(ctx.stash.userId);
  key[TABLE_KEYS.sortKey] = PROFILE_SK;
  return { operation: 'GetItem', key: util.dynamodb.toMapValues(key) };
}

export function response(ctx: Context<unknown, Record<string, unknown>, Record<string, unknown>, undefined, UserItem | null>): unknown {
  checkDataSourceError(ctx);
  if (ctx.result === null || ctx.result === undefined) {
    return null;
  }
  return toUser(ctx.result);
}
