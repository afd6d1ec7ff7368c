/**
 * DynamoDB (table): Query gsi1 where gsi1pk = STATUS#<ctx.stash.status>, newest first
 * (gsi1sk = <createdAt>#<userId>), ctx.stash.limit items from ctx.stash.nextToken → UserConnection.
 * AppSync's DynamoDB data source hands back the nextToken itself.
 */
import { util } from '@aws-appsync/utils';
import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import { TABLE_KEYS, statusGsiPk } from '../../adapters/dynamodb/layout';
import { checkDataSourceError, toUser } from '../lib/items';
import type { UserItem } from '../lib/items';

export function request(ctx: Context): DynamoDBQueryRequest {
  const query: DynamoDBQueryRequest = {
    operation: 'Query',
    index: TABLE_KEYS.usersByStatusIndex,
    query: {
      expression: '#pk = :pk',
      expressionNames: { '#pk': TABLE_KEYS.gsiPartitionKey },
      expressionValues: util.dynamodb.toMapValues({ ':pk': statusGsiPk(ctx.stash.status) }),
    },
    scanIndexForward: false,
    limit: ctx.stash.limit,
  };
  if (ctx.stash.nextToken) {
    query.nextToken = ctx.stash.nextToken;
  }
  return query;
}

export function response(
  ctx: Context<unknown, Record<string, unknown>, Record<string, unknown>, undefined, { items?: UserItem[]; nextToken?: string | null } | null>,
): unknown {
  checkDataSourceError(ctx);
  const items = ctx.result?.items ?? [];
  return {
    items: items.map((item) => toUser(item)),
    nextToken: ctx.result?.nextToken ?? null,
  };
}
