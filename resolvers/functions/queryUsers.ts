/**
 * DynamoDB (table): Query gsi1 where gsi1pk = STATUS#<ctx.stash.status>, newest first
 * (gsi1sk = <createdAt>#<userId>), ctx.stash.limit items from ctx.stash.nextToken → UserConnection.
 * AppSync's DynamoDB data source hands back the nextToken itself.
 */
import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import { statusGsiPk } from '../../adapters/dynamodb/layout';
import { toUser } from '../lib/items';
import type { UserItem } from '../lib/items';
import { newestFirstInGsi1, pageOf } from '../lib/paging';

export function request(ctx: Context): DynamoDBQueryRequest {
  return newestFirstInGsi1(statusGsiPk(ctx.stash.status), ctx.stash.limit, ctx.stash.nextToken);
}

export function response(
  ctx: Context<unknown, Record<string, unknown>, Record<string, unknown>, undefined, { items?: UserItem[]; nextToken?: string | null } | null>,
): unknown {
  const page = pageOf(ctx);
  return { items: page.items.map((item) => toUser(item)), nextToken: page.nextToken };
}
